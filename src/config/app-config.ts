import path from 'node:path';
import { projectRoot } from '../common/project-root.js';

/**
 * The gateway's whole configuration, read once from the environment at start-up.
 * Nothing else in `src/` reads `process.env`.
 */
export interface AppConfig {
  readonly host: string;
  readonly port: number;
  readonly logLevel: LogLevel;
  /** Directory for everything the gateway keeps on local disk (embedded database, demo keys). */
  readonly dataDir: string;
  /** The reviewed policy files: roles, purposes, agreements, datasets, clients. */
  readonly policiesDir: string;
  readonly database: DatabaseConfig;
  readonly http: HttpConfig;
  readonly auth: AuthConfig;
  readonly audit: AuditConfig;
  readonly ingestion: IngestionConfig;
  readonly demo: DemoConfig;
}

export interface IngestionConfig {
  /** The secret key of the BSN pseudonyms (HMAC-SHA-256), in a file outside the database. Created if missing. */
  readonly pseudonymKeyFile: string;
  /** Largest accepted upload, in bytes. */
  readonly maxUploadBytes: number;
}

export interface AuditConfig {
  /** Ed25519 private key (PEM) that signs checkpoints; kept outside the database. Created if missing. */
  readonly signingKeyFile: string;
  /** Name of this log in its checkpoints, so a checkpoint of one installation never verifies another. */
  readonly origin: string;
  /** How often a checkpoint is issued when the log has grown, in seconds. */
  readonly checkpointIntervalSeconds: number;
  /** How often queued events are sequenced into the log, in milliseconds. */
  readonly sequenceIntervalMs: number;
}

export interface AuthConfig {
  /** The `aud` every token must carry. */
  readonly audience: string;
  /**
   * The municipality's identity provider for people (analysts, privacy officers, administrators).
   * Unset with the demo on: the demo's own issuer, whose keys live under DATA_DIR/demo.
   */
  readonly idp: { readonly issuer: string; readonly jwksUrl: string } | null;
  /** Clock skew tolerated on exp/nbf/iat, in seconds. */
  readonly clockToleranceSeconds: number;
}

export interface DemoConfig {
  /** Create demo keys and a synthetic city on first start (embedded database only, unless forced). */
  readonly enabled: boolean;
  readonly seed: number;
  readonly scale: number;
}

export type DatabaseConfig =
  | { readonly kind: 'postgres'; readonly url: string; readonly poolSize: number }
  /** `dataDir` is a directory, or `memory://` for a throw-away in-memory database. */
  | { readonly kind: 'pglite'; readonly dataDir: string };

