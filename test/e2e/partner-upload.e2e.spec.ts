import { createHash, generateKeyPairSync } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import { createGatewayClient, type GatewayClient } from '../../src/partner-client/gateway-client.js';
import { idempotencyKeyFor } from '../../src/partner-client/file-digest.js';
import { parsePartnerKey } from '../../src/partner-client/partner-key.js';
import { tokenSigner } from '../../src/partner-client/partner-token.js';
import { type UploadProgress, uploadBatch } from '../../src/partner-client/upload.js';

/**
 * The upload library against a tiny stand-in gateway on loopback: what goes over the wire on each
 * attempt (token, Idempotency-Key, content type, the body streamed), and which answers are retried.
 */
interface Seen {
  readonly url: string;
  readonly contentType: string | undefined;
  readonly idempotencyKey: string | undefined;
  readonly jti: unknown;
  readonly bytes: number;
  readonly sha256: string;
}

type Answer = { status: number; headers?: Record<string, string>; body?: unknown } | 'drop';

const RECEIPT = {
  id: '6f1c2c59-4a8e-4c1b-9a51-0d7f3f1c2b10',
  dataset: 'huurachterstand',
  period: '2026-10',
  status: 'stored',
  receivedAt: '2026-11-02T10:00:00.000Z',
  rows: { total: 2, accepted: 2, rejected: 0 },
};

