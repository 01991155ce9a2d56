import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ClientKeyRepository } from '../../src/auth/client-key.repository.js';
import { Database } from '../../src/database/database.js';
import { BsnSequence } from '../../src/geography/synthetic/bsn.js';
import { clientToken, newSigningKey } from '../support/tokens.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ROWS = 1_000_000;
const CLASSES = ['laag', 'beneden_modaal', 'modaal', 'boven_modaal', 'hoog'];

/** 1,000,000 rows of the income register, generated while they are sent: never a file, never in memory. */
function register(): Readable {
  const bsns = new BsnSequence(99);
  let row = 0;
  return new Readable({
    read() {
      if (row === 0) this.push('bsn;inkomensklasse\n');
      let chunk = '';
      for (let i = 0; i < 5000 && row < ROWS; i++, row++) chunk += `${bsns.next()};${CLASSES[row % 5]}\n`;
      this.push(chunk.length > 0 ? chunk : null);
    },
  });
}

describe('a 1,000,000-row upload', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await startTestApp();
    await new Promise<void>((resolve) => t.server.listen(0, '127.0.0.1', () => resolve()));
    port = (t.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await t.close();
  });

  it('streams through and stores every row, with memory that does not follow the file', async () => {
    const key = await newSigningKey();
    const keys = t.app.get(ClientKeyRepository);
    await t.app.get(Database).withTransaction((tx) => keys.register(tx, 'cbs-levering', key.publicJwk.kid, key.publicJwk));
    const token = await clientToken('cbs-levering', key);
    // Live memory, not garbage: collect before each sample, so GC timing under load does not matter.
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(gc).toBeDefined();
    gc!();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const sampler = setInterval(() => {
      gc!();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 250);
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, method: 'POST', path: '/v1/datasets/inkomen/batches?period=2025',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/csv' } },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      register().pipe(req);
    });
    clearInterval(sampler);
    expect(status).toBe(201);
    expect(JSON.parse(body).rows).toEqual({ total: ROWS, accepted: ROWS, rejected: 0 });
    const [{ n }] = await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM record') as [{ n: number }];
    expect(n).toBe(ROWS);
    // The body is about 20 MB. A gateway that held it (40 MB as a string) or its million row objects
    // (well over 100 MB) would not stay under this; streaming keeps only a few chunks alive.
    expect((peak - before) / 2 ** 20).toBeLessThan(30);
  }, 180_000);
});
