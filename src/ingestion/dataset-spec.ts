import type { DatasetDefinition } from '../policies/policy-set.js';

/**
 * A dataset as ingestion uses it, compiled from its declaration in `policies/datasets/*.yaml`.
 * Adding a dataset is adding a file: the field list, the person identifier, the address fields and the
 * reference period are all data.
 */
export const FIELD_TYPES = ['bsn', 'postcode', 'integer', 'number', 'string', 'date', 'boolean'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];
export const UNITS = ['person', 'household', 'address', 'event'] as const;
export const PERIODS = ['month', 'quarter', 'year'] as const;
export type PeriodKind = (typeof PERIODS)[number];

export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  readonly required: boolean;
  readonly enum?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: RegExp;
  readonly maxLength: number;
  /** An amount (arrears, debt): published only under the p% rule. */
  readonly magnitude: boolean;
}

export interface DatasetSpec {
  readonly id: string;
  readonly supplier: string;
  readonly unit: (typeof UNITS)[number];
  readonly period: PeriodKind;
  /** The field holding the BSN, pseudonymised before storage. */
  readonly subject?: string;
  readonly address?: { readonly postcode: string; readonly huisnummer: string; readonly toevoeging?: string };
  /** The field holding the event date, for event datasets. */
  readonly date?: string;
  readonly fields: readonly FieldSpec[];
  /** Fields kept as attributes: everything but the BSN and the address. */
  readonly attributes: readonly FieldSpec[];
}

/** Compiles a declaration; returns every problem as `field: reason`. */
export function compileDataset(definition: DatasetDefinition): { spec?: DatasetSpec; problems: string[] } {
  const problems: string[] = [];
  const raw = definition as Record<string, unknown>;
  const unit = raw.unit;
  const period = raw.period;
  if (!(UNITS as readonly unknown[]).includes(unit)) problems.push(`unit: must be one of ${UNITS.join(', ')}`);
  if (!(PERIODS as readonly unknown[]).includes(period)) problems.push(`period: must be one of ${PERIODS.join(', ')}`);
  const fieldsRaw = raw.fields;
  const fields: FieldSpec[] = [];
  if (typeof fieldsRaw !== 'object' || fieldsRaw === null || Array.isArray(fieldsRaw) || Object.keys(fieldsRaw).length === 0) {
    problems.push('fields: must map field names to their declarations');
  } else {
    for (const [name, value] of Object.entries(fieldsRaw as Record<string, unknown>)) {
      const field = compileField(name, value, problems);
      if (field) fields.push(field);
    }
  }
  const byName = new Map(fields.map((f) => [f.name, f]));
  const refer = (path: string, name: unknown, type?: FieldType): string | undefined => {
    if (name === undefined) return undefined;
    const field = typeof name === 'string' ? byName.get(name) : undefined;
    if (!field) problems.push(`${path}: names no declared field`);
    else if (type && field.type !== type) problems.push(`${path}: field ${field.name} must have type ${type}`);
    return field?.name;
  };
  const subject = refer('subject', raw.subject, 'bsn');
  for (const f of fields) if (f.type === 'bsn' && f.name !== subject) problems.push(`fields.${f.name}: a bsn field must be the subject`);
  let address: DatasetSpec['address'];
  if (raw.address !== undefined) {
    const a = raw.address as Record<string, unknown>;
    const postcode = refer('address.postcode', a.postcode, 'postcode');
    const huisnummer = refer('address.huisnummer', a.huisnummer, 'integer');
    const toevoeging = refer('address.toevoeging', a.toevoeging, 'string');
    if (postcode && huisnummer) address = { postcode, huisnummer, ...(toevoeging && { toevoeging }) };
    if (a.postcode === undefined || a.huisnummer === undefined) problems.push('address: needs postcode and huisnummer');
  }
  const date = refer('date', raw.date, 'date');
  if (unit === 'event' && !date) problems.push('date: an event dataset needs a date field');
  if (!subject && !address) problems.push('subject/address: a dataset needs a person identifier or an address');
  if (problems.length > 0) return { problems };
  const hidden = new Set([subject, address?.postcode, address?.huisnummer, address?.toevoeging]);
  return {
    problems,
    spec: {
      id: definition.id,
      supplier: definition.supplier,
      unit: unit as DatasetSpec['unit'],
      period: period as PeriodKind,
      ...(subject && { subject }),
      ...(address && { address }),
      ...(date && { date }),
      fields,
      attributes: fields.filter((f) => !hidden.has(f.name)),
    },
  };
}

const FIELD_KEYS = new Set(['type', 'required', 'enum', 'min', 'max', 'pattern', 'maxLength', 'magnitude', 'description']);

function compileField(name: string, value: unknown, problems: string[]): FieldSpec | undefined {
  const at = `fields.${name}`;
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) problems.push(`${at}: field names are lower-case letters, digits and _`);
  if (typeof value !== 'object' || value === null) {
    problems.push(`${at}: must be an object with at least a type`);
    return undefined;
  }
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) if (!FIELD_KEYS.has(key)) problems.push(`${at}.${key}: unknown property`);
  if (!(FIELD_TYPES as readonly unknown[]).includes(v.type)) {
    problems.push(`${at}.type: must be one of ${FIELD_TYPES.join(', ')}`);
    return undefined;
  }
  const numberOrUndefined = (key: 'min' | 'max'): number | undefined => {
    if (v[key] === undefined) return undefined;
    if (typeof v[key] !== 'number') problems.push(`${at}.${key}: must be a number`);
    return typeof v[key] === 'number' ? v[key] : undefined;
  };
  let pattern: RegExp | undefined;
  if (v.pattern !== undefined) {
    try {
      if (typeof v.pattern !== 'string') throw new TypeError('pattern');
      pattern = new RegExp(v.pattern, 'u');
    } catch {
      problems.push(`${at}.pattern: is not a valid regular expression`);
    }
  }
  if (v.enum !== undefined && (!Array.isArray(v.enum) || v.enum.length === 0 || !v.enum.every((e) => typeof e === 'string'))) {
    problems.push(`${at}.enum: must be a non-empty list of strings`);
  }
  const min = numberOrUndefined('min');
  const max = numberOrUndefined('max');
  return {
    name,
    type: v.type as FieldType,
    required: v.required === true,
    ...(Array.isArray(v.enum) && { enum: v.enum as string[] }),
    ...(min !== undefined && { min }),
    ...(max !== undefined && { max }),
    ...(pattern && { pattern }),
    maxLength: typeof v.maxLength === 'number' ? v.maxLength : 200,
    magnitude: v.magnitude === true,
  };
}

/** Whether `period` is a well-formed reference period of the dataset's kind (2026-10, 2026-Q3, 2026). */
export function periodProblem(kind: PeriodKind, period: string): string | undefined {
  const patterns: Record<PeriodKind, RegExp> = {
    month: /^20\d{2}-(0[1-9]|1[0-2])$/,
    quarter: /^20\d{2}-Q[1-4]$/,
    year: /^20\d{2}$/,
  };
  const examples: Record<PeriodKind, string> = { month: '2026-10', quarter: '2026-Q3', year: '2026' };
  return patterns[kind].test(period) ? undefined : `this dataset is delivered per ${kind}: use a period like ${examples[kind]}`;
}
