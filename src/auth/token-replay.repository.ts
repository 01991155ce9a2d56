import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';

/** Remembers the `jti` of every client token until it expires, so each token is accepted once. */
@Injectable()
export class TokenReplayRepository {
  constructor(private readonly database: Database) {}

  /** True the first time a (issuer, jti) is seen; false for a replay. */
  async claim(issuer: string, jti: string, expiresAt: Date): Promise<boolean> {
    const rows = await this.database.query(
      `INSERT INTO token_replay (issuer, jti, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (issuer, jti) DO NOTHING RETURNING jti`,
      [issuer, jti, expiresAt],
    );
    return rows.length === 1;
  }

  /** Forgets jtis whose tokens have expired (they are refused on `exp` anyway). */
  async purgeExpired(now: Date, graceSeconds: number): Promise<void> {
    await this.database.query('DELETE FROM token_replay WHERE expires_at < $1', [
      new Date(now.getTime() - graceSeconds * 1000),
    ]);
  }
}
