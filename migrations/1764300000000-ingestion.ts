import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Partner batches and their records. Records are stored generically (DESIGN decision 8): the keys as
 * typed columns — the BSN's keyed pseudonym, the address's keyed pseudonym, the pc6 unit, an event
 * date — and every other field in `attributes`. No BSN and no address is ever stored.
 */
export class Ingestion1764300000000 implements MigrationInterface {
  name = 'Ingestion1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE batch (
        id               uuid        PRIMARY KEY,
        dataset          text        NOT NULL,
        organisation     text        NOT NULL,
        client_id        text        NOT NULL,
        period           text        NOT NULL,
        status           text        NOT NULL CHECK (status IN ('receiving', 'stored', 'superseded', 'withdrawn', 'purged', 'rejected')),
        received_at      timestamptz NOT NULL,
        rows_total       integer     NOT NULL DEFAULT 0,
        rows_accepted    integer     NOT NULL DEFAULT 0,
        rows_rejected    integer     NOT NULL DEFAULT 0,
        row_errors       jsonb,
        row_errors_total integer     NOT NULL DEFAULT 0,
        content_sha256   text,
        idempotency_key  text,
        agreement_id     text,
        retain_until     date,
        geography_year   smallint,
        supersedes       uuid REFERENCES batch (id),
        superseded_by    uuid REFERENCES batch (id),
        withdrawn_at     timestamptz,
        purged_at        timestamptz,
        UNIQUE (organisation, idempotency_key)
      )`);
    await q.query('CREATE INDEX batch_current ON batch (organisation, dataset, period) WHERE status = \'stored\'');
    await q.query('CREATE INDEX batch_retention ON batch (retain_until) WHERE status IN (\'stored\', \'superseded\')');
    await q.query(`
      CREATE TABLE record (
        batch_id      uuid     NOT NULL REFERENCES batch (id) ON DELETE CASCADE,
        row_no        integer  NOT NULL,
        subject       bytea    CHECK (length(subject) = 32),
        address_ref   bytea    CHECK (length(address_ref) = 32),
        pc6_unit      text,
        occurred_on   date,
        attributes    jsonb    NOT NULL
      )`);
    await q.query('CREATE INDEX record_batch ON record (batch_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE record');
    await q.query('DROP TABLE batch');
  }
}