class StandInGateway {
  readonly seen: Seen[] = [];
  answers: Answer[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const answer = this.answers[this.seen.length] ?? { status: 201, body: RECEIPT };
    if (answer === 'drop') {
      this.seen.push(this.record(request, 0, ''));
      request.socket.destroy();
      return;
    }
    // Read the body as it arrives, hashing and counting, never holding it.
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of request) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
    this.seen.push(this.record(request, bytes, hash.digest('hex')));
    const json = answer.status >= 400 ? 'application/problem+json' : 'application/json';
    response.writeHead(answer.status, { 'Content-Type': json, ...answer.headers });
    response.end(JSON.stringify(answer.body ?? { type: 'urn:test', title: 'Stand-in', status: answer.status }));
  }

  private record(request: IncomingMessage, bytes: number, sha256: string): Seen {
    const authorization = request.headers.authorization ?? '';
    return {
      url: request.url ?? '',
      contentType: request.headers['content-type'],
      idempotencyKey: request.headers['idempotency-key'] as string | undefined,
      jti: authorization.startsWith('Bearer ') ? decodeJwt(authorization.slice(7)).jti : undefined,
      bytes,
      sha256,
    };
  }

  reset(answers: Answer[]): void {
    this.seen.length = 0;
    this.answers = answers;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** V8's gc(), which Jest does not expose: what a measurement of memory held needs. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
const collectGarbage = exposeGc();

const scratch = mkdtempSync(path.join(tmpdir(), 'partner-upload-'));
const CSV = 'postcode;huisnummer;bedrag;maanden\n1315AB;12;1450.50;3\n1315AC;4;800;2\n';
const csvFile = path.join(scratch, 'huurachterstand-2026-10.csv');
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('uploading a batch file (stand-in gateway on loopback)', () => {
  let gateway: StandInGateway;
  let client: GatewayClient;
  const delays: number[] = [];
  const sleep = (ms: number) => {
    delays.push(ms);
    return Promise.resolve();
  };
  const upload = (file: string, extra: Partial<Parameters<typeof uploadBatch>[1]> = {}) =>
    uploadBatch(client, { dataset: 'huurachterstand', period: '2026-10', file, sleep, ...extra });

  beforeAll(async () => {
    writeFileSync(csvFile, CSV);
    gateway = await new StandInGateway().start();
    const key = await parsePartnerKey(generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
    client = createGatewayClient({ baseUrl: `${gateway.url}/`, signer: tokenSigner({ clientId: 'woningcorporatie-etl', key }) });
  });
  beforeEach(() => {
    delays.length = 0;
  });
  afterAll(async () => {
    await gateway.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('retries 503 twice with backoff, under one Idempotency-Key and with a fresh token each time, then returns the receipt', async () => {
    gateway.reset([{ status: 503 }, { status: 503 }]);
    const result = await upload(csvFile);
    expect(result).toMatchObject({ kind: 'receipt', status: 201, replayed: false, receipt: RECEIPT, attempts: 3 });
    expect(gateway.seen).toHaveLength(3);
    const expectedKey = idempotencyKeyFor(sha(CSV), 'huurachterstand', '2026-10');
    expect(result.idempotencyKey).toBe(expectedKey);
    for (const seen of gateway.seen) {
      expect(seen).toMatchObject({ url: '/v1/datasets/huurachterstand/batches?period=2026-10', idempotencyKey: expectedKey });
      expect(seen).toMatchObject({ contentType: 'text/csv', bytes: CSV.length, sha256: sha(CSV) });
    }
    expect(new Set(gateway.seen.map((s) => s.jti)).size).toBe(3);
    expect(delays).toHaveLength(2);
    expect(delays[0]).toBeGreaterThanOrEqual(250);
    expect(delays[0]).toBeLessThanOrEqual(500);
    expect(delays[1]).toBeGreaterThanOrEqual(500);
    expect(delays[1]).toBeLessThanOrEqual(1000);
  });

  it('derives the same key for the same file, dataset and period, and another for another period', async () => {
    gateway.reset([]);
    const a = await upload(csvFile);
    const b = await upload(csvFile);
    const c = await upload(csvFile, { period: '2026-11' });
    expect(a.idempotencyKey).toBe(b.idempotencyKey);
    expect(c.idempotencyKey).not.toBe(a.idempotencyKey);
    expect(gateway.seen.map((s) => s.idempotencyKey)).toEqual([a.idempotencyKey, a.idempotencyKey, c.idempotencyKey]);
  });

  it('does not retry a 400 and returns the problem', async () => {
    const problem = { type: 'urn:straatkubus:problem:bad-request', title: 'Bad request', status: 400, detail: 'period' };
    gateway.reset([{ status: 400, body: problem }]);
    const result = await upload(csvFile, { idempotencyKey: 'my-own-key-1' });
    expect(result).toEqual({ kind: 'problem', status: 400, problem, attempts: 1, idempotencyKey: 'my-own-key-1' });
    expect(gateway.seen).toHaveLength(1);
    expect(gateway.seen[0]!.idempotencyKey).toBe('my-own-key-1');
    expect(delays).toEqual([]);
  });

  it('returns a 422 rejection with its row errors, without retrying', async () => {
    const rejection = {
      type: 'urn:straatkubus:problem:batch-rejected',
      title: 'Batch rejected',
      status: 422,
      rowErrors: [{ row: 2, field: 'postcode', reason: 'not a Dutch postcode' }],
      rowErrorsTotal: 1,
      rows: { total: 2, accepted: 1, rejected: 1 },
    };
    gateway.reset([{ status: 422, body: rejection }]);
    await expect(upload(csvFile)).resolves.toMatchObject({ kind: 'rejected', status: 422, rejection, attempts: 1 });
    expect(gateway.seen).toHaveLength(1);
  });

  it('honours Retry-After on 429 and retries a dropped connection', async () => {
    gateway.reset([{ status: 429, headers: { 'Retry-After': '2' } }, 'drop']);
    const retries: unknown[] = [];
    const result = await upload(csvFile, { onRetry: (notice) => retries.push(notice.reason) });
    expect(result).toMatchObject({ kind: 'receipt', attempts: 3 });
    expect(delays[0]).toBe(2000);
    expect(retries[0]).toBe(429);
    expect(typeof retries[1]).toBe('string');
    expect(new Set(gateway.seen.map((s) => s.jti)).size).toBe(3);
  });

  it('gives up after 5 attempts and says what it got last', async () => {
    gateway.reset(Array.from({ length: 5 }, () => ({ status: 502 })));
    await expect(upload(csvFile)).resolves.toMatchObject({ kind: 'problem', status: 502, attempts: 5 });
    expect(gateway.seen).toHaveLength(5);
    expect(delays).toHaveLength(4);

    gateway.reset(Array.from({ length: 5 }, () => 'drop' as const));
    await expect(upload(csvFile)).resolves.toMatchObject({ kind: 'unreachable', attempts: 5 });
  });

  it('does not follow a redirect (a streamed body cannot be sent twice) and says so', async () => {
    gateway.reset([{ status: 307, headers: { Location: '/elsewhere' } }]);
    const result = await upload(csvFile);
    expect(result).toMatchObject({ kind: 'unreachable', attempts: 1 });
    expect(result.kind === 'unreachable' && result.error).toMatch(/redirect/);
    expect(gateway.seen).toHaveLength(1);
  });

  it.each([
    ['batch.csv', 'text/csv'],
    ['batch.ndjson', 'application/x-ndjson'],
    ['batch.jsonl', 'application/x-ndjson'],
    ['batch.json', 'application/json'],
  ])('sends %s as %s', async (name, type) => {
    const file = path.join(scratch, name);
    writeFileSync(file, name.endsWith('.json') ? '[{"postcode":"1315AB"}]' : 'postcode\n1315AB\n');
    gateway.reset([]);
    await upload(file);
    expect(gateway.seen[0]!.contentType).toBe(type);
  });

  it('refuses a file it cannot type or read before sending anything', async () => {
    gateway.reset([]);
    await expect(upload(path.join(scratch, 'batch.xlsx'))).rejects.toThrow(/cannot tell the type/);
    await expect(upload(path.join(scratch, 'missing.csv'))).rejects.toThrow(/cannot read .*missing\.csv/);
    expect(gateway.seen).toHaveLength(0);
  });

  it('streams a 50 MB file: memory grows by far less than the file, progress reaches the total', async () => {
    const big = path.join(scratch, 'big.csv');
    const header = 'postcode;huisnummer;bedrag;maanden;opmerking\n';
    const block = `1315AB;12;1450.50;3;${'x'.repeat(70)}\n`.repeat(10_000);
    const target = 50 * 1024 * 1024;
    function* rows() {
      yield header;
      for (let written = header.length; written < target; written += block.length) yield block;
    }
    await pipeline(Readable.from(rows()), createWriteStream(big));
    gateway.reset([]);
    const updates: UploadProgress[] = [];
    const before = process.memoryUsage();
    const peak = { rss: before.rss, arrayBuffers: before.arrayBuffers };
    const sample = () => {
      const now = process.memoryUsage();
      peak.rss = Math.max(peak.rss, now.rss);
      peak.arrayBuffers = Math.max(peak.arrayBuffers, now.arrayBuffers);
    };
    const sampler = setInterval(sample, 5);
    let collectedAt = 0;
    let result;
    try {
      result = await upload(big, {
        onProgress: (p) => {
          updates.push(p);
          // Collect garbage every few MB so that what is measured is memory held, not memory not yet freed.
          if (Math.abs(p.bytes - collectedAt) >= 4 * 1024 * 1024) {
            collectGarbage();
            collectedAt = p.bytes;
          }
          sample();
        },
      });
    } finally {
      clearInterval(sampler);
    }
    sample();
    expect(result.kind).toBe('receipt');
    const size = gateway.seen[0]!.bytes;
    expect(size).toBeGreaterThanOrEqual(target);
    const uploading = updates.filter((u) => u.phase === 'uploading');
    expect(uploading.at(-1)).toMatchObject({ bytes: size, totalBytes: size, attempt: 1 });
    expect(updates.filter((u) => u.phase === 'hashing').at(-1)).toMatchObject({ bytes: size, totalBytes: size });
    expect(uploading.every((u, i) => i === 0 || u.bytes >= uploading[i - 1]!.bytes)).toBe(true);
    // Generous bounds: streaming holds a few MB. A body held whole (Node's fetch tees it when it may
    // follow a redirect) held about 37 MB of Buffers, though rss grew less: the process reuses memory.
    expect(peak.rss - before.rss).toBeLessThan(size / 2);
    expect(peak.arrayBuffers - before.arrayBuffers).toBeLessThan(size / 4);
  });
});
