import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Database } from '../database/database.js';
import type { AuditEvent } from './core/audit-event.js';
import type { Checkpoint } from './core/checkpoint.js';
import { eventLeafHash } from './core/audit-event.js';
import { MerkleAccumulator } from './core/merkle.js';
import type { QueuedEvent } from './audit-record.js';

export interface TreeState {
  readonly size: number;
  readonly frontier: readonly Buffer[];
}

/** A checkpoint as stored: the same fields the verifier reads. */
export type StoredCheckpoint = Checkpoint;

export interface EventFilter {
  readonly from?: string;
  readonly to?: string;
  readonly type?: string;
  readonly actor?: string;
  readonly organisation?: string;
  readonly role?: string;
  readonly purpose?: string;
  readonly dataset?: string;
  readonly action?: string;
  readonly outcome?: string;
}

/** Columns a filter may name, and the SQL each maps to (values are always parameters). */
const FILTER_SQL: Readonly<Record<keyof EventFilter, string>> = {
  from: 'at >= $?::timestamptz',
  to: 'at < $?::timestamptz',
  type: 'type = $?',
  actor: 'actor = $?',
  organisation: 'organisation = $?',
  role: '$? = ANY(roles)',
  purpose: 'purpose = $?',
  dataset: 'dataset = $?',
  action: 'action = $?',
  outcome: 'outcome = $?',
};

/** SQL of the audit log: the sequencer's moves, searches, leaf hashes for proofs, checkpoints. */
@Injectable()
export class AuditRepository {
  constructor(private readonly database: Database) {}

  /**
   * Moves up to `limit` queued events into the log, in queue order, each with the next gapless seq and
   * its leaf hash, and advances the stored compact range. The tree row lock makes one sequencer at a
   * time, across processes. Returns how many events were sequenced.
   */
  sequence(limit: number): Promise<number> {
    return this.database.withTransaction(async (tx) => {
      const tree = await this.lockTree(tx);
      const queued = await tx.query<{ id: string; event: QueuedEvent }[]>(
        'SELECT id, event FROM audit_queue ORDER BY id LIMIT $1',
        [limit],
      );
      if (queued.length === 0) return 0;
      const accumulator = MerkleAccumulator.fromFrontier({ size: tree.size, hashes: tree.frontier });
      const seqs: number[] = [];
      const events: string[] = [];
      const hashes: Buffer[] = [];
      queued.forEach((row, i) => {
        const event = { ...row.event, seq: tree.size + i };
        const leaf = eventLeafHash(event);
        accumulator.append(leaf);
        seqs.push(event.seq);
        events.push(JSON.stringify(event));
        hashes.push(leaf);
      });
      await tx.query(
        `INSERT INTO audit_log (seq, event, leaf_hash, at, type, actor, organisation, purpose, action, outcome, dataset, roles)
         SELECT s, e, h, (e->>'at')::timestamptz, e->>'type', e->>'actor', e->>'organisation', e->>'purpose',
                e->>'action', e->>'outcome', e->'resource'->>'dataset',
                ARRAY(SELECT jsonb_array_elements_text(e->'roles'))
         FROM unnest($1::bigint[], $2::jsonb[], $3::bytea[]) AS t(s, e, h)`,
        [seqs, events, hashes],
      );
      await tx.query('DELETE FROM audit_queue WHERE id = ANY($1::bigint[])', [queued.map((r) => r.id)]);
      await tx.query('UPDATE audit_tree SET size = $1, frontier = $2::bytea[]', [accumulator.size, accumulator.frontier().hashes]);
      return queued.length;
    });
  }

  async treeState(): Promise<TreeState> {
    const [row] = await this.database.query<{ size: string; frontier: Buffer[] }>('SELECT size, frontier FROM audit_tree');
    return { size: Number(row!.size), frontier: row!.frontier };
  }

  async queuedCount(): Promise<number> {
    const [row] = await this.database.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_queue');
    return row!.n;
  }

  /** Leaf hashes of events [0, size), in order: what proofs are computed from. */
  async leafHashes(size: number): Promise<Buffer[]> {
    const rows = await this.database.query<{ leaf_hash: Buffer }>(
      'SELECT leaf_hash FROM audit_log WHERE seq < $1 ORDER BY seq',
      [size],
    );
    return rows.map((r) => r.leaf_hash);
  }

  async eventAt(seq: number): Promise<AuditEvent | undefined> {
    const rows = await this.database.query<{ event: Omit<AuditEvent, 'leafHash'>; leaf_hash: Buffer }>(
      'SELECT event, leaf_hash FROM audit_log WHERE seq = $1',
      [seq],
    );
    return rows[0] && { ...rows[0].event, leafHash: rows[0].leaf_hash.toString('hex') };
  }

