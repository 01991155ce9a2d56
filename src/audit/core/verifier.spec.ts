import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { ORIGIN, syntheticLog } from '../../../test/fixtures/audit/synthetic-log.js';
import { eventLeafHash } from './audit-event.js';
import { consistencyProof } from './merkle.js';
import { type VerifyOptions, verifyExport } from './verifier.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const stranger = generateKeyPairSync('ed25519');
const log = syntheticLog(100, privateKey);
const trusted: VerifyOptions = { publicKey };

/** Line number in the export of the event with this seq (line 1 is the header). */
const lineOf = (seq: number): number => seq + 2;
const edit = (lines: string[], seq: number, change: (event: Record<string, unknown>) => void): string[] => {
  const copy = [...lines];
  const event = JSON.parse(copy[lineOf(seq) - 1]!) as Record<string, unknown>;
  change(event);
  copy[lineOf(seq) - 1] = JSON.stringify(event);
  return copy;
};
async function* streamed(lines: readonly string[]): AsyncGenerator<string> {
  for (const line of lines) yield await Promise.resolve(line);
}

describe('verifyExport', () => {
  it('accepts an untouched export, from an array or a stream, and reports the root', async () => {
    for (const input of [log.lines, streamed(log.lines)]) {
      const report = await verifyExport(input, trusted);
      expect(report.firstFailure).toBeUndefined();
      expect(report).toMatchObject({ ok: true, events: 100, rootHash: log.checkpoint.rootHash, warnings: [] });
      expect(report.checks.join('\n')).toMatch(/seq 0\.\.99 in order without gaps/);
      expect(report.checks.join('\n')).toMatch(/root over the first 100 events matches/);
    }
  });

  it('pinpoints an event whose content was edited but whose leaf hash was left alone', async () => {
    const lines = edit(log.lines, 41, (e) => (e.outcome = 'allow' === e.outcome ? 'deny' : 'allow'));
    const report = await verifyExport(lines, trusted);
    expect(report.ok).toBe(false);
    expect(report.firstFailure).toEqual({ seq: 41, line: 43, problem: 'event seq 41 (line 43): content does not match its leaf hash' });
  });

  it('catches an edited and re-hashed event at the checkpoint root, and at the earlier checkpoint when it covers it', async () => {
    const lines = edit(log.lines, 41, (e) => {
      e.reason = 'rewritten';
      e.leafHash = eventLeafHash(e as never).toString('hex');
    });
    const alone = await verifyExport(lines, trusted);
    expect(alone.ok).toBe(false);
    expect(alone.firstFailure?.problem).toMatch(/^the export's checkpoint \(size 100, .*\) does not match: .*changed and its leaf hash recomputed/);

    const covering = await verifyExport(lines, { ...trusted, earlierCheckpoint: log.checkpointAt(60) });
    expect(covering.firstFailure?.problem).toMatch(/^the earlier checkpoint \(size 60, .*\) does not match/);

    const before = await verifyExport(lines, { ...trusted, earlierCheckpoint: log.checkpointAt(30) });
    expect(before.firstFailure?.problem).toMatch(/^the export's checkpoint .* \(the earlier checkpoint matches, so the change is at seq 30 or later\)$/);
  });

  it('names the missing seq when a row was deleted', async () => {
    const lines = log.lines.filter((_, i) => i !== lineOf(57) - 1);
    const report = await verifyExport(lines, trusted);
    expect(report.firstFailure).toEqual({ seq: 57, line: 59, problem: 'seq 57 is missing: line 59 has seq 58 (events were deleted)' });
  });

  it('says events were removed from the end when the last rows are gone', async () => {
    const lines = [...log.lines.slice(0, -4), log.lines.at(-1)!];
    const report = await verifyExport(lines, trusted);
    expect(report.events).toBe(97);
    expect(report.firstFailure).toEqual({
      seq: 97,
      problem: "the export ends at seq 96 but the export's checkpoint covers 100 events: events were removed from the end",
    });
  });

  it('says where rows were reordered', async () => {
    const lines = [...log.lines];
    [lines[lineOf(20) - 1], lines[lineOf(21) - 1]] = [lines[lineOf(21) - 1]!, lines[lineOf(20) - 1]!];
    const report = await verifyExport(lines, trusted);
    expect(report.firstFailure).toEqual({ seq: 21, line: 22, problem: 'rows out of order at line 22: seq 21 comes before seq 20' });
  });

  it('names a duplicated row', async () => {
    const lines = [...log.lines.slice(0, lineOf(10)), log.lines[lineOf(10) - 1]!, ...log.lines.slice(lineOf(10))];
    const report = await verifyExport(lines, trusted);
    expect(report.firstFailure).toEqual({ seq: 10, line: 13, problem: 'seq 10 appears twice (again at line 13)' });
  });

  it('fails on a bad checkpoint signature', async () => {
    const forged = { ...log.checkpoint, signature: Buffer.alloc(64, 7).toString('base64') };
    const lines = [...log.lines.slice(0, -1), JSON.stringify({ checkpoint: forged })];
    const report = await verifyExport(lines, trusted);
    expect(report.firstFailure).toEqual({ line: 102, problem: "the export's checkpoint (line 102): the signature does not verify" });
  });

  it('fails when the export was signed by someone else, even if it carries their key', async () => {
    const theirs = syntheticLog(10, stranger.privateKey);
    const report = await verifyExport(theirs.lines, trusted);
    expect(report.firstFailure?.problem).toMatch(/^the export's checkpoint \(line 12\): signed by key [0-9a-f]{16}, not by the trusted key/);
  });

  it('detects a fork: an earlier checkpoint from a different history', async () => {
    const fork = syntheticLog(60, privateKey, '-fork');
    const report = await verifyExport(log.lines, { ...trusted, earlierCheckpoint: fork.checkpointAt(50) });
    expect(report.ok).toBe(false);
    expect(report.firstFailure?.problem).toMatch(/^the earlier checkpoint \(size 50, .*\) does not match: .*not only appended to since/);
  });

  it('accepts a genuine earlier checkpoint and consistency proof, and rejects a proof for another history', async () => {
    const leaves = log.events.map((e) => Buffer.from(e.leafHash, 'hex'));
    const proof = consistencyProof(leaves, 40, 100).map((h) => h.toString('hex'));
    const good = await verifyExport(log.lines, { ...trusted, earlierCheckpoint: log.checkpointAt(40), consistencyProof: proof });
    expect(good.ok).toBe(true);
    expect(good.checks).toContain('consistency proof from size 40 to 100 verifies');

    const fork = syntheticLog(40, privateKey, '-fork');
    const forked = await verifyExport(log.lines, { ...trusted, earlierCheckpoint: fork.checkpoint, consistencyProof: proof });
    expect(forked.checks).toContain('FAILED: the consistency proof from size 40 to 100 does not verify');
  });

  it('says when the earlier checkpoint covers more than the export: the log was truncated', async () => {
    const short = syntheticLog(30, privateKey);
    const report = await verifyExport(short.lines, { ...trusted, earlierCheckpoint: log.checkpointAt(50) });
    expect(report.firstFailure?.problem).toBe('the export ends at seq 29 but the earlier checkpoint covers 50 events: events were removed from the end');
  });

  it('uses the header key only when no trusted key is given, and warns', async () => {
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const lines = [JSON.stringify({ ...JSON.parse(log.lines[0]!), publicKey: pem }), ...log.lines.slice(1)];
    const untrusted = await verifyExport(lines, { publicKey: null });
    expect(untrusted.ok).toBe(true);
    expect(untrusted.warnings[0]).toMatch(/^no trusted key given/);
    const confirmed = await verifyExport(lines, { publicKey: pem });
    expect(confirmed.warnings).toEqual([]);
    expect(confirmed.checks.join('\n')).toMatch(/header's key [0-9a-f]{16} is the trusted key/);
    const none = await verifyExport(log.lines, { publicKey: null });
    expect(none.firstFailure?.problem).toBe('no public key: neither a trusted key nor one in the export header');
  });

  it.each([
    ['a line that is not JSON', (l: string[]) => l.map((x, i) => (i === 5 ? '{oops' : x)), { line: 6, problem: 'line 6 is not valid JSON' }],
    ['a missing checkpoint line', (l: string[]) => l.slice(0, -1), { problem: 'the export has no checkpoint line: nothing vouches for its root' }],
    ['lines after the checkpoint', (l: string[]) => [...l, l[3]!], { line: 103, problem: 'line 103 comes after the checkpoint line 102' }],
    ['a wrong header', (l: string[]) => ['{"format":"other"}', ...l.slice(1)], { line: 1, problem: 'line 1: the header format is not "straatkubus-audit-export"' }],
    ['an event of the wrong shape', (l: string[]) => edit(l, 3, (e) => (e.roles = 'analyst')), { seq: 3, line: 5, problem: 'event seq 3 (line 5): roles is not an array of strings' }],
  ])('reports %s', async (_name, change, failure) => {
    const report = await verifyExport(change(log.lines), trusted);
    expect(report.ok).toBe(false);
    expect(report.firstFailure).toEqual(failure);
  });

  it('reports the first of several problems by position in the file', async () => {
    let lines = edit(log.lines, 70, (e) => (e.type = 'changed'));
    lines = lines.filter((_, i) => i !== lineOf(30) - 1);
    const report = await verifyExport(lines, trusted);
    expect(report.firstFailure?.seq).toBe(30);
    expect(report.checks.filter((c) => c.startsWith('FAILED')).length).toBeGreaterThan(1);
  });

  it('verifies an empty log and a checkpoint given separately', async () => {
    const empty = syntheticLog(0, privateKey);
    await expect(verifyExport(empty.lines, trusted)).resolves.toMatchObject({ ok: true, events: 0 });
    const report = await verifyExport(log.lines.slice(0, -1), { ...trusted, checkpoint: log.checkpoint });
    expect(report.ok).toBe(true);
    expect(ORIGIN).toBe(log.checkpoint.origin);
  });
});
