import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { runAuditVerify } from '../../scripts/audit-verify.js';

/**
 * The CLI against a golden export checked into test/fixtures/audit (12 events, signed once with a
 * key whose private half was thrown away). If canonical JSON, leaf hashing, the tree or the note
 * format ever change, this export stops verifying: that is the point.
 */
const FIXTURES = path.resolve('test/fixtures/audit');
const EXPORT = path.join(FIXTURES, 'golden-export.jsonl');
const KEY = path.join(FIXTURES, 'golden-public-key.pem');
const EARLIER = path.join(FIXTURES, 'golden-earlier-checkpoint.json');
const ROOT = '90471473e0cd8f3ac78253dca99f2a876725b050a6ce4c19602e39f68619711a';

const scratch = mkdtempSync(path.join(tmpdir(), 'audit-verify-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function run(...args: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const code = await runAuditVerify(args, (line) => out.push(line));
  return { code, out };
}

describe('audit-verify CLI', () => {
  it('verifies the golden export with a trusted key and an earlier checkpoint', async () => {
    const { code, out } = await run(EXPORT, '--public-key', KEY, '--checkpoint', EARLIER);
    expect(out.at(-1)).toBe(`OK: 12 events, root ${ROOT}`);
    expect(out.some((l) => l.startsWith('WARNING'))).toBe(false);
    expect(out).toContain('  ok  the earlier checkpoint: root over the first 7 events matches ' + JSON.parse(readFileSync(EARLIER, 'utf8')).rootHash);
    expect(code).toBe(0);
  });

  it('warns when it can only use the key inside the export', async () => {
    const { code, out } = await run(EXPORT);
    expect(code).toBe(0);
    expect(out.find((l) => l.startsWith('WARNING'))).toMatch(/no trusted key given/);
  });

  it('names the first failing event and exits 1', async () => {
    const lines = readFileSync(EXPORT, 'utf8').split('\n');
    lines[5] = lines[5]!.replace('"outcome":"allow"', '"outcome":"deny"');
    const tampered = path.join(scratch, 'tampered.jsonl');
    writeFileSync(tampered, lines.join('\n'));
    const { code, out } = await run(tampered, '--public-key', KEY);
    expect(out.at(-1)).toBe('FAILED at seq 4 (line 6): event seq 4 (line 6): content does not match its leaf hash');
    expect(code).toBe(1);
  });

  it.each([[[]], [['a', 'b']], [['x', '--checkpoint']], [['x', '--force']]])('exits 2 on usage %j', async (args) => {
    const { code, out } = await run(...args);
    expect(code).toBe(2);
    expect(out.at(-1)).toMatch(/^usage: audit-verify/);
  });

  it('exits 2 when a file cannot be read', async () => {
    await expect(run(path.join(scratch, 'missing.jsonl'), '--public-key', KEY)).resolves.toMatchObject({ code: 2 });
    await expect(run(EXPORT, '--public-key', path.join(scratch, 'missing.pem'))).resolves.toMatchObject({ code: 2 });
  });
});
