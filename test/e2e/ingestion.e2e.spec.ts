import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { AuditRepository } from '../../src/audit/audit.repository.js';
import { AuditSequencer } from '../../src/audit/audit-sequencer.js';
import { ClientKeyRepository } from '../../src/auth/client-key.repository.js';
import { Database } from '../../src/database/database.js';
import { DemoSeeder } from '../../src/geography/demo-seeder.js';
import { generateCity } from '../../src/geography/synthetic/city-generator.js';
import { MemorySink } from '../../src/geography/synthetic/city-sink.js';
import { IngestionService } from '../../src/ingestion/ingestion.service.js';
import { expectContract } from '../support/contract.js';
import { clientToken, newSigningKey, type SigningKey } from '../support/tokens.js';
import { startTestApp, TestClock, type TestApp } from '../support/test-app.js';

const CITY = { seed: 3, scale: 0.1, wijken: ['WK003450', 'WK003451'] };
const UPLOAD = '/v1/datasets/{dataset}/batches';
// Valid by the 11-proef; they must never be found anywhere after upload.
const KNOWN_BSNS = ['111222333', '123456782', '999999990'];

describe('partner ingestion over HTTP', () => {
  let t: TestApp;
  let keys: Record<string, SigningKey>;
  let city: MemorySink;
  const clock = new TestClock(new Date('2026-11-24T10:00:00Z'));

  const token = (client: string) => clientToken(client, keys[client]!, { iat: clock.seconds });
  const upload = async (client: string, dataset: string, body: string, options: { period?: string; type?: string; key?: string } = {}) => {
    let r = request(t.server)
      .post(`/v1/datasets/${dataset}/batches`)
      .query({ period: options.period ?? '2026-10' })
      .set('Authorization', `Bearer ${await token(client)}`)
      .set('Content-Type', options.type ?? 'text/csv');
    if (options.key) r = r.set('Idempotency-Key', options.key);
    return r.send(body);
  };
  const addresses = () => city.text('addresses.csv').trim().split('\n').slice(1).map((l) => l.split(';'));
  const count = async (sql: string, params: unknown[] = []) => (await t.database.query<{ n: number }>(sql, params))[0]!.n;

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    await t.app.get(DemoSeeder).seedIfEmpty(CITY);
    city = new MemorySink();
    generateCity(CITY, city);
    keys = {};
    const repository = t.app.get(ClientKeyRepository);
    for (const client of ['woningcorporatie-etl', 'cbs-levering', 'politie-signalen', 'sozawe-etl', 'onderwijs-etl']) {
      keys[client] = await newSigningKey();
      await t.app.get(Database).withTransaction((tx) => repository.register(tx, client, keys[client]!.publicJwk.kid, keys[client]!.publicJwk));
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it('stores a valid CSV batch and answers with its receipt', async () => {
    const response = await upload('woningcorporatie-etl', 'huurachterstand', city.text('huurachterstand.csv'));
    expect(response.status).toBe(201);
    expectContract(response, 'post', UPLOAD);
    const rows = city.text('huurachterstand.csv').trim().split('\n').length - 1;
    expect(response.body).toMatchObject({ dataset: 'huurachterstand', period: '2026-10', status: 'stored', rows: { total: rows, accepted: rows, rejected: 0 } });
    expect(response.headers.location).toBe(`/v1/batches/${response.body.id}`);
    expect(await count('SELECT count(*)::int AS n FROM record WHERE batch_id = $1', [response.body.id])).toBe(rows);
    const located = await count('SELECT count(*)::int AS n FROM record WHERE batch_id = $1 AND pc6_unit IS NOT NULL', [response.body.id]);
    expect(located).toBe(rows);
  });

  it('accepts comma-separated CSV with a BOM, NDJSON and a JSON array', async () => {
    const [p, h] = addresses()[0]!;
    const csv = `\uFEFFpostcode,huisnummer,toevoeging,bedrag,maanden\r\n${p},${h},,"1200",3\r\n`;
    expect((await upload('woningcorporatie-etl', 'huurachterstand', csv, { period: '2026-01' })).status).toBe(201);
    const ndjson = `{"postcode":"${p}","huisnummer":${h},"bedrag":700,"maanden":2}\n\n{"postcode":"${p}","huisnummer":"${h}","bedrag":"80.5","maanden":1}\n`;
    const r2 = await upload('woningcorporatie-etl', 'huurachterstand', ndjson, { period: '2026-02', type: 'application/x-ndjson' });
    expect(r2.status).toBe(201);
    expect(r2.body.rows.total).toBe(2);
    const json = JSON.stringify([{ postcode: p, huisnummer: Number(h), bedrag: 10, maanden: 1 }]);
    const r3 = await upload('woningcorporatie-etl', 'huurachterstand', json, { period: '2026-03', type: 'application/json' });
    expect(r3.status).toBe(201);
    expect(r3.body.rows.total).toBe(1);
  });

  it('pseudonymises BSNs: raw BSNs appear in no table, log, receipt or audit event', async () => {
    const [p, h, tv] = addresses()[1]!;
    const body = ['bsn;postcode;huisnummer;toevoeging;geboortejaar;geslacht;huishoudtype;huishoudgrootte']
      .concat(KNOWN_BSNS.map((bsn) => `${bsn};${p};${h};${tv};1950;V;alleenstaand;1`))
      .join('\n');
    const response = await upload('cbs-levering', 'bevolking', body);
    expect(response.status).toBe(201);
    const subjects = await t.database.query<{ subject: Buffer }>('SELECT subject FROM record WHERE batch_id = $1', [response.body.id]);
    expect(subjects.every((r) => r.subject.length === 32)).toBe(true);

    // A dump of every table, as text, searched for the BSNs.
    const tables = await t.database.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    );
    let dump = '';
    for (const { table_name } of tables) {
      const rows = await t.database.query(`SELECT * FROM "${table_name}"`);
      const readable = (rows as Record<string, unknown>[]).map((row) =>
        Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString('hex') : v])),
      );
      dump += JSON.stringify(readable);
    }
    await t.app.get(AuditSequencer).flush();
    for (const bsn of KNOWN_BSNS) {
      expect(dump).not.toContain(bsn);
      expect(t.logs.text).not.toContain(bsn);
      expect(response.text).not.toContain(bsn);
    }
  });

  it('rejects a batch with bad rows atomically, listing every error without quoting values', async () => {
    const [p, h] = addresses()[2]!;
    const body = [
      'bsn;postcode;huisnummer;toevoeging;geboortejaar;geslacht;huishoudtype;huishoudgrootte',
      `123456782;${p};${h};;1950;V;alleenstaand;1`,
      `123456789;${p};${h};;1950;V;alleenstaand;1`, // fails the 11-proef
      `111222333;${p};${h};;negentien;V;alleenstaand;1`, // wrong type
      `999999990;9999ZZ;1;;1950;V;alleenstaand;1`, // unknown address
      `123456782;${p};${h};;1950;V;alleenstaand`, // missing column
    ].join('\n');
    const before = await count('SELECT count(*)::int AS n FROM record');
    const response = await upload('cbs-levering', 'bevolking', body, { period: '2026-09' });
    expect(response.status).toBe(422);
    expectContract(response, 'post', UPLOAD);
    expect(response.body.rowErrorsTotal).toBe(4);
    expect(response.body.rowErrors).toEqual([
      { row: 2, field: 'bsn', reason: expect.stringMatching(/11-proef/) },
      { row: 3, field: 'geboortejaar', reason: 'must be a whole number' },
      { row: 4, field: 'postcode', reason: expect.stringMatching(/no address 9999ZZ 1 /) },
      { row: 5, reason: expect.stringMatching(/7 columns where the header has 8/) },
    ]);
    expect(response.body.rows).toEqual({ total: 5, accepted: 0, rejected: 4 });
    expect(response.text).not.toContain('123456789');
    expect(response.text).not.toContain('negentien');
    expect(await count('SELECT count(*)::int AS n FROM record')).toBe(before);
  });

  it.each([
    ['a wrong delimiter', 'bsn|postcode|huisnummer\n123456782|1234AB|1\n', /header lacks/],
    ['a missing column', 'bsn;postcode;huisnummer;geboortejaar;geslacht;huishoudtype;huishoudgrootte\n', /header lacks this required column|no rows/],
    ['a broken quote', 'bsn;postcode;huisnummer;toevoeging;geboortejaar;geslacht;huishoudtype;huishoudgrootte\n"12"34;1234AB;1;;1950;V;paar;2\n', /quote/],
    ['a truncated last line', 'bsn;postcode;huisnummer;toevoeging;geboortejaar;geslacht;huishoudtype;huishoudgrootte\n"123456782;1234AB', /truncated/],
    ['an empty file', '', /empty/],
  ])('rejects %s', async (_name, body, reason) => {
    const response = await upload('cbs-levering', 'bevolking', body, { period: '2026-08' });
    expect(response.status).toBe(422);
    expect(response.body.rowErrors.map((e: { reason: string }) => e.reason).join(' | ')).toMatch(reason);
  });

  it('supersedes the previous batch of the same dataset and period', async () => {
    const first = await upload('woningcorporatie-etl', 'huurachterstand', city.text('huurachterstand.csv'), { period: '2026-06' });
    const second = await upload('woningcorporatie-etl', 'huurachterstand', city.text('huurachterstand.csv'), { period: '2026-06' });
    expect(second.body.supersedes).toBe(first.body.id);
    const again = await request(t.server).get(`/v1/batches/${first.body.id}`).set('Authorization', `Bearer ${await token('woningcorporatie-etl')}`);
    expect(again.body).toMatchObject({ status: 'superseded', supersededBy: second.body.id });
    expectContract(again, 'get', '/v1/batches/{batchId}');
  });

  it('makes retries safe with an Idempotency-Key', async () => {
    const body = city.text('huurachterstand.csv');
    const first = await upload('woningcorporatie-etl', 'huurachterstand', body, { period: '2026-05', key: 'retry-key-0001' });
    expect(first.status).toBe(201);
    const retry = await upload('woningcorporatie-etl', 'huurachterstand', body, { period: '2026-05', key: 'retry-key-0001' });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    const other = await upload('woningcorporatie-etl', 'huurachterstand', body.replace(/;(\d+);(\d+)\n/, ';1;1\n'), { period: '2026-05', key: 'retry-key-0001' });
    expect(other.status).toBe(409);
    expectContract(other, 'post', UPLOAD);
    expect(await count("SELECT count(*)::int AS n FROM batch WHERE idempotency_key = 'retry-key-0001'")).toBe(1);
  });

  it("refuses a partner writing another partner's dataset (403, audited), and hides others' batches", async () => {
    const response = await upload('politie-signalen', 'huurachterstand', city.text('huurachterstand.csv'));
    expect(response.status).toBe(403);
    expectContract(response, 'post', UPLOAD);
    await t.app.get(AuditSequencer).flush();
    const denials = await t.app.get(AuditRepository).search({ actor: 'politie-signalen', outcome: 'deny' }, -1, 100);
    expect(denials).toContainEqual(expect.objectContaining({ action: 'create', resource: expect.objectContaining({ type: 'Batch', dataset: 'huurachterstand' }) }));

    const mine = await upload('woningcorporatie-etl', 'huurachterstand', city.text('huurachterstand.csv'), { period: '2026-04' });
    const theirs = await request(t.server).get(`/v1/batches/${mine.body.id}`).set('Authorization', `Bearer ${await token('politie-signalen')}`);
    const missing = await request(t.server).get('/v1/batches/00000000-0000-4000-8000-000000000000').set('Authorization', `Bearer ${await token('politie-signalen')}`);
    expect(theirs.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(theirs.body.detail).toBe(missing.body.detail);
  });

  it('refuses uploads under an expired agreement', async () => {
    // onderwijs-schooluitval-2025 ended 2026-07-31; the 2026 agreement started 2026-08-01.
    clock.set('2026-07-31T12:00:00Z');
    const body = 'bsn;schooljaar\n123456782;2025/2026\n';
    expect((await upload('onderwijs-etl', 'schooluitval', body, { period: '2026' })).status).toBe(201);
    clock.set('2027-08-01T12:00:00Z');
    const late = await upload('onderwijs-etl', 'schooluitval', body, { period: '2027' });
    expect(late.status).toBe(403);
    expect(late.body.detail).toMatch(/agreement/);
    clock.set('2026-11-24T10:00:00Z');
  });

  it('withdraws a batch: its records go, the receipt and audit stay', async () => {
    const stored = await upload('woningcorporatie-etl', 'huurachterstand', city.text('huurachterstand.csv'), { period: '2025-12' });
    const withdrawn = await request(t.server).delete(`/v1/batches/${stored.body.id}`).set('Authorization', `Bearer ${await token('woningcorporatie-etl')}`);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status).toBe('withdrawn');
    expectContract(withdrawn, 'delete', '/v1/batches/{batchId}');
    expect(await count('SELECT count(*)::int AS n FROM record WHERE batch_id = $1', [stored.body.id])).toBe(0);
    await t.app.get(AuditSequencer).flush();
    const events = await t.app.get(AuditRepository).search({ type: 'batch.withdrawn' }, -1, 10);
    expect(events[0]).toMatchObject({ resource: expect.objectContaining({ id: stored.body.id }) });
    const list = await request(t.server).get('/v1/datasets/huurachterstand/batches').set('Authorization', `Bearer ${await token('woningcorporatie-etl')}`);
    expect(list.status).toBe(200);
    expectContract(list, 'get', UPLOAD);
    expect(list.body.batches.map((b: { id: string }) => b.id)).toContain(stored.body.id);
  });

  it('purges records past the retention period, each purge audited', async () => {
    const stored = await upload('sozawe-etl', 'uitkeringen', city.text('uitkeringen.csv'), { period: '2026-10' });
    expect(stored.status).toBe(201);
    expect(stored.body.retainUntil).toBeDefined();
    clock.set(`${Number(stored.body.retainUntil.slice(0, 4)) + 1}-01-01T00:00:00Z`);
    try {
      expect(await t.app.get(IngestionService).purgeExpired()).toBeGreaterThan(0);
    } finally {
      clock.set('2026-11-24T10:00:00Z');
    }
    expect(await count('SELECT count(*)::int AS n FROM record WHERE batch_id = $1', [stored.body.id])).toBe(0);
    await t.app.get(AuditSequencer).flush();
    const purges = await t.app.get(AuditRepository).search({ type: 'batch.purged' }, -1, 100);
    expect(purges.map((e) => (e.resource as { id: string }).id)).toContain(stored.body.id);
  });

  it('stores nothing when the connection drops mid-upload', async () => {
    if (!t.server.listening) await new Promise<void>((resolve) => t.server.listen(0, '127.0.0.1', () => resolve()));
    const port = (t.server.address() as { port: number }).port;
    const body = city.text('huurachterstand.csv');
    /** Sends the upload over a raw socket; `declared` may promise more bytes than are sent. */
    const raw = (period: string, declared: number, auth: string) =>
      new Promise<string>((resolve) => {
        let answer = '';
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(
            `POST /v1/datasets/huurachterstand/batches?period=${period} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${auth}\r\n` +
              `Content-Type: text/csv\r\nContent-Length: ${declared}\r\nConnection: close\r\n\r\n${body}`,
          );
          setTimeout(() => socket.destroy(), 400);
        });
        socket.on('data', (d: Buffer) => (answer += d.toString()));
        socket.on('close', () => resolve(answer));
      });
    // The control: the same bytes with an honest length are stored, so this path does reach ingestion.
    const complete = await raw('2026-07', Buffer.byteLength(body), await token('woningcorporatie-etl'));
    expect(complete).toMatch(/^HTTP\/1\.1 201/);
    const before = await count('SELECT count(*)::int AS n FROM record');
    const batches = await count('SELECT count(*)::int AS n FROM batch');
    const dropped = await raw('2025-11', Buffer.byteLength(body) * 10, await token('woningcorporatie-etl'));
    expect(dropped).toBe('');
    await new Promise((r) => setTimeout(r, 300));
    expect(await count('SELECT count(*)::int AS n FROM record')).toBe(before);
    expect(await count("SELECT count(*)::int AS n FROM batch WHERE period = '2025-11'")).toBe(0);
    expect(await count('SELECT count(*)::int AS n FROM batch')).toBe(batches);
  });

  it('answers problems for bad requests, all at once', async () => {
    const response = await request(t.server)
      .post('/v1/datasets/huurachterstand/batches')
      .query({ period: 'oktober' })
      .set('Authorization', `Bearer ${await token('woningcorporatie-etl')}`)
      .set('Idempotency-Key', 'x')
      .set('Content-Type', 'text/csv')
      .send('a;b\n');
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { parameter?: string; header?: string }) => e.parameter ?? e.header).sort()).toEqual(['Idempotency-Key', 'period']);
    const media = await upload('woningcorporatie-etl', 'huurachterstand', 'x', { type: 'application/xml' });
    expect(media.status).toBe(415);
    const unknown = await upload('woningcorporatie-etl', 'no-such-dataset', 'x');
    expect(unknown.status).toBe(404);
  });
});
