/**
 * The policies as the gateway holds them after loading and checking `policies/`. Plain data: the CASL
 * ability factory and every check read these types, never the YAML.
 */

/** Published geography levels, finest first. `address` is never published. */
export const GEOGRAPHY_LEVELS = ['pc6', 'street', 'buurt', 'wijk', 'gemeente'] as const;
export type GeographyLevel = (typeof GEOGRAPHY_LEVELS)[number];

/** Rank of a level: 0 = finest (pc6) … 4 = gemeente. "No finer than X" means rank >= rank(X). */
export function levelRank(level: GeographyLevel): number {
  return GEOGRAPHY_LEVELS.indexOf(level);
}

/** What a role lets its holder do; the ability factory turns grants into CASL rules. */
export const GRANTS = [
  'supply-data', // partner: upload, list, correct and withdraw its own batches of datasets it supplies
  'report-signals', // frontline partner: post near-time signals
  'read-aggregates', // analyst: protected extracts and early warning for a declared purpose
  'read-audit', // privacy officer: the audit log, its proofs, exports and reports
  'manage-clients', // administrator: clients, keys and agreements (no data, no audit content)
] as const;
export type Grant = (typeof GRANTS)[number];

export interface Organisation {
  readonly id: string;
  readonly name: string;
}

export interface RoleDefinition {
  readonly id: string;
  readonly title: string;
  readonly grants: readonly Grant[];
  /** Roles that may not be combined with this one in one token (separation of duties); symmetric. */
  readonly incompatibleWith: readonly string[];
}

export interface Purpose {
  readonly id: string;
  readonly title: string;
  readonly legalBasis: string;
  readonly finestLevel: GeographyLevel;
  /** Minimum count threshold for this purpose (>= 5; default 10). */
  readonly k: number;
}

export interface DatasetDefinition {
  readonly id: string;
  readonly title: string;
  /** Organisation id of the supplier. */
  readonly supplier: string;
  /** The rest of the dataset file (fields, keys, …), checked by ingestion. */
  readonly [key: string]: unknown;
}

export interface Agreement {
  readonly id: string;
  readonly title: string;
  /** Organisation id of the partner that supplies data under this agreement. */
  readonly partner: string;
  readonly datasets: readonly string[];
  readonly purposes: readonly string[];
  /** Inclusive ISO dates (YYYY-MM-DD); `validTo` null means open-ended. */
  readonly validFrom: string;
  readonly validTo: string | null;
  /** How long records under this agreement are kept, in months. */
  readonly retentionMonths: number;
  /** Optional further limits: the coarser level and the larger k of agreement and purpose apply. */
  readonly finestLevel?: GeographyLevel;
  readonly k?: number;
}

export interface ClientDefinition {
  readonly id: string;
  readonly title: string;
  readonly organisation: string;
  readonly roles: readonly string[];
  /** Public JWKs registered in the policy file (more can be registered in the database). */
  readonly keys: readonly Record<string, unknown>[];
}

/** Domains of the signal taxonomy: the physical environment, residents' wellbeing, safety. */
export const SIGNAL_DOMAINS = ['fysiek', 'sociaal', 'veiligheid'] as const;
export type SignalDomain = (typeof SIGNAL_DOMAINS)[number];

/** A category of near-time signal (policies/signal-categories.yaml): what was observed, never who. */
export interface SignalCategory {
  readonly id: string;
  readonly title: string;
  readonly domain: SignalDomain;
  /** Purposes for which weekly counts of this category may be read, protected (default: none). */
  readonly readableFor?: readonly string[];
}

export interface PolicySet {
  readonly organisations: readonly Organisation[];
  readonly roles: readonly RoleDefinition[];
  readonly purposes: readonly Purpose[];
  readonly datasets: readonly DatasetDefinition[];
  readonly agreements: readonly Agreement[];
  readonly clients: readonly ClientDefinition[];
  readonly signalCategories: readonly SignalCategory[];
  /** SHA-256 (hex) over the policy files in force, recorded with every decision. */
  readonly hash: string;
}
