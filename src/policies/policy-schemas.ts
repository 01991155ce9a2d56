import { GEOGRAPHY_LEVELS, GRANTS, SIGNAL_DOMAINS } from './policy-set.js';

/**
 * JSON schemas of the policy files. Structure only: references between files (a dataset named in an
 * agreement exists, incompatibleWith is symmetric, …) are checked afterwards by policy-checks.ts.
 * Every kind but datasets is closed (additionalProperties false) so that a misspelt key is an error
 * rather than a silently ignored limit; dataset files carry field definitions owned by ingestion.
 */

const id = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 64 } as const;
const idList = { type: 'array', items: id, uniqueItems: true } as const;
const title = { type: 'string', minLength: 1 } as const;
const level = { type: 'string', enum: [...GEOGRAPHY_LEVELS] } as const;
/** Count threshold: never below 5 (DESIGN.md decision 5). */
const threshold = { type: 'integer', minimum: 5 } as const;
/** `format: date` (ajv-formats) accepts only real calendar dates written YYYY-MM-DD. */
const date = { type: 'string', format: 'date' } as const;

export const organisationSchema = {
  type: 'object',
  required: ['id', 'name'],
  additionalProperties: false,
  properties: { id, name: title },
} as const;

export const roleSchema = {
  type: 'object',
  required: ['id', 'title', 'grants', 'incompatibleWith'],
  additionalProperties: false,
  properties: {
    id,
    title,
    grants: { type: 'array', items: { type: 'string', enum: [...GRANTS] }, uniqueItems: true },
    incompatibleWith: idList,
  },
} as const;

export const purposeSchema = {
  type: 'object',
  required: ['id', 'title', 'legalBasis', 'finestLevel'],
  additionalProperties: false,
  properties: { id, title, legalBasis: title, finestLevel: level, k: threshold },
} as const;

export const datasetSchema = {
  type: 'object',
  required: ['id', 'title', 'supplier'],
  additionalProperties: true,
  properties: { id, title, supplier: id },
} as const;

export const agreementSchema = {
  type: 'object',
  required: ['id', 'title', 'partner', 'datasets', 'purposes', 'validFrom', 'validTo', 'retentionMonths'],
  additionalProperties: false,
  properties: {
    id,
    title,
    partner: id,
    datasets: { ...idList, minItems: 1 },
    purposes: { ...idList, minItems: 1 },
    validFrom: date,
    validTo: { type: ['string', 'null'], format: 'date' },
    retentionMonths: { type: 'integer', minimum: 1, maximum: 240 },
    finestLevel: level,
    k: threshold,
  },
} as const;

/** Public JWK members are checked in code (policy-checks.ts) so that a private key gets a clear message. */
const jwk = {
  type: 'object',
  required: ['kty'],
  properties: { kty: { type: 'string', enum: ['RSA', 'EC', 'OKP', 'oct'] }, kid: { type: 'string', minLength: 1 } },
} as const;

export const clientSchema = {
  type: 'object',
  required: ['id', 'title', 'organisation', 'roles', 'keys'],
  additionalProperties: false,
  properties: {
    id,
    title,
    organisation: id,
    roles: { ...idList, minItems: 1 },
    keys: { type: 'array', items: jwk },
  },
} as const;

export const signalCategorySchema = {
  type: 'object',
  required: ['id', 'title', 'domain'],
  additionalProperties: false,
  properties: { id, title, domain: { type: 'string', enum: [...SIGNAL_DOMAINS] }, readableFor: idList },
} as const;