export interface HttpConfig {
  /** Largest accepted JSON request body, in bytes. */
  readonly bodyLimitBytes: number;
  /** How long a graceful shutdown waits for open requests before closing, in milliseconds. */
  readonly shutdownGraceMs: number;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** One documented environment variable: its name, default and meaning (the README table is built from these). */
export interface EnvVariable {
  readonly name: string;
  readonly default: string;
  readonly description: string;
}

export const ENVIRONMENT: readonly EnvVariable[] = [
  { name: 'HOST', default: '127.0.0.1', description: 'Interface the HTTP server listens on (0.0.0.0 in a container).' },
  { name: 'PORT', default: '3000', description: 'TCP port of the HTTP server.' },
  { name: 'LOG_LEVEL', default: 'info', description: `One of ${LOG_LEVELS.join(', ')}.` },
  { name: 'DATA_DIR', default: './data', description: 'Local state: the embedded database and the demo keys.' },
  { name: 'POLICIES_DIR', default: './policies', description: 'The reviewed policy files (roles, purposes, agreements, datasets, clients).' },
  {
    name: 'DATABASE_URL',
    default: '(unset)',
    description: 'postgres://user:password@host:port/database of a PostgreSQL server; unset means embedded PGlite.',
  },
  { name: 'DATABASE_POOL_SIZE', default: '10', description: 'Connections to the PostgreSQL server (PGlite always uses one).' },
  {
    name: 'PGLITE_DATA_DIR',
    default: '$DATA_DIR/pglite',
    description: 'Directory of the embedded database, or memory:// for an in-memory one (tests).',
  },
  { name: 'HTTP_BODY_LIMIT_BYTES', default: '1048576', description: 'Largest accepted JSON request body.' },
  { name: 'SHUTDOWN_GRACE_MS', default: '10000', description: 'Time open requests get to finish on SIGTERM/SIGINT.' },
  { name: 'AUTH_AUDIENCE', default: 'urn:straatkubus:gateway', description: 'The `aud` every token must carry.' },
  {
    name: 'IDP_ISSUER',
    default: '(unset)',
    description: "Issuer of people's tokens (the municipality's identity provider); set together with IDP_JWKS_URL.",
  },
  { name: 'IDP_JWKS_URL', default: '(unset)', description: "URL of the identity provider's public keys (JWKS)." },
  { name: 'AUTH_CLOCK_TOLERANCE_S', default: '30', description: 'Clock skew tolerated on exp, nbf and iat, in seconds.' },
  {
    name: 'AUDIT_SIGNING_KEY_FILE',
    default: '$DATA_DIR/keys/audit-checkpoint.pem',
    description: 'Ed25519 private key (PEM) that signs audit checkpoints; keep it outside the database. Created if missing.',
  },
  { name: 'AUDIT_ORIGIN', default: 'straatkubus-gateway/audit', description: 'Name of this audit log in its signed checkpoints.' },
  { name: 'AUDIT_CHECKPOINT_INTERVAL_S', default: '300', description: 'How often a checkpoint is issued when the log has grown.' },
  { name: 'AUDIT_SEQUENCE_INTERVAL_MS', default: '200', description: 'How often queued audit events are sequenced into the log.' },
  {
    name: 'PSEUDONYM_KEY_FILE',
    default: '$DATA_DIR/keys/pseudonym.key',
    description: 'Secret key (32+ random bytes, base64) of the BSN pseudonyms; outside the database, never in the repository. Created if missing.',
  },
  { name: 'UPLOAD_MAX_BYTES', default: '4294967296', description: 'Largest accepted batch upload, in bytes.' },
  {
    name: 'DEMO',
    default: 'on with PGlite, off with DATABASE_URL',
    description: 'on/off: demo identities (keys under $DATA_DIR/demo) and the synthetic city on first start.',
  },
  { name: 'DEMO_SEED', default: '1', description: 'Seed of the synthetic demo city.' },
  { name: 'DEMO_SCALE', default: '1', description: 'Size of the synthetic demo city (1 = Almere, about 92,000 addresses).' },
];

/** Thrown when the environment is invalid; lists every problem at once. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Parses and validates the environment; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Env, cwd: string = process.cwd()): AppConfig {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return Number(raw);
  };

  const logLevelRaw = read('LOG_LEVEL') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevelRaw)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevelRaw}")`);
  }

  const dataDir = path.resolve(cwd, read('DATA_DIR') ?? 'data');
  const database = parseDatabase(read, integer, problems, dataDir, cwd);

  const idpIssuer = read('IDP_ISSUER');
  const idpJwksUrl = read('IDP_JWKS_URL');
  if ((idpIssuer === undefined) !== (idpJwksUrl === undefined)) {
    problems.push('IDP_ISSUER and IDP_JWKS_URL must be set together');
  }
  if (idpJwksUrl !== undefined && !/^https?:\/\//.test(idpJwksUrl)) {
    problems.push('IDP_JWKS_URL must be an http(s) URL');
  }
  const demoRaw = read('DEMO');
  if (demoRaw !== undefined && !['on', 'off'].includes(demoRaw)) {
    problems.push(`DEMO must be on or off (got "${demoRaw}")`);
  }

  const config: AppConfig = {
    host: read('HOST') ?? '127.0.0.1',
    port: integer('PORT', 3000, 0, 65535),
    logLevel: logLevelRaw as LogLevel,
    dataDir,
    policiesDir: (() => {
      const dir = read('POLICIES_DIR');
      return dir === undefined ? path.join(projectRoot(), 'policies') : path.resolve(cwd, dir);
    })(),
    database,
    http: {
      bodyLimitBytes: integer('HTTP_BODY_LIMIT_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
      shutdownGraceMs: integer('SHUTDOWN_GRACE_MS', 10_000, 0, 120_000),
    },
    auth: {
      audience: read('AUTH_AUDIENCE') ?? 'urn:straatkubus:gateway',
      idp: idpIssuer !== undefined && idpJwksUrl !== undefined ? { issuer: idpIssuer, jwksUrl: idpJwksUrl } : null,
      clockToleranceSeconds: integer('AUTH_CLOCK_TOLERANCE_S', 30, 0, 300),
    },
    audit: {
      signingKeyFile: (() => {
        const file = read('AUDIT_SIGNING_KEY_FILE');
        return file === undefined ? path.join(dataDir, 'keys', 'audit-checkpoint.pem') : path.resolve(cwd, file);
      })(),
      origin: read('AUDIT_ORIGIN') ?? 'straatkubus-gateway/audit',
      checkpointIntervalSeconds: integer('AUDIT_CHECKPOINT_INTERVAL_S', 300, 1, 86_400),
      sequenceIntervalMs: integer('AUDIT_SEQUENCE_INTERVAL_MS', 200, 10, 60_000),
    },
    ingestion: {
      pseudonymKeyFile: (() => {
        const file = read('PSEUDONYM_KEY_FILE');
        return file === undefined ? path.join(dataDir, 'keys', 'pseudonym.key') : path.resolve(cwd, file);
      })(),
      maxUploadBytes: integer('UPLOAD_MAX_BYTES', 4 * 1024 ** 3, 1024, 64 * 1024 ** 3),
    },
    demo: {
      enabled: demoRaw === undefined ? database.kind === 'pglite' : demoRaw === 'on',
      seed: integer('DEMO_SEED', 1, 0, 2 ** 31 - 1),
      scale: integer('DEMO_SCALE', 1, 1, 100),
    },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function parseDatabase(
  read: (name: string) => string | undefined,
  integer: (name: string, fallback: number, min: number, max: number) => number,
  problems: string[],
  dataDir: string,
  cwd: string,
): DatabaseConfig {
  const url = read('DATABASE_URL');
  const poolSize = integer('DATABASE_POOL_SIZE', 10, 1, 200);
  if (url !== undefined) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !['postgres:', 'postgresql:'].includes(parsed.protocol)) {
      // The URL may hold a password: never echo it.
      problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
    }
    return { kind: 'postgres', url, poolSize };
  }
  const pgliteDir = read('PGLITE_DATA_DIR');
  if (pgliteDir === 'memory://') return { kind: 'pglite', dataDir: 'memory://' };
  return { kind: 'pglite', dataDir: pgliteDir ? path.resolve(cwd, pgliteDir) : path.join(dataDir, 'pglite') };
}
