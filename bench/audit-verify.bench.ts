import { generateKeyPairSync } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { signCheckpoint } from '../src/audit/core/checkpoint.js';
import { eventLine, headerLine, trailerLine } from '../src/audit/core/export-format.js';
import { MerkleAccumulator } from '../src/audit/core/merkle.js';
import { verifyExport } from '../src/audit/core/verifier.js';
import { ORIGIN, ISSUED_AT, syntheticEvent } from '../test/fixtures/audit/synthetic-log.js';

/**
 * Builds a synthetic export of 1,000,000 events in a temp file (not timed), then times an offline
 * verification of it exactly as the CLI does it: readline over a file stream. Prints one JSON line.
 */
const EVENTS = Number(process.argv[2] ?? 1_000_000);
const TARGET_SECONDS = 10;

const dir = mkdtempSync(path.join(tmpdir(), 'audit-verify-bench-'));
const file = path.join(dir, 'export.jsonl');
try {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const out = createWriteStream(file, { encoding: 'utf8' });
  const acc = MerkleAccumulator.empty();
  let chunk = `${headerLine(ORIGIN)}\n`;
  for (let seq = 0; seq < EVENTS; seq++) {
    const event = syntheticEvent(seq);
    acc.append(Buffer.from(event.leafHash, 'hex'));
    chunk += `${eventLine(event)}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  chunk += `${trailerLine(signCheckpoint(ORIGIN, EVENTS, acc.root(), ISSUED_AT, privateKey))}\n`;
  out.end(chunk);
  await once(out, 'finish');

  const started = performance.now();
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY });
  const report = await verifyExport(lines, { publicKey });
  const seconds = (performance.now() - started) / 1000;
  if (!report.ok || report.events !== EVENTS) throw new Error(`the benchmark export did not verify: ${JSON.stringify(report.firstFailure)}`);
  console.log(JSON.stringify({ bench: 'audit-verify', events: EVENTS, seconds: Number(seconds.toFixed(2)), target_seconds: TARGET_SECONDS }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
