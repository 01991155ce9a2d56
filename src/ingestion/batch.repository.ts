import { Injectable } from '@nestjs/common';
import type { EntityManager, QueryRunner } from 'typeorm';
import { Database } from '../database/database.js';
import type { RowError } from './row-validator.js';

export interface BatchRow {
  readonly id: string;
  readonly dataset: string;
  readonly organisation: string;
  readonly client_id: string;
  readonly period: string;
  readonly status: 'receiving' | 'stored' | 'superseded' | 'withdrawn' | 'purged' | 'rejected';
  readonly received_at: Date;
  readonly rows_total: number;
  readonly rows_accepted: number;
  readonly rows_rejected: number;
  readonly row_errors: RowError[] | null;
  readonly row_errors_total: number;
  readonly content_sha256: string | null;
  readonly idempotency_key: string | null;
  readonly retain_until: string | null;
  readonly supersedes: string | null;
  readonly superseded_by: string | null;
  readonly withdrawn_at: Date | null;
}

export interface NewBatch {
  readonly id: string;
  readonly dataset: string;
  readonly organisation: string;
  readonly clientId: string;
  readonly period: string;
  readonly receivedAt: Date;
  readonly idempotencyKey: string | null;
  readonly agreementId: string | null;
  readonly geographyYear: number | null;
}

export interface BatchOutcome {
  readonly rowsTotal: number;
  readonly rowsAccepted: number;
  readonly rowsRejected: number;
  readonly contentSha256: string;
}

const COLUMNS = `id, dataset, organisation, client_id, period, status, received_at, rows_total, rows_accepted, rows_rejected,
  row_errors, row_errors_total, content_sha256, idempotency_key, to_char(retain_until, 'YYYY-MM-DD') AS retain_until,
  supersedes, superseded_by, withdrawn_at`;

/** SQL of batches. Records are written by a RecordSink in the same transaction. */
@Injectable()
export class BatchRepository {
  constructor(private readonly database: Database) {}

  async findByKey(organisation: string, key: string): Promise<BatchRow | undefined> {
    const rows = await this.database.query<BatchRow>(
      `SELECT ${COLUMNS} FROM batch WHERE organisation = $1 AND idempotency_key = $2`,
      [organisation, key],
    );
    return rows[0];
  }

  async findById(id: string): Promise<BatchRow | undefined> {
    const rows = await this.database.query<BatchRow>(`SELECT ${COLUMNS} FROM batch WHERE id = $1`, [id]);
    return rows[0];
  }

  listOwn(organisation: string, dataset: string): Promise<BatchRow[]> {
    return this.database.query<BatchRow>(
      `SELECT ${COLUMNS} FROM batch WHERE organisation = $1 AND dataset = $2 AND status <> 'receiving'
       ORDER BY received_at DESC LIMIT 500`,
      [organisation, dataset],
    );
  }

  /** Opens the batch: the idempotency key's unique constraint makes concurrent retries of one upload wait or fail. */
  async insertReceiving(runner: QueryRunner, batch: NewBatch): Promise<void> {
    await runner.query(
      `INSERT INTO batch (id, dataset, organisation, client_id, period, status, received_at, idempotency_key, agreement_id, geography_year)
       VALUES ($1, $2, $3, $4, $5, 'receiving', $6, $7, $8, $9)`,
      [batch.id, batch.dataset, batch.organisation, batch.clientId, batch.period, batch.receivedAt, batch.idempotencyKey, batch.agreementId, batch.geographyYear],
    );
  }

  /** Marks the batch stored and the one it replaces (same organisation, dataset, period) superseded. */
  async store(runner: QueryRunner, batch: NewBatch, outcome: BatchOutcome, retainUntil: string): Promise<string | null> {
    const previous: unknown = await runner.query(
      `UPDATE batch SET status = 'superseded', superseded_by = $1
       WHERE organisation = $2 AND dataset = $3 AND period = $4 AND status = 'stored' AND id <> $1 RETURNING id`,
      [batch.id, batch.organisation, batch.dataset, batch.period],
    );
    const supersedes = returned<{ id: string }>(previous)[0]?.id ?? null;
    await runner.query(
      `UPDATE batch SET status = 'stored', rows_total = $2, rows_accepted = $3, rows_rejected = $4, content_sha256 = $5,
         retain_until = $6, supersedes = $7 WHERE id = $1`,
      [batch.id, outcome.rowsTotal, outcome.rowsAccepted, outcome.rowsRejected, outcome.contentSha256, retainUntil, supersedes],
    );
    return supersedes;
  }

  /** A rejected batch keeps its receipt (for idempotent retries and the partner's list), never its rows. */
  async insertRejected(tx: EntityManager, batch: NewBatch, outcome: BatchOutcome, errors: readonly RowError[], errorsTotal: number): Promise<void> {
    await tx.query(
      `INSERT INTO batch (id, dataset, organisation, client_id, period, status, received_at, idempotency_key, agreement_id,
         geography_year, rows_total, rows_accepted, rows_rejected, content_sha256, row_errors, row_errors_total)
       VALUES ($1, $2, $3, $4, $5, 'rejected', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [
        batch.id, batch.dataset, batch.organisation, batch.clientId, batch.period, batch.receivedAt, batch.idempotencyKey,
        batch.agreementId, batch.geographyYear, outcome.rowsTotal, outcome.rowsAccepted, outcome.rowsRejected,
        outcome.contentSha256, JSON.stringify(errors), errorsTotal,
      ],
    );
  }

  /** Removes a batch's records; the batch row (the receipt) and the audit trail stay. */
  async removeRecords(tx: EntityManager, id: string, status: 'withdrawn' | 'purged', at: Date): Promise<number> {
    const deleted = await tx.query<unknown>('DELETE FROM record WHERE batch_id = $1', [id]);
    const column = status === 'withdrawn' ? 'withdrawn_at' : 'purged_at';
    await tx.query(`UPDATE batch SET status = $2, ${column} = $3 WHERE id = $1`, [id, status, at]);
    return Array.isArray(deleted) && typeof deleted[1] === 'number' ? deleted[1] : 0;
  }

  /** Batches whose records have outlived their agreement's retention period. */
  expired(today: string): Promise<{ id: string; dataset: string; organisation: string; period: string }[]> {
    return this.database.query(
      `SELECT id, dataset, organisation, period FROM batch
       WHERE status IN ('stored', 'superseded') AND retain_until < $1::date ORDER BY retain_until LIMIT 1000`,
      [today],
    );
  }
}

/** TypeORM returns [rows, count] for UPDATE … RETURNING on PostgreSQL. */
function returned<T>(result: unknown): T[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as T[]) : (result as T[]);
}
