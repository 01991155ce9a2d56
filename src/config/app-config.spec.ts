import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('gives a working embedded default on an empty environment', () => {
    const config = loadConfig({}, '/srv/gateway');
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 3000,
      logLevel: 'info',
      dataDir: '/srv/gateway/data',
      database: { kind: 'pglite', dataDir: path.join('/srv/gateway/data', 'pglite') },
      http: { bodyLimitBytes: 1048576, shutdownGraceMs: 10000 },
    });
  });

  it('uses the PostgreSQL server when DATABASE_URL is set', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/gw', DATABASE_POOL_SIZE: '4' });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://u:p@db:5432/gw', poolSize: 4 });
  });

  it('accepts an in-memory embedded database', () => {
    expect(loadConfig({ PGLITE_DATA_DIR: 'memory://' }).database).toEqual({ kind: 'pglite', dataDir: 'memory://' });
  });

  it('lists every bad variable at once', () => {
    let caught: unknown;
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', HTTP_BODY_LIMIT_BYTES: '-1', DATABASE_URL: 'mysql://root:hunter2@x/db' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/PORT.*eighty/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL.*loud/);
    expect(problems.join('\n')).toMatch(/HTTP_BODY_LIMIT_BYTES/);
    expect(problems.join('\n')).toMatch(/DATABASE_URL/);
  });

  it('never echoes a database password in its message', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://root:hunter2@x/db' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://root:hunter2@x/db' })).not.toThrow(/hunter2/);
  });

  it('rejects a port out of range', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
  });
});