  /** One page of events matching the filter, in seq order, after `afterSeq`. */
  async search(filter: EventFilter, afterSeq: number, limit: number): Promise<AuditEvent[]> {
    const { clauses, values } = where(filter, ['seq > $1'], [afterSeq]);
    values.push(limit);
    const rows = await this.database.query<{ event: Omit<AuditEvent, 'leafHash'>; leaf_hash: Buffer }>(
      `SELECT event, leaf_hash FROM audit_log WHERE ${clauses.join(' AND ')} ORDER BY seq LIMIT $${values.length}`,
      values,
    );
    return rows.map((r) => ({ ...r.event, leafHash: r.leaf_hash.toString('hex') }));
  }

  /** Events [fromSeq, toSeq) in order, a batch at a time, for streaming exports. */
  async range(fromSeq: number, toSeq: number): Promise<AuditEvent[]> {
    const rows = await this.database.query<{ event: Omit<AuditEvent, 'leafHash'>; leaf_hash: Buffer }>(
      'SELECT event, leaf_hash FROM audit_log WHERE seq >= $1 AND seq < $2 ORDER BY seq',
      [fromSeq, toSeq],
    );
    return rows.map((r) => ({ ...r.event, leafHash: r.leaf_hash.toString('hex') }));
  }

  async saveCheckpoint(checkpoint: StoredCheckpoint): Promise<void> {
    await this.database.query(
      `INSERT INTO audit_checkpoint (tree_size, root_hash, issued_at, origin, key_id, signature)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [
        checkpoint.treeSize,
        Buffer.from(checkpoint.rootHash, 'hex'),
        checkpoint.issuedAt,
        checkpoint.origin,
        checkpoint.keyId,
        checkpoint.signature,
      ],
    );
  }

  async checkpoints(limit: number): Promise<StoredCheckpoint[]> {
    const rows = await this.database.query<{
      tree_size: string;
      root_hash: Buffer;
      issued_at: Date;
      origin: string;
      key_id: string;
      signature: string;
    }>('SELECT * FROM audit_checkpoint ORDER BY tree_size DESC, issued_at DESC LIMIT $1', [limit]);
    return rows.map((r) => ({
      origin: r.origin,
      treeSize: Number(r.tree_size),
      rootHash: r.root_hash.toString('hex'),
      issuedAt: r.issued_at.toISOString(),
      keyId: r.key_id,
      signature: r.signature,
    }));
  }

  /** Counts of events grouped by an expression, for the ethics review's reports. */
  async countBy(groupSql: string, filter: EventFilter, extraWhere = 'true'): Promise<{ key: string | null; outcome: string | null; n: number }[]> {
    const { clauses, values } = where(filter, [extraWhere], []);
    return this.database.query(
      `SELECT ${groupSql} AS key, outcome, count(*)::int AS n FROM audit_log
       WHERE ${clauses.join(' AND ')} GROUP BY 1, 2 ORDER BY 1, 2`,
      values,
    );
  }

  /** Extract requests per purpose with the cells they published and suppressed (from their events). */
  async suppressionByPurpose(filter: EventFilter): Promise<{ purpose: string; extracts: number; published: number; primary: number; secondary: number }[]> {
    const { clauses, values } = where(filter, ["type = 'extract.requested'"], []);
    const cells = (name: string) => `coalesce(sum((event->'details'->'suppression'->>'${name}')::int), 0)::int AS ${name}`;
    return this.database.query(
      `SELECT coalesce(purpose, '(none)') AS purpose, count(*)::int AS extracts,
              ${cells('published')}, ${cells('primary')}, ${cells('secondary')}
       FROM audit_log WHERE ${clauses.join(' AND ')} GROUP BY 1 ORDER BY 1`,
      values,
    );
  }

  private async lockTree(tx: EntityManager): Promise<TreeState> {
    const [row] = await tx.query<{ size: string; frontier: Buffer[] }[]>('SELECT size, frontier FROM audit_tree FOR UPDATE');
    return { size: Number(row!.size), frontier: row!.frontier };
  }
}

/** WHERE clauses for a filter; values are always bound parameters, never spliced into the SQL. */
function where(filter: EventFilter, clauses: string[], values: unknown[]): { clauses: string[]; values: unknown[] } {
  for (const [key, value] of Object.entries(filter) as [keyof EventFilter, string | undefined][]) {
    if (value === undefined) continue;
    values.push(value);
    clauses.push(FILTER_SQL[key].replace('$?', `$${values.length}`));
  }
  return { clauses, values };
}
