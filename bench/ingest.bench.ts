/**
 * End-to-end ingestion: a population register of the synthetic city (about 1,000,000 rows: BSNs to
 * check and pseudonymise, addresses to locate) uploaded as CSV over HTTP into PostgreSQL, against a raw
 * COPY of the very same rows into the same table, in the same run. Also the peak memory while uploading
 * a fifth of the file and the whole of it: it must not grow with the file.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:ingest
 *
 * Prints one JSON line. Uses a fresh database it creates and drops, and a temporary directory.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { createApp } from '../src/app.factory.js';
import { ClientKeyRepository } from '../src/auth/client-key.repository.js';
import { loadConfig } from '../src/config/app-config.js';
import { Database } from '../src/database/database.js';
import { DemoSeeder } from '../src/geography/demo-seeder.js';
import { generateCity } from '../src/geography/synthetic/city-generator.js';
import type { CityFile, CitySink } from '../src/geography/synthetic/city-sink.js';
import { withScratchDatabase } from './scratch-database.js';

const SCALE = Number(process.env.BENCH_SCALE ?? 4.5);
const CLIENT = 'cbs-levering';

/** Writes only the population register to a file, streaming. */
class RegisterSink implements CitySink {
  rows = -1;
  private readonly out;
  constructor(file: string) {
    this.out = createWriteStream(file);
  }
  write(file: CityFile, text: string): void {
    if (file !== 'bevolking.csv') return;
    this.out.write(text);
    this.rows += 1;
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.out.end(resolve));
  }
}

async function main(): Promise<void> {
  await withScratchDatabase(run);
}

async function run(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sk-bench-ingest-'));
  const config = loadConfig({ DATABASE_URL: databaseUrl, DATA_DIR: dir, LOG_LEVEL: 'warn', DEMO: 'off', PORT: '0' });
  const app = await createApp(config);
  try {
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as AddressInfo).port;
    await app.get(DemoSeeder).seedIfEmpty({ seed: 1, scale: SCALE });
    const file = path.join(dir, 'bevolking.csv');
    const sink = new RegisterSink(file);
    generateCity({ seed: 1, scale: SCALE }, sink);
    await sink.close();
    const rows = (await readLines(file)) - 1;
    const fifth = path.join(dir, 'bevolking-fifth.csv');
    await head(file, fifth, Math.floor(rows / 5) + 1);

    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), alg: 'ES256', kid: 'bench-key', use: 'sig' };
    const keys = app.get(ClientKeyRepository);
    await app.get(Database).withTransaction((tx) => keys.register(tx, CLIENT, 'bench-key', jwk));
    const upload = async (source: string, period: string) => {
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: 'bench-key' })
        .setIssuer(CLIENT)
        .setSubject(CLIENT)
        .setAudience(config.auth.audience)
        .setIssuedAt()
        .setExpirationTime('2m')
        .setJti(randomBytes(16).toString('hex'))
        .sign(privateKey);
      (globalThis as { gc?: () => void }).gc?.();
      const baseline = process.memoryUsage();
      let peak = baseline.rss;
      let peakHeap = baseline.heapUsed + baseline.external;
      const sampler = setInterval(() => {
        const m = process.memoryUsage();
        peak = Math.max(peak, m.rss);
        peakHeap = Math.max(peakHeap, m.heapUsed + m.external);
      }, 20);
      const started = process.hrtime.bigint();
      // The partner is another process (curl streaming the file), as it is in real life.
      const { status, body } = await curl([
        '-sS', '-X', 'POST', '-T', source, '-H', `Authorization: Bearer ${token}`, '-H', 'Content-Type: text/csv',
        '-w', '\n%{http_code}', `http://127.0.0.1:${port}/v1/datasets/bevolking/batches?period=${period}`,
      ]);
      const receipt = JSON.parse(body) as { status?: string; rows?: { accepted: number }; id?: string };
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      clearInterval(sampler);
      if (status !== 201) throw new Error(`upload answered ${status}: ${body.slice(0, 300)}`);
      return {
        seconds,
        receipt,
        peakDeltaMb: Math.round((peak - baseline.rss) / 2 ** 20),
        peakHeapDeltaMb: Math.round((peakHeap - baseline.heapUsed - baseline.external) / 2 ** 20),
      };
    };

    // Warm up: the first upload loads the address index (it grows with the geography, not the file).
    const tiny = path.join(dir, 'bevolking-tiny.csv');
    await head(file, tiny, 11);
    await upload(tiny, '2025-10');
    const small = await upload(fifth, '2025-11');
    const full = await upload(file, '2025-12');

    // The baseline: the same rows, as the gateway stored them, COPYed into the same table.
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    const dump = path.join(dir, 'records.copy');
    await pipeline(
      client.query(copyStreams.to(`COPY (SELECT * FROM record WHERE batch_id = '${full.receipt.id}') TO STDOUT`)),
      createWriteStream(dump),
    );
    await client.query('BEGIN');
    const copyStarted = process.hrtime.bigint();
    await pipeline(createReadStream(dump, { highWaterMark: 1 << 20 }), client.query(copyStreams.from('COPY record FROM STDIN')));
    const copySeconds = Number(process.hrtime.bigint() - copyStarted) / 1e9;
    await client.query('ROLLBACK');
    await client.end();

    const fileMb = (await stat(file)).size / 2 ** 20;
    console.log(
      JSON.stringify({
        bench: 'ingest',
        database: 'postgresql',
        rows,
        file_mb: Math.round(fileMb),
        seconds: Number(full.seconds.toFixed(2)),
        rows_per_s: Math.round(rows / full.seconds),
        copy_seconds: Number(copySeconds.toFixed(2)),
        copy_rows_per_s: Math.round(rows / copySeconds),
        ratio_to_copy: Number((copySeconds / full.seconds).toFixed(3)),
        peak_rss_delta_mb: { fifth_of_file: small.peakDeltaMb, whole_file: full.peakDeltaMb },
        peak_heap_delta_mb: { fifth_of_file: small.peakHeapDeltaMb, whole_file: full.peakHeapDeltaMb },
        target_rows_per_s: 100000,
        target_ratio_to_copy: 0.5,
      }),
    );
  } finally {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function curl(args: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('curl', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const cut = out.lastIndexOf('\n');
      resolve({ status: Number(out.slice(cut + 1)), body: out.slice(0, cut) });
    });
  });
}

async function readLines(file: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(file)) for (const byte of chunk as Buffer) if (byte === 10) lines++;
  return lines;
}

async function head(source: string, target: string, lines: number): Promise<void> {
  const out = createWriteStream(target);
  let left = lines;
  for await (const chunk of createReadStream(source)) {
    const buffer = chunk as Buffer;
    let end = 0;
    while (left > 0 && end < buffer.length) {
      const nl = buffer.indexOf(10, end);
      if (nl === -1) {
        end = buffer.length;
        break;
      }
      end = nl + 1;
      left--;
    }
    out.write(buffer.subarray(0, end));
    if (left === 0) break;
  }
  await new Promise((resolve) => out.end(resolve));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
