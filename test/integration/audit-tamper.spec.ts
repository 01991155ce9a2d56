import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { AuditRepository } from '../../src/audit/audit.repository.js';
import { AuditSequencer } from '../../src/audit/audit-sequencer.js';
import { AuditService } from '../../src/audit/audit.service.js';
import { AuditWriter } from '../../src/audit/audit-writer.js';
import { CheckpointService } from '../../src/audit/checkpoint.service.js';
import { eventLeafHash } from '../../src/audit/core/audit-event.js';
import type { Checkpoint } from '../../src/audit/core/checkpoint.js';
import { verifyExport } from '../../src/audit/core/verifier.js';
import type { Principal } from '../../src/auth/principal.js';
import { Database } from '../../src/database/database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const OFFICER: Principal = {
  kind: 'person',
  id: 'fg-1',
  organisation: 'gemeente-almere',
  roles: ['privacy-officer'],
  purposes: [],
  tokenId: 'test',
};
const EVENTS = 40;

/**
 * Tampering as the database superuser would: triggers switched off (session_replication_role), rows
 * edited, deleted or renumbered. The offline verifier must say exactly which event first fails.
 */
describe('audit log under tampering', () => {
  let t: TestApp;
  let db: Database;
  let service: AuditService;
  let earlier: Checkpoint;

  const exportLines = async (): Promise<string[]> => {
    let text = '';
    for await (const chunk of await service.exportLog(OFFICER)) text += chunk;
    return text.trimEnd().split('\n');
  };
  const verify = async (options: { earlier?: Checkpoint } = {}) => {
    const lines = await exportLines();
    const publicKey = t.app.get(CheckpointService).publicKeyPem;
    return verifyExport(lines, { publicKey, ...(options.earlier && { earlierCheckpoint: options.earlier }) });
  };
  const asSuperuser = async (sql: string, params: unknown[] = []) => {
    await db.withTransaction(async (tx) => {
      await tx.query('SET LOCAL session_replication_role = replica');
      await tx.query(sql, params);
    });
  };

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(Database);
    service = t.app.get(AuditService);
  });
  afterAll(async () => {
    await t.close();
  });

  beforeEach(async () => {
    // A fresh log for each case: the test is the superuser, so it may clear what the app may not.
    await asSuperuser('TRUNCATE audit_log, audit_queue, audit_checkpoint');
    await db.query("UPDATE audit_tree SET size = 0, frontier = '{}'");
    const writer = t.app.get(AuditWriter);
    for (let i = 0; i < EVENTS; i++) {
      await writer.appendNow({ type: 'test.event', actor: `actor-${i % 5}`, outcome: 'success', details: { i } });
    }
    await t.app.get(AuditSequencer).flush();
    earlier = await t.app.get(CheckpointService).issue();
  });

  it('an untouched log verifies, and with its earlier checkpoint', async () => {
    const report = await verify({ earlier });
    expect(report.firstFailure).toBeUndefined();
    expect(report.ok).toBe(true);
    expect(report.events).toBeGreaterThan(EVENTS);
  });

  it('refuses UPDATE, DELETE and TRUNCATE to the application itself', async () => {
    await expect(db.query("UPDATE audit_log SET type = 'x' WHERE seq = 1")).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM audit_log WHERE seq = 1')).rejects.toThrow(/append-only/);
    await expect(db.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM audit_checkpoint')).rejects.toThrow(/append-only/);
    expect((await verify()).ok).toBe(true);
  });

  it('an edited row is pinpointed', async () => {
    await asSuperuser(`UPDATE audit_log SET event = jsonb_set(event, '{actor}', '"mallory"') WHERE seq = 17`);
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(report.firstFailure).toMatchObject({ seq: 17 });
    expect(report.firstFailure!.problem).toMatch(/leaf hash/);
  });

  it('an edited and re-hashed row breaks the checkpoints', async () => {
    const [row] = await db.query<{ event: Record<string, unknown> }>('SELECT event FROM audit_log WHERE seq = 12');
    const forged = { ...row!.event, actor: 'mallory' };
    await asSuperuser('UPDATE audit_log SET event = $1, leaf_hash = $2 WHERE seq = 12', [
      JSON.stringify(forged),
      eventLeafHash(forged as never),
    ]);
    const report = await verify({ earlier });
    expect(report.ok).toBe(false);
    expect(report.firstFailure!.problem).toMatch(/checkpoint|root/);
  });

  it('a deleted row is pinpointed', async () => {
    await asSuperuser('DELETE FROM audit_log WHERE seq = 23');
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(report.firstFailure).toMatchObject({ seq: 23 });
  });

  it('deleted last rows are pinpointed', async () => {
    const size = Number((await db.query<{ size: string }>('SELECT size FROM audit_tree'))[0]!.size);
    await asSuperuser('DELETE FROM audit_log WHERE seq >= $1', [size - 3]);
    const report = await verify();
    expect(report.ok).toBe(false);
    // Later events (the export's own) follow, so the hole shows where the last rows were.
    expect(report.firstFailure).toMatchObject({ seq: size - 3 });
  });

  it('deleted last rows with the tree state rolled back still fail against the earlier checkpoint', async () => {
    const size = Number((await db.query<{ size: string }>('SELECT size FROM audit_tree'))[0]!.size);
    await asSuperuser('DELETE FROM audit_log WHERE seq >= $1', [size - 3]);
    const { MerkleAccumulator } = await import('../../src/audit/core/merkle.js');
    const acc = MerkleAccumulator.empty();
    for (const leaf of await t.app.get(AuditRepository).leafHashes(size - 3)) acc.append(leaf);
    await db.query('UPDATE audit_tree SET size = $1, frontier = $2::bytea[]', [acc.size, acc.frontier().hashes]);
    expect((await verify()).ok).toBe(true);
    const report = await verify({ earlier });
    expect(report.ok).toBe(false);
    expect(report.firstFailure!.problem).toMatch(/earlier checkpoint/);
  });

  it('reordered rows are pinpointed', async () => {
    await asSuperuser('UPDATE audit_log SET seq = 1000000 WHERE seq = 8');
    await asSuperuser('UPDATE audit_log SET seq = 8 WHERE seq = 9');
    await asSuperuser('UPDATE audit_log SET seq = 9 WHERE seq = 1000000');
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(report.firstFailure).toMatchObject({ line: expect.any(Number) });
    expect(report.firstFailure!.problem).toMatch(/order|seq/);
  });

  it('a rewritten history that fixes the tree state still fails against the earlier checkpoint', async () => {
    await asSuperuser('DELETE FROM audit_log WHERE seq = 3');
    await asSuperuser('UPDATE audit_log SET seq = seq - 1 WHERE seq > 3');
    const rows = await db.query<{ seq: string; event: Record<string, unknown> }>('SELECT seq, event FROM audit_log ORDER BY seq');
    for (const row of rows) {
      const event = { ...row.event, seq: Number(row.seq) };
      await asSuperuser('UPDATE audit_log SET event = $1, leaf_hash = $2 WHERE seq = $3', [
        JSON.stringify(event),
        eventLeafHash(event as never),
        Number(row.seq),
      ]);
    }
    // Rebuild the stored tree so that a new checkpoint signs the forged history.
    const { MerkleAccumulator } = await import('../../src/audit/core/merkle.js');
    const leaves = await t.app.get(AuditRepository).leafHashes(Number.MAX_SAFE_INTEGER);
    const acc = MerkleAccumulator.empty();
    for (const leaf of leaves) acc.append(leaf);
    await db.query('UPDATE audit_tree SET size = $1, frontier = $2::bytea[]', [acc.size, acc.frontier().hashes]);

    expect((await verify()).ok).toBe(true); // consistent with itself …
    const report = await verify({ earlier }); // … but not with what the officer kept
    expect(report.ok).toBe(false);
    expect(report.firstFailure!.problem).toMatch(/earlier checkpoint|consisten/);
  });
});
