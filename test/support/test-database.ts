import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { DatabaseConfig } from '../../src/config/app-config.js';

export interface TestDatabase {
  readonly config: DatabaseConfig;
  /** Removes the database (server) — PGlite in memory simply goes away with its data source. */
  drop(): Promise<void>;
}

/**
 * A fresh, empty database for one test file: a new database on the server named by DATABASE_URL when
 * it is set (so test files never see each other's rows), otherwise an in-memory PGlite — or, with
 * `onDisk`, a PGlite in a temporary directory, for tests that close and reopen the same database.
 */
export async function createTestDatabase(options: { onDisk?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl && options.onDisk) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sk-test-'));
    return {
      config: { kind: 'pglite', dataDir: path.join(dir, 'pglite') },
      drop: () => rm(dir, { recursive: true, force: true }),
    };
  }
  if (!serverUrl) return { config: { kind: 'pglite', dataDir: 'memory://' }, drop: async () => {} };

  const name = `sk_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    config: { kind: 'postgres', url: url.toString(), poolSize: 5 },
    drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
