import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Protected cubes and the extracts sliced from them. A cube is built once per (indicator, data version)
 * — the data version names the exact batches it was computed from — and only its protected form is
 * stored: suppressed cells have no value here at all. Extracts keep their full response, so
 * `GET /v1/extracts/{id}` returns exactly what was served.
 */
export class Cubes1764500000000 implements MigrationInterface {
  name = 'Cubes1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE cube (
        id              uuid        PRIMARY KEY,
        indicator       text        NOT NULL,
        period          text        NOT NULL,
        data_version    text        NOT NULL,
        geography_year  smallint    NOT NULL,
        k               integer     NOT NULL CHECK (k >= 5),
        built_at        timestamptz NOT NULL,
        released        boolean     NOT NULL,
        reason          text,
        summary         jsonb       NOT NULL,
        cells           jsonb       NOT NULL,
        UNIQUE (indicator, data_version, k)
      )`);
    await q.query(`
      CREATE TABLE extract (
        id            uuid        PRIMARY KEY,
        actor         text        NOT NULL,
        organisation  text        NOT NULL,
        purpose       text        NOT NULL,
        created_at    timestamptz NOT NULL,
        request       jsonb       NOT NULL,
        response      jsonb       NOT NULL
      )`);
    await q.query('CREATE INDEX extract_actor ON extract (organisation, actor, created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE extract');
    await q.query('DROP TABLE cube');
  }
}
