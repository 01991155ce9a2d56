import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity: public keys of partner clients registered at run time (besides those in policies/clients),
 * and the `jti`s of client tokens already used, so a captured token cannot be replayed.
 */
export class Identity1764050000000 implements MigrationInterface {
  name = 'Identity1764050000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE client_key (
        client_id   text        NOT NULL,
        kid         text        NOT NULL,
        jwk         jsonb       NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        revoked_at  timestamptz,
        PRIMARY KEY (client_id, kid),
        CHECK (NOT (jwk ?| array['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']))
      )`);
    await q.query(`
      CREATE TABLE token_replay (
        issuer      text        NOT NULL,
        jti         text        NOT NULL,
        expires_at  timestamptz NOT NULL,
        PRIMARY KEY (issuer, jti)
      )`);
    await q.query('CREATE INDEX token_replay_expires_at ON token_replay (expires_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE token_replay');
    await q.query('DROP TABLE client_key');
  }
}
