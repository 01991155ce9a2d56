/**
 * Writes a synthetic Almere — geography files and the partners' files — to a directory:
 *
 *   node dist/scripts/demo-generate.js --seed 1 --scale 1 --out ./demo-city
 *
 * Deterministic for a seed (byte-identical files). Files are streamed, so --scale 10 needs no more
 * memory than --scale 1 beyond the street plan.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { generateCity } from '../src/geography/synthetic/city-generator.js';
import { CITY_FILES, type CityFile, type CitySink } from '../src/geography/synthetic/city-sink.js';

/** Buffers each file's text and writes it in large chunks: fast, and bounded memory at any scale. */
class DirectorySink implements CitySink {
  private readonly fds = new Map<CityFile, number>();
  private readonly buffers = new Map<CityFile, string[]>();
  private readonly sizes = new Map<CityFile, number>();
  /** Hashed as written, to print a fingerprint without reading the files back. */
  readonly hashes = new Map<CityFile, Hash>();

  constructor(private readonly dir: string) {}

  write(file: CityFile, text: string): void {
    let buffer = this.buffers.get(file);
    if (!buffer) {
      this.fds.set(file, openSync(path.join(this.dir, file), 'w'));
      this.buffers.set(file, (buffer = []));
      this.hashes.set(file, createHash('sha256'));
    }
    this.hashes.get(file)!.update(text);
    buffer.push(text);
    const size = (this.sizes.get(file) ?? 0) + text.length;
    this.sizes.set(file, size);
    if (size > 1 << 20) this.flush(file);
  }

  close(): void {
    for (const [file, fd] of this.fds) {
      this.flush(file);
      closeSync(fd);
    }
  }

  private flush(file: CityFile): void {
    writeSync(this.fds.get(file)!, this.buffers.get(file)!.join(''));
    this.buffers.set(file, []);
    this.sizes.set(file, 0);
  }
}

function option(argv: readonly string[], name: string, fallback: string): string {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 && argv[index + 1] !== undefined ? argv[index + 1]! : fallback;
}

function main(argv: readonly string[]): number {
  const seed = Number(option(argv, 'seed', '1'));
  const scale = Number(option(argv, 'scale', '1'));
  const out = path.resolve(option(argv, 'out', 'demo-city'));
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1 || !Number.isInteger(scale) || scale < 1 || scale > 100) {
    console.error('usage: demo-generate [--seed 0..2147483647] [--scale 1..100] [--out <dir>]');
    return 64;
  }
  mkdirSync(out, { recursive: true });
  const started = Date.now();
  const sink = new DirectorySink(out);
  const { truth } = generateCity({ seed, scale }, sink);
  sink.close();
  console.log(`synthetic Almere, seed ${seed}, scale ${scale}: ${truth.totals.addresses} addresses, ${truth.totals.inhabitants} inhabitants in ${Date.now() - started} ms → ${out}`);
  for (const file of Object.keys(CITY_FILES) as CityFile[]) {
    console.log(`  ${file.padEnd(24)} sha256:${sink.hashes.get(file)?.digest('hex').slice(0, 16) ?? '(empty)'}`);
  }
  return 0;
}

process.exit(main(process.argv.slice(2)));
