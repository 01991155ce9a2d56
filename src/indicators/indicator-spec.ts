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

export interface BreakdownCategory {
  readonly id: string;
  readonly title: string;
  /** Inclusive range of the field; open-ended when absent. */
  readonly min?: number;
  readonly max?: number;
}

export interface Breakdown {
  readonly id: string;
  readonly title: string;
  /** A whole-number attribute of the population dataset (e.g. geboortejaar). */
  readonly field: string;
  /** The finest level that gets the categories (the totals go down to pc6 regardless). */
  readonly finestLevel: 'buurt' | 'wijk' | 'gemeente';
  readonly categories: readonly BreakdownCategory[];
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
  /** Categories of the population (age bands) that add up to each unit's total, down to `finestLevel`. */
  readonly breakdown?: Breakdown;
  /** Every dataset the indicator reads: purpose binding checks each one. */
  readonly datasets: readonly string[];
}

const UNITS: readonly IndicatorUnit[] = ['count', 'percentage', 'per100', 'euro'];
const LINKS: readonly Link[] = ['subject', 'address', 'none'];
const KEYS = new Set(['id', 'title', 'description', 'unit', 'population', 'numerator', 'measure', 'breakdown']);

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

  const breakdown = compileBreakdown(raw.breakdown, population, popSpec, count, problems);

  if (problems.length > 0 || !numerator) return { problems };
  const spec: IndicatorSpec = {
    id: raw.id as string,
    title: raw.title as string,
    description: typeof raw.description === 'string' ? raw.description : '',
    unit: raw.unit as IndicatorUnit,
    ...(population && { population: { ...population, count: count as 'persons' | 'households' } }),
    numerator: { ...numerator, link, populationWhere },
    ...(measure && { measure }),
    ...(breakdown && { breakdown }),
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

const BREAKDOWN_LEVELS = ['buurt', 'wijk', 'gemeente'] as const;

/**
 * A breakdown must partition the population: whole-number ranges of one attribute, in order, without
 * gaps or overlaps, covering exactly the population's own range of that attribute — otherwise the
 * categories would not add up to the total and the cube's additivity (and its protection) would break.
 */
function compileBreakdown(
  value: unknown,
  population: RecordSelection | undefined,
  dataset: DatasetSpec | undefined,
  count: unknown,
  problems: string[],
): Breakdown | undefined {
  if (value === undefined) return undefined;
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const before = problems.length;
  if (!population || count !== 'persons') problems.push('breakdown: needs a population counted in persons');
  if (typeof v.id !== 'string' || !/^[a-z0-9][a-z0-9-]{0,40}$/.test(v.id)) problems.push('breakdown.id: lower-case letters, digits and -');
  if (typeof v.title !== 'string' || v.title === '') problems.push('breakdown.title: required');
  const field = dataset?.attributes.find((f) => f.name === v.field);
  if (!field || field.type !== 'integer') problems.push('breakdown.field: a whole-number attribute of the population dataset');
  const finestLevel = v.finestLevel ?? 'buurt';
  if (!(BREAKDOWN_LEVELS as readonly unknown[]).includes(finestLevel)) problems.push(`breakdown.finestLevel: one of ${BREAKDOWN_LEVELS.join(', ')}`);
  const raw = Array.isArray(v.categories) ? (v.categories as Record<string, unknown>[]) : [];
  if (raw.length < 2) problems.push('breakdown.categories: at least two');
  const categories: BreakdownCategory[] = raw.map((c, i) => {
    if (typeof c?.id !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9+-]{0,20}$/.test(c.id)) problems.push(`breakdown.categories[${i}].id: letters, digits, + and -`);
    if (typeof c?.title !== 'string' || c.title === '') problems.push(`breakdown.categories[${i}].title: required`);
    for (const bound of ['min', 'max'] as const) {
      if (c?.[bound] !== undefined && !Number.isInteger(c[bound])) problems.push(`breakdown.categories[${i}].${bound}: a whole number`);
    }
    return { id: String(c?.id), title: String(c?.title), ...(c?.min !== undefined && { min: c.min as number }), ...(c?.max !== undefined && { max: c.max as number }) };
  });
  if (new Set(categories.map((c) => c.id)).size !== categories.length) problems.push('breakdown.categories: ids must be unique');
  const range = population?.where[String(v.field)];
  const lower = range && 'min' in range ? range.min : undefined;
  const upper = range && 'max' in range ? range.max : undefined;
  if (categories.length >= 2 && problems.length === before) {
    if (categories[0]!.min !== lower) problems.push(`breakdown.categories[0].min: must be ${lower ?? 'absent'}, where the population starts`);
    if (categories.at(-1)!.max !== upper) problems.push(`breakdown.categories[${categories.length - 1}].max: must be ${upper ?? 'absent'}, where the population ends`);
    categories.slice(1).forEach((c, i) => {
      const previous = categories[i]!;
      if (previous.max === undefined || c.min !== previous.max + 1) problems.push(`breakdown.categories[${i + 1}].min: must follow the previous category's max without gap or overlap`);
    });
  }
  if (problems.length > before) return undefined;
  return { id: v.id as string, title: v.title as string, field: field!.name, finestLevel: finestLevel as Breakdown['finestLevel'], categories };
}
