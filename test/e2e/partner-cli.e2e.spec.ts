import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runUpload } from '../../scripts/upload.js';
import { ClientKeyRepository } from '../../src/auth/client-key.repository.js';
import { ensureDemoKeys } from '../../src/auth/demo/demo-identities.js';
import { Database } from '../../src/database/database.js';
import { DemoSeeder } from '../../src/geography/demo-seeder.js';
import { generateCity } from '../../src/geography/synthetic/city-generator.js';
import { MemorySink } from '../../src/geography/synthetic/city-sink.js';
import { createGatewayClient } from '../../src/partner-client/gateway-client.js';
import { loadPartnerKey } from '../../src/partner-client/partner-key.js';
import { tokenSigner } from '../../src/partner-client/partner-token.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The partner CLI against the real gateway listening on loopback, with a key file exactly like the
 * ones the demo creates under DATA_DIR/demo, its public half registered as the demo registers it.
 */
const CLIENT = 'woningcorporatie-etl';
const CITY = { seed: 3, scale: 0.1, wijken: ['WK003450', 'WK003451'] };

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe('the partner CLI against the gateway', () => {
  let t: TestApp;
  let url: string;
  let keyFile: string;
  let csv: string;
  let rows: number;
  const scratch = mkdtempSync(path.join(tmpdir(), 'partner-cli-'));

  const run = async (args: string[], stderrIsTTY = false): Promise<Run> => {
    let stdout = '';
    let stderr = '';
    const code = await runUpload(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), stderrIsTTY });
    return { code, stdout, stderr };
  };
  const upload = (file: string, ...extra: string[]) =>
    run(['--client', CLIENT, '--key', keyFile, '--dataset', 'huurachterstand', '--period', '2026-10', '--url', url, ...extra, file]);
  const partner = async () =>
    createGatewayClient({ baseUrl: url, signer: tokenSigner({ clientId: CLIENT, key: await loadPartnerKey(keyFile) }) });
  const write = (name: string, text: string) => {
    const file = path.join(scratch, name);
    writeFileSync(file, text);
    return file;
  };

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.get(DemoSeeder).seedIfEmpty(CITY);
    const city = new MemorySink();
    generateCity(CITY, city);
    csv = city.text('huurachterstand.csv');
    rows = csv.trim().split('\n').length - 1;

    const { clientPublic } = await ensureDemoKeys(t.config.dataDir, [CLIENT]);
    const jwk = clientPublic.get(CLIENT)!;
    const keys = t.app.get(ClientKeyRepository);
    await t.app.get(Database).withTransaction((tx) => keys.register(tx, CLIENT, jwk.kid!, jwk));
    keyFile = path.join(t.config.dataDir, 'demo', `client-${CLIENT}.private.jwk.json`);

    await t.app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(t.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await t.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('calls /v1/me through the typed client, a freshly signed token on every request', async () => {
    const client = await partner();
    for (let i = 0; i < 3; i++) {
      const { data, error, response } = await client.GET('/v1/me');
      expect(response.status).toBe(200);
      expect(error).toBeUndefined();
      expect(data).toMatchObject({ kind: 'client', id: CLIENT, organisation: 'woningcorporatie', roles: ['partner'] });
    }
  });

  it('uploads a small CSV and prints the receipt; the same file again is answered with the first receipt', async () => {
    const file = write('huurachterstand-2026-10.csv', csv);
    const first = await upload(file);
    const size = Buffer.byteLength(csv);
    expect(first.stderr).toMatch(new RegExp(`^uploading: 100\\.0% \\(${size} B of ${size} B\\), [\\d.]+ MB/s, ETA 0:00$`, 'm'));
    expect(first.code).toBe(0);
    const receipt = JSON.parse(first.stdout);
    expect(receipt).toMatchObject({ dataset: 'huurachterstand', period: '2026-10', status: 'stored', rows: { total: rows, accepted: rows, rejected: 0 } });
    expect(rows).toBeGreaterThan(10);
    expect(first.stdout).toBe(`${JSON.stringify(receipt, null, 2)}\n`);

    const again = await upload(file);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).id).toBe(receipt.id);
    expect(again.stderr).toMatch(/already had this batch/);
    const { data } = await (await partner()).GET('/v1/datasets/{dataset}/batches', { params: { path: { dataset: 'huurachterstand' } } });
    expect(data?.batches.filter((b) => b.period === '2026-10').map((b) => b.id)).toEqual([receipt.id]);
  });

  it('prints the row errors and their total for a rejected batch, and exits 1', async () => {
    const lines = csv.trim().split('\n');
    lines[2] = lines[2]!.replace(/^[^;]+/, 'XXXX');
    lines[5] = lines[5]!.replace(/;[^;]+$/, ';0');
    const result = await upload(write('bad.csv', `${lines.join('\n')}\n`), '--idempotency-key', 'bad-batch-1');
    expect(result.code).toBe(1);
    const out = result.stdout.split('\n');
    expect(out[0]).toMatch(/^rejected: Batch rejected/);
    expect(out[1]).toBe('row\tfield\treason');
    expect(out.filter((l) => /^2\tpostcode\t/.test(l))).toHaveLength(1);
    expect(out.filter((l) => /^5\tmaanden\t/.test(l))).toHaveLength(1);
    expect(out.at(-2)).toBe(`2 row errors in all; rows: ${rows} total, 0 accepted, 2 rejected; nothing was stored`);
  });

  it('prints the problem when the gateway refuses, and exits 1: the same key for another file', async () => {
    const a = await upload(write('a.csv', csv), '--period', '2026-09', '--idempotency-key', 'reused-key-1');
    expect(a.code).toBe(0);
    const other = `${csv.trim().split('\n').slice(0, 5).join('\n')}\n`;
    const b = await upload(write('b.csv', other), '--period', '2026-09', '--idempotency-key', 'reused-key-1');
    expect(b.code).toBe(1);
    expect(b.stdout).toBe('');
    expect(b.stderr).toMatch(/^upload: 409 .*another body/m);
  });

  it('prints the problem for a dataset this client does not supply', async () => {
    const result = await run(['--client', CLIENT, '--key', keyFile, '--dataset', 'bevolking', '--period', '2026-10', '--url', url, write('c.csv', csv)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^upload: 403 /m);
  });

  it('draws a progress bar with percentage, MB/s and ETA when stderr is a terminal', async () => {
    const result = await run(
      ['--client', CLIENT, '--key', keyFile, '--dataset', 'huurachterstand', '--period', '2026-08', '--url', url, write('d.csv', csv)],
      true,
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/\ruploading \[#{30}\] 100\.0% {2}[\d.]+ MB\/s {2}ETA 0:00/);
    expect(result.stderr.endsWith('ETA 0:00\u001b[K\n')).toBe(true);
  });

  it('exits 2 with the usage for bad arguments, an unreadable key or a missing file', async () => {
    const usage = await run(['--client', CLIENT, 'x.csv']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/upload: --key is required/);
    expect(usage.stderr).toContain('--key data/demo/client-woningcorporatie-etl.private.jwk.json');

    const publicOnly = write('public.jwk.json', JSON.stringify(JSON.parse(readFileSync(keyFile, 'utf8')), (k, v: unknown) => (k === 'd' ? undefined : v)));
    const noKey = await run(['--client', CLIENT, '--key', publicOnly, '--dataset', 'huurachterstand', '--period', '2026-10', '--url', url, write('e.csv', csv)]);
    expect(noKey).toMatchObject({ code: 2, stdout: '' });
    expect(noKey.stderr).toMatch(/public key; the private key is needed/);

    const missing = await upload(path.join(scratch, 'missing.csv'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*missing\.csv/);

    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run upload/);
  });
});
