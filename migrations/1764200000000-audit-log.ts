import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tamper-evident audit log.
 *
 * Writers append to `audit_queue` inside their own business transaction (fail closed: no event, no
 * action). A single sequencer at a time (it locks the `audit_tree` row) moves queued events into
 * `audit_log`, giving each the next gapless `seq` and its Merkle leaf hash, and keeps the tree's compact
 * range in `audit_tree` so roots need no full rescan. `audit_log` and `audit_checkpoint` refuse UPDATE,
 * DELETE and TRUNCATE by trigger — for every role, the application's own included.
 */
export class AuditLog1764200000000 implements MigrationInterface {
  name = 'AuditLog1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_queue (
        id     bigserial PRIMARY KEY,
        event  jsonb     NOT NULL
      )`);
    await q.query(`
      CREATE TABLE audit_log (
        seq            bigint      PRIMARY KEY CHECK (seq >= 0),
        event          jsonb       NOT NULL,
        leaf_hash      bytea       NOT NULL CHECK (length(leaf_hash) = 32),
        at             timestamptz NOT NULL,
        type           text        NOT NULL,
        actor          text,
        organisation   text,
        purpose        text,
        action         text,
        outcome        text,
        dataset        text,
        roles          text[]      NOT NULL DEFAULT '{}'
      )`);
    for (const column of ['at', 'type', 'actor', 'organisation', 'purpose', 'outcome', 'dataset']) {
      await q.query(`CREATE INDEX audit_log_${column} ON audit_log (${column}, seq)`);
    }
    await q.query('CREATE INDEX audit_log_roles ON audit_log USING gin (roles)');
    await q.query(`
      CREATE TABLE audit_tree (
        singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        size       bigint  NOT NULL,
        frontier   bytea[] NOT NULL
      )`);
    await q.query("INSERT INTO audit_tree (size, frontier) VALUES (0, '{}')");
    await q.query(`
      CREATE TABLE audit_checkpoint (
        tree_size  bigint      NOT NULL,
        root_hash  bytea       NOT NULL,
        issued_at  timestamptz NOT NULL,
        origin     text        NOT NULL,
        key_id     text        NOT NULL,
        signature  text        NOT NULL,
        PRIMARY KEY (tree_size, issued_at)
      )`);
    await q.query(`
      CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit log is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['audit_log', 'audit_checkpoint']) {
      await q.query(`CREATE TRIGGER ${table}_no_update_delete BEFORE UPDATE OR DELETE ON ${table}
                     FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`);
      await q.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
                     FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_checkpoint');
    await q.query('DROP TABLE audit_tree');
    await q.query('DROP TABLE audit_log');
    await q.query('DROP TABLE audit_queue');
    await q.query('DROP FUNCTION audit_refuse_change()');
  }
}
