import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { openDatabase } from '../../src/database/data-source.factory.js';
import { Database } from '../../src/database/database.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

describe('database', () => {
  let testDb: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = new Database(await openDatabase(testDb.config));
  });
  afterAll(async () => {
    await db.close();
    await testDb.drop();
  });

  it('applies every migration and records it', async () => {
    const rows = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY id');
    expect(rows.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
    const installation = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM installation');
    expect(installation[0]!.n).toBe(1);
  });

  it('commits a transaction that resolves', async () => {
    await db.query('CREATE TABLE tx_probe (v int NOT NULL)');
    await db.withTransaction(async (tx) => {
      await tx.query('INSERT INTO tx_probe VALUES (1), (2)');
    });
    expect(await db.query('SELECT v FROM tx_probe ORDER BY v')).toEqual([{ v: 1 }, { v: 2 }]);
  });

  it('rolls back every write of a transaction that throws', async () => {
    await expect(
      db.withTransaction(async (tx) => {
        await tx.query('INSERT INTO tx_probe VALUES (3)');
        throw new Error('audit write failed');
      }),
    ).rejects.toThrow('audit write failed');
    expect(await db.query('SELECT v FROM tx_probe ORDER BY v')).toEqual([{ v: 1 }, { v: 2 }]);
  });

  it('rolls back when the database itself refuses a statement', async () => {
    await expect(
      db.withTransaction(async (tx) => {
        await tx.query('INSERT INTO tx_probe VALUES (4)');
        await tx.query('INSERT INTO tx_probe VALUES (NULL)');
      }),
    ).rejects.toThrow();
    expect(await db.query('SELECT count(*)::int AS n FROM tx_probe')).toEqual([{ n: 2 }]);
    expect(await db.isReady()).toBe(true);
  });
});

describe('migrations', () => {
  it('can be reverted and re-applied', async () => {
    const testDb = await createTestDatabase();
    const opened = await openDatabase(testDb.config);
    try {
      for (let i = 0; i < MIGRATIONS.length; i++) await opened.dataSource.undoLastMigration({ transaction: 'each' });
      const tables = await opened.dataSource.query<{ t: string }[]>(
        "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migrations'",
      );
      expect(tables).toEqual([]);
      const again = await opened.dataSource.runMigrations({ transaction: 'each' });
      expect(again).toHaveLength(MIGRATIONS.length);
    } finally {
      await opened.close();
      await testDb.drop();
    }
  });

  it('a broken migration stops the opening and leaves nothing of itself', async () => {
    class Broken1799999999999 implements MigrationInterface {
      name = 'Broken1799999999999';
      async up(q: QueryRunner): Promise<void> {
        await q.query('CREATE TABLE half_done (id int)');
        await q.query('SELECT * FROM no_such_table');
      }
      async down(): Promise<void> {}
    }
    const testDb = await createTestDatabase({ onDisk: true });
    try {
      await expect(openDatabase(testDb.config, [...MIGRATIONS, Broken1799999999999])).rejects.toThrow();
      // All pending migrations run in one transaction: the failed start left the schema untouched.
      const opened = await openDatabase(testDb.config);
      try {
        const halfDone = await opened.dataSource.query('SELECT to_regclass($1) AS t', ['half_done']);
        expect(halfDone).toEqual([{ t: null }]);
        expect(opened.migrationsApplied).toEqual(MIGRATIONS.map((m) => m.name));
      } finally {
        await opened.close();
      }
    } finally {
      await testDb.drop();
    }
  });
});

describe('a database on disk', () => {
  it('keeps its data across a stop and a start', async () => {
    const testDb = await createTestDatabase({ onDisk: true });
    const config = testDb.config;
    const first = await openDatabase(config);
    expect(first.migrationsApplied).toEqual(MIGRATIONS.map((m) => m.name));
    const [{ id }] = await first.dataSource.query<[{ id: string }]>('SELECT id FROM installation');
    await first.close();

    const second = await openDatabase(config);
    try {
      expect(second.migrationsApplied).toEqual([]);
      expect(await second.dataSource.query('SELECT id FROM installation')).toEqual([{ id }]);
    } finally {
      await second.close();
      await testDb.drop();
    }
  });
});
