import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The installation record: one row, written on first start, that tells a restarted gateway it is
 * the same installation (and lets the demo know it has already been seeded).
 */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE installation (
        id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        singleton     boolean     NOT NULL DEFAULT true UNIQUE CHECK (singleton),
        created_at    timestamptz NOT NULL DEFAULT now(),
        demo_seeded_at timestamptz
      )`);
    await q.query('INSERT INTO installation DEFAULT VALUES');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE installation');
  }
}
