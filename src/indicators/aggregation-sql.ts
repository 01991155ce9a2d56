import type { Breakdown, Condition, IndicatorSpec } from './indicator-spec.js';

export interface AggregationQuery {
  readonly sql: string;
  readonly params: unknown[];
}

/**
 * One aggregated unit: level, code, parent, numerator and (for rates) denominator. For a magnitude
 * indicator `n` is the total amount (whole euros), `contributors` the number of households or persons
 * with a non-zero amount and `top` their two largest amounts, largest first (the p% rule needs no more).
 */
export interface AggregateRow {
  readonly level: 'gemeente' | 'wijk' | 'buurt' | 'street' | 'pc6';
  readonly code: string;
  readonly parent: string | null;
  readonly n: number;
  readonly d: number;
  readonly contributors?: number;
  readonly top?: number[] | null;
  /** The breakdown category of the row; absent or null for the unit's total. */
  readonly category?: string | null;
}

/** The stored batches each dataset contributes to one period of a cube. */
export type BatchSelection = Readonly<Record<string, readonly string[]>>;

/**
 * The SQL that aggregates an indicator for every geography level at once: records are joined in the
 * database (by pseudonym or address pseudonym), located at their pc6 unit, and rolled up the strictly
 * nested hierarchy with ROLLUP — no per-record work in TypeScript. Every pc6 unit of the geography
 * year appears, zeros included, so the cube's additivity holds exactly.
 */
export function aggregationSql(spec: IndicatorSpec, year: number, batches: BatchSelection): AggregationQuery {
  const params: unknown[] = [];
  const bind = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const latest = (alias: string, dataset: string): string => `${alias}.id = ANY(${bind([...(batches[dataset] ?? [])])}::uuid[])`;
  const where = (alias: string, conditions: Readonly<Record<string, Condition>>): string =>
    Object.entries(conditions)
      .map(([field, c]) => {
        const value = `(${alias}.attributes->>${bind(field)})`;
        if ('in' in c) return `${value} = ANY(${bind([...c.in])}::text[])`;
        const parts: string[] = [];
        if (c.min !== undefined) parts.push(`${value}::numeric >= ${bind(c.min)}`);
        if (c.max !== undefined) parts.push(`${value}::numeric <= ${bind(c.max)}`);
        return parts.join(' AND ');
      })
      .map((s) => ` AND ${s}`)
      .join('');

  const { numerator, population, measure } = spec;
  let base: string;
  if (measure) {
    // One contribution per household (address) or person: what the p% rule protects.
    const who = measure.per === 'household' ? 'r.address_ref' : 'r.subject';
    base = `SELECT min(r.pc6_unit) AS pc6, 0 AS d, sum(round((r.attributes->>${bind(measure.field)})::numeric))::bigint AS n
            FROM record r JOIN batch b ON b.id = r.batch_id
            WHERE ${latest('b', numerator.dataset)}${where('r', numerator.where)} GROUP BY ${who}`;
  } else if (!population) {
    base = `SELECT r.pc6_unit AS pc6, 0 AS d, 1 AS n FROM record r JOIN batch b ON b.id = r.batch_id
            WHERE ${latest('b', numerator.dataset)}${where('r', numerator.where)}`;
  } else {
    const key = numerator.link === 'address' ? 'address_ref' : 'subject';
    const pop = `SELECT r.subject, r.address_ref, r.pc6_unit, r.attributes FROM record r JOIN batch b ON b.id = r.batch_id
                 WHERE ${latest('b', population.dataset)}${where('r', population.where)}`;
    const num = `SELECT DISTINCT r.${key} AS k FROM record r JOIN batch b ON b.id = r.batch_id
                 WHERE ${latest('b', numerator.dataset)}${where('r', numerator.where)}`;
    const counted = `CASE WHEN num.k IS NOT NULL${where('pop', numerator.populationWhere)} THEN 1 ELSE 0 END`;
    base =
      population.count === 'persons'
        ? `SELECT pop.pc6_unit AS pc6, 1 AS d, ${counted} AS n${spec.breakdown ? `, ${categoryOf(spec.breakdown, bind)} AS category` : ''}
           FROM (${pop}) pop LEFT JOIN (${num}) num ON num.k = pop.${key}`
        : `SELECT min(pop.pc6_unit) AS pc6, 1 AS d, max(${counted}) AS n FROM (${pop}) pop
           LEFT JOIN (${num}) num ON num.k = pop.${key} GROUP BY pop.address_ref`;
  }
  const amounts = measure
    ? `, count(*) FILTER (WHERE u.n > 0)::int AS contributors,
       (array_agg(u.n::float8 ORDER BY u.n DESC) FILTER (WHERE u.n > 0))[1:2] AS top`
    : '';
  const y = bind(year);
  // Counts and rates are summed per pc6 first (a hash aggregate over the records), so the rollup sorts
  // pc6 units, not people; with a breakdown, per category too. Magnitudes keep their contributions
  // (the p% rule needs the largest), one row per household or person. The base is materialised: each
  // record's attributes are read once, not once per category.
  const categories = (spec.breakdown?.categories ?? []).map((c, i) => ({ i, id: bind(c.id) }));
  const units = measure
    ? 'base'
    : `(SELECT base.pc6, sum(base.d) AS d, sum(base.n) AS n${categories
        .map(({ i, id }) => `, sum(base.n) FILTER (WHERE base.category = ${id}) AS n${i}, sum(base.d) FILTER (WHERE base.category = ${id}) AS d${i}`)
        .join('')}
       FROM base GROUP BY base.pc6)`;
  const perCategory = (column: 'n' | 'd'): string => `ARRAY[${categories.map(({ i }) => `coalesce(sum(u.${column}${i}), 0)`).join(', ')}]::int[]`;
  const categoryArrays = categories.length > 0 ? `, ${perCategory('n')} AS ns, ${perCategory('d')} AS ds` : '';
  const sql = `
    WITH base AS MATERIALIZED (${base}),
    rolled AS (
      SELECT g.gemeente_code, g.wijk_code, g.buurt_code, g.street_code, g.code,
             GROUPING(g.gemeente_code, g.wijk_code, g.buurt_code, g.street_code, g.code) AS grp,
             coalesce(sum(u.d), 0)::int AS d, coalesce(sum(u.n), 0)::${measure ? 'float8' : 'int'} AS n${amounts}${categoryArrays}
      FROM geo_unit g LEFT JOIN ${units} u ON u.pc6 = g.code
      WHERE g.year = ${y} AND g.level = 'pc6'
      GROUP BY ROLLUP (g.gemeente_code, g.wijk_code, g.buurt_code, g.street_code, g.code)
    )
    SELECT CASE grp WHEN 0 THEN 'pc6' WHEN 1 THEN 'street' WHEN 3 THEN 'buurt' WHEN 7 THEN 'wijk' ELSE 'gemeente' END AS level,
           CASE grp WHEN 0 THEN code WHEN 1 THEN street_code WHEN 3 THEN buurt_code WHEN 7 THEN wijk_code ELSE gemeente_code END AS code,
           CASE grp WHEN 0 THEN street_code WHEN 1 THEN buurt_code WHEN 3 THEN wijk_code WHEN 7 THEN gemeente_code ELSE NULL END AS parent,
           n, d${measure ? ', contributors, top' : ''}${spec.breakdown ? ', NULL::text AS category' : ''}
    FROM rolled WHERE grp < 31${spec.breakdown ? categoryRows(spec.breakdown, categories.map((c) => c.id)) : ''}`;
  return { sql, params };
}

