import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { AbstractLogger, DataSource, type MigrationInterface } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import type { DatabaseConfig } from '../config/app-config.js';

export type MigrationList = readonly (new () => MigrationInterface)[];

/** A ready data source, plus whatever must be closed after it (the embedded engine). */
export interface OpenedDatabase {
  readonly dataSource: DataSource;
  readonly kind: DatabaseConfig['kind'];
  /** Names of the migrations this opening applied (empty when the schema was already current). */
  readonly migrationsApplied: readonly string[];
  close(): Promise<void>;
}

/**
 * Opens the database named by the configuration and brings its schema up to date.
 * PostgreSQL server and embedded PGlite share one driver path: TypeORM's postgres driver over `pg`,
 * with PGlite plugged in as the connection of a one-connection pool.
 */
export async function openDatabase(
  config: DatabaseConfig,
  migrations: MigrationList = MIGRATIONS,
): Promise<OpenedDatabase> {
  let pglite: PGlite | undefined;
  const common = {
    type: 'postgres' as const,
    synchronize: false,
    migrationsRun: false,
    migrations: [...migrations],
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'all' as const,
    installExtensions: false,
    logger: new QuietTypeOrmLogger(),
    applicationName: 'straatkubus-gateway',
  };
  let dataSource: DataSource;
  if (config.kind === 'postgres') {
    dataSource = new DataSource({ ...common, url: config.url, poolSize: config.poolSize });
  } else {
    if (config.dataDir !== 'memory://') await mkdir(config.dataDir, { recursive: true });
    pglite = await PGlite.create(config.dataDir);
    dataSource = new DataSource({ ...common, poolSize: 1, extra: createPgConfig(pglite) });
  }

  let applied: string[];
  try {
    await dataSource.initialize();
    applied = (await dataSource.runMigrations({ transaction: 'all' })).map((m) => m.name);
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await pglite?.close();
    throw error;
  }

  return {
    dataSource,
    kind: config.kind,
    migrationsApplied: applied,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      if (pglite && !pglite.closed) await pglite.close();
    },
  };
}

/**
 * TypeORM prints migration progress and failures (with database messages) to the console by itself.
 * The gateway reports migrations through its own structured log instead, so TypeORM stays silent.
 */
class QuietTypeOrmLogger extends AbstractLogger {
  protected writeLog(): void {}
}
