import type { DatasetSpec } from '../ingestion/dataset-spec.js';

/**
 * An indicator of the catalogue (`policies/indicators/*.yaml`): what is counted (the numerator), among
 * whom (the population, which also says where everyone lives), and how it is shown. Analysts choose
 * from these; there are no free queries (DESIGN decision 2).
 */
export type IndicatorUnit = 'count' | 'percentage' | 'per100' | 'euro';
export type Link = 'subject' | 'address' | 'none';

export type Condition = { readonly in: readonly string[] } | { readonly min?: number; readonly max?: number };

export interface RecordSelection {
  readonly dataset: string;
  readonly where: Readonly<Record<string, Condition>>;
}

export interface IndicatorSpec {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly unit: IndicatorUnit;
  /** Absent for plain counts of located records (incidents at an address). */
  readonly population?: RecordSelection & { readonly count: 'persons' | 'households' };
  readonly numerator: RecordSelection & {
    readonly link: Link;
    /** Further conditions on the population members counted in the numerator. */
    readonly populationWhere: Readonly<Record<string, Condition>>;
  };
  /**
   * A magnitude indicator sums an amount field (declared `magnitude: true`) of the numerator's records,
   * one contribution per household or person; protected by the p% rule and a minimum of contributors.
   */
  readonly measure?: { readonly field: string; readonly per: 'household' | 'person' };
  /** Every dataset the indicator reads: purpose binding checks each one. */
  readonly datasets: readonly string[];
}

const UNITS: readonly IndicatorUnit[] = ['count', 'percentage', 'per100', 'euro'];
const LINKS: readonly Link[] = ['subject', 'address', 'none'];
const KEYS = new Set(['id', 'title', 'description', 'unit', 'population', 'numerator', 'measure']);

/** Checks an indicator file against the datasets it names; every problem as `field: reason`. */
export function compileIndicator(raw: Record<string, unknown>, datasets: (id: string) => DatasetSpec | undefined): { spec?: IndicatorSpec; problems: string[] } {
  const problems: string[] = [];
  for (const key of Object.keys(raw)) if (!KEYS.has(key)) problems.push(`${key}: unknown property`);
  if (typeof raw.id !== 'string' || !/^[a-z0-9][a-z0-9-]{0,80}$/.test(raw.id)) problems.push('id: lower-case letters, digits and -');
  if (typeof raw.title !== 'string' || raw.title === '') problems.push('title: required');
  if (!UNITS.includes(raw.unit as IndicatorUnit)) problems.push(`unit: one of ${UNITS.join(', ')}`);

  const population = raw.population === undefined ? undefined : selection('population', raw.population, datasets, problems);
  const count = (raw.population as Record<string, unknown> | undefined)?.count ?? 'persons';
  if (population && count !== 'persons' && count !== 'households') problems.push('population.count: persons or households');
  const numeratorRaw = (raw.numerator ?? {}) as Record<string, unknown>;
  const numerator = selection('numerator', raw.numerator, datasets, problems);
  const link = (numeratorRaw.link ?? 'none') as Link;
  if (!LINKS.includes(link)) problems.push(`numerator.link: one of ${LINKS.join(', ')}`);
  const populationWhere = conditions('numerator.populationWhere', numeratorRaw.populationWhere, population ? datasets(population.dataset) : undefined, problems);

  if ((raw.unit === 'percentage' || raw.unit === 'per100') && !population) problems.push('population: a rate needs a population');
  if (population && link === 'none') problems.push('numerator.link: with a population, link by subject or address');
  if (!population && link !== 'none') problems.push('numerator.link: without a population, the records are located by their own address (none)');
  const popSpec = population && datasets(population.dataset);
  const numSpec = numerator && datasets(numerator.dataset);
  if (link === 'subject' && (!popSpec?.subject || !numSpec?.subject)) problems.push('numerator.link: subject needs a person identifier in both datasets');
  if (link === 'address' && (!popSpec?.address || !numSpec?.address)) problems.push('numerator.link: address needs addresses in both datasets');
  if (link === 'none' && numSpec && !numSpec.address) problems.push('numerator.dataset: records counted on their own need an address');
  if (population && count === 'households' && popSpec && !popSpec.address) problems.push('population.count: households need addresses');

  const measure = compileMeasure(raw.measure, numSpec, problems);
  if ((raw.unit === 'euro') !== (measure !== undefined)) problems.push('measure: an amount in euro needs a measure, and only it');
  if (measure && population) problems.push('measure: a magnitude indicator sums records located at their own address; it has no population');

  if (problems.length > 0 || !numerator) return { problems };
  const spec: IndicatorSpec = {
    id: raw.id as string,
    title: raw.title as string,
    description: typeof raw.description === 'string' ? raw.description : '',
    unit: raw.unit as IndicatorUnit,
    ...(population && { population: { ...population, count: count as 'persons' | 'households' } }),
    numerator: { ...numerator, link, populationWhere },
    ...(measure && { measure }),
    datasets: [...new Set([population?.dataset, numerator.dataset].filter((d): d is string => d !== undefined))],
  };
  return { spec, problems };
}