/** The category of a population member, by the breakdown's ranges (they partition the population). */
function categoryOf(breakdown: Breakdown, bind: (value: unknown) => string): string {
  const value = `(pop.attributes->>${bind(breakdown.field)})::numeric`;
  const arms = breakdown.categories.map((c) => {
    const tests = [c.min !== undefined && `${value} >= ${bind(c.min)}`, c.max !== undefined && `${value} <= ${bind(c.max)}`].filter(Boolean);
    return `WHEN ${tests.length > 0 ? tests.join(' AND ') : 'true'} THEN ${bind(c.id)}`;
  });
  return `CASE ${arms.join(' ')} END`;
}

/**
 * Every category of every unit from the gemeente down to the breakdown's finest level, zeros included:
 * the per-category arrays of the same rollup as the totals, one row per category (the arrays unnest
 * in step).
 */
/** `ids`: the bound parameters of the category ids, in the breakdown's order. */
function categoryRows(breakdown: Breakdown, ids: readonly string[]): string {
  // ROLLUP groupings: 3 buurt, 7 wijk, 15 gemeente.
  const finest = { buurt: 3, wijk: 7, gemeente: 15 }[breakdown.finestLevel];
  return `
    UNION ALL
    SELECT CASE grp WHEN 3 THEN 'buurt' WHEN 7 THEN 'wijk' ELSE 'gemeente' END,
           CASE grp WHEN 3 THEN buurt_code WHEN 7 THEN wijk_code ELSE gemeente_code END,
           CASE grp WHEN 3 THEN wijk_code WHEN 7 THEN gemeente_code ELSE NULL END,
           unnest(ns), unnest(ds), unnest(ARRAY[${ids.join(', ')}]::text[])
    FROM rolled
    WHERE grp IN (3, 7, 15) AND grp >= ${finest}`;
}
