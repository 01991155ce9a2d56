import type { DataSource, EntityManager } from 'typeorm';
import type { OpenedDatabase } from './data-source.factory.js';

export type IsolationLevel = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

/**
 * The one door to the database. Modules write through `withTransaction` so that a business write and
 * its audit event commit together or not at all.
 */
export class Database {
  constructor(private readonly opened: OpenedDatabase) {}

  get kind(): OpenedDatabase['kind'] {
    return this.opened.kind;
  }

  get dataSource(): DataSource {
    return this.opened.dataSource;
  }

  /**
   * Runs `work` in one transaction: commit when it resolves, roll back when it throws (and rethrow).
   * Do not nest: the embedded database has a single connection, so a nested call would wait forever.
   */
  withTransaction<T>(work: (tx: EntityManager) => Promise<T>, isolation: IsolationLevel = 'READ COMMITTED'): Promise<T> {
    return this.opened.dataSource.transaction(isolation, work);
  }

  /** A parameterised query outside any transaction. */
  query<T = unknown>(sql: string, parameters: readonly unknown[] = []): Promise<T[]> {
    return this.opened.dataSource.query<T[]>(sql, [...parameters]);
  }

  /** True when the database answers a trivial query. */
  async isReady(): Promise<boolean> {
    try {
      await this.opened.dataSource.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    return this.opened.close();
  }
}
