import { Injectable } from '@nestjs/common';
import type { JWK } from 'jose';
import type { EntityManager } from 'typeorm';
import { Database } from '../database/database.js';

export interface RegisteredKey {
  readonly clientId: string;
  readonly kid: string;
  readonly jwk: JWK;
  readonly createdAt: string;
}

/** Public keys of partner clients registered at run time (admin API, admin command, demo start-up). */
@Injectable()
export class ClientKeyRepository {
  constructor(private readonly database: Database) {}

  async findActive(clientId: string, kid: string): Promise<JWK | undefined> {
    const rows = await this.database.query<{ jwk: JWK }>(
      'SELECT jwk FROM client_key WHERE client_id = $1 AND kid = $2 AND revoked_at IS NULL',
      [clientId, kid],
    );
    return rows[0]?.jwk;
  }

  async listActive(): Promise<RegisteredKey[]> {
    const rows = await this.database.query<{ client_id: string; kid: string; jwk: JWK; created_at: Date }>(
      'SELECT client_id, kid, jwk, created_at FROM client_key WHERE revoked_at IS NULL ORDER BY client_id, created_at',
    );
    return rows.map((r) => ({ clientId: r.client_id, kid: r.kid, jwk: r.jwk, createdAt: r.created_at.toISOString() }));
  }

  /** Registers a key; false when the client already has a key with that kid (active or revoked). */
  async register(tx: EntityManager, clientId: string, kid: string, jwk: JWK): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO client_key (client_id, kid, jwk) VALUES ($1, $2, $3)
       ON CONFLICT (client_id, kid) DO NOTHING RETURNING kid`,
      [clientId, kid, JSON.stringify(jwk)],
    );
    return rows.length === 1;
  }

  /** Revokes a key; false when there was no active key with that kid. */
  async revoke(tx: EntityManager, clientId: string, kid: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `UPDATE client_key SET revoked_at = now()
       WHERE client_id = $1 AND kid = $2 AND revoked_at IS NULL RETURNING kid`,
      [clientId, kid],
    );
    // pg returns [rows, count] for UPDATE … RETURNING through TypeORM
    const returned = Array.isArray(rows[0]) ? (rows[0] as unknown[]) : rows;
    return returned.length === 1;
  }
}
