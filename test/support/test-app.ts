import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/app.factory.js';
import type { Clock } from '../../src/common/clock.js';
import { type AppConfig, loadConfig } from '../../src/config/app-config.js';
import { Database } from '../../src/database/database.js';
import { LogSink } from './log-sink.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface TestApp {
  readonly app: NestExpressApplication;
  readonly server: Server;
  readonly config: AppConfig;
  readonly logs: LogSink;
  readonly database: Database;
  close(): Promise<void>;
}

/** The real gateway on a fresh database (real migrations), logging into a sink the test can read. */
export async function startTestApp(env: Record<string, string> = {}, options: { clock?: Clock } = {}): Promise<TestApp> {
  const testDatabase: TestDatabase = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sk-app-'));
  const base = loadConfig({ LOG_LEVEL: 'info', DEMO: 'off', DATA_DIR: dataDir, ...env });
  const config: AppConfig = { ...base, database: testDatabase.config };
  const logs = new LogSink();
  const app = await createApp(config, { logDestination: logs, ...(options.clock && { clock: options.clock }) });
  return {
    app,
    server: app.getHttpServer(),
    config,
    logs,
    database: app.get(Database),
    async close() {
      await app.close();
      await testDatabase.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A clock the test sets; the whole gateway reads it (token lifetimes, agreements in force). */
export class TestClock {
  constructor(private current: Date) {}

  now(): Date {
    return new Date(this.current);
  }

  set(iso: string): void {
    this.current = new Date(iso);
  }

  get seconds(): number {
    return Math.floor(this.current.getTime() / 1000);
  }
}