function selection(path: string, value: unknown, datasets: (id: string) => DatasetSpec | undefined, problems: string[]): RecordSelection | undefined {
  if (typeof value !== 'object' || value === null) {
    problems.push(`${path}: required`);
    return undefined;
  }
  const v = value as Record<string, unknown>;
  const spec = typeof v.dataset === 'string' ? datasets(v.dataset) : undefined;
  if (!spec) {
    problems.push(`${path}.dataset: not a declared dataset`);
    return undefined;
  }
  return { dataset: spec.id, where: conditions(`${path}.where`, v.where, spec, problems) };
}

function conditions(path: string, value: unknown, dataset: DatasetSpec | undefined, problems: string[]): Record<string, Condition> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || !dataset) {
    problems.push(`${path}: must map fields of the dataset to conditions`);
    return {};
  }
  const out: Record<string, Condition> = {};
  for (const [field, condition] of Object.entries(value as Record<string, unknown>)) {
    const declared = dataset.attributes.find((f) => f.name === field);
    if (!declared) {
      problems.push(`${path}.${field}: not an attribute of ${dataset.id}`);
      continue;
    }
    const c = condition as Record<string, unknown>;
    if (Array.isArray(c?.in) && c.in.every((x) => typeof x === 'string')) {
      const bad = declared.enum ? (c.in).filter((x) => !declared.enum!.includes(x)) : [];
      if (bad.length > 0) problems.push(`${path}.${field}.in: ${bad.join(', ')} not allowed by the dataset`);
      out[field] = { in: c.in };
    } else if (typeof c === 'object' && c !== null && (typeof c.min === 'number' || typeof c.max === 'number')) {
      if (declared.type !== 'integer' && declared.type !== 'number') problems.push(`${path}.${field}: min/max need a number field`);
      out[field] = { ...(typeof c.min === 'number' && { min: c.min }), ...(typeof c.max === 'number' && { max: c.max }) };
    } else {
      problems.push(`${path}.${field}: use { in: [...] } or { min, max }`);
    }
  }
  return out;
}

function compileMeasure(value: unknown, dataset: DatasetSpec | undefined, problems: string[]): IndicatorSpec['measure'] {
  if (value === undefined) return undefined;
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const field = dataset?.attributes.find((f) => f.name === v.field);
  if (!field || !field.magnitude) problems.push('measure.field: an attribute of the numerator dataset declared magnitude: true');
  const per = v.per ?? 'household';
  if (per !== 'household' && per !== 'person') problems.push('measure.per: household or person');
  if (per === 'household' && dataset && !dataset.address) problems.push('measure.per: households need addresses');
  if (per === 'person' && dataset && !dataset.subject) problems.push('measure.per: persons need a person identifier');
  return field?.magnitude ? { field: field.name, per: per as 'household' | 'person' } : undefined;
}
