import type { Cell, Constraint } from '../disclosure/cube.js';
import type { AggregateRow } from './aggregation-sql.js';
import type { IndicatorSpec } from './indicator-spec.js';

/** The cell id of an aggregated row: the unit, and its breakdown category when it has one. */
export function cellId(row: Pick<AggregateRow, 'code' | 'category'>): string {
  return row.category ? `${row.code}|${row.category}` : row.code;
}

/**
 * The aggregated rows as the disclosure layer sees them: one cell per row (a rate cell carries its
 * denominator, an amount its largest contributions) and every additivity that holds between them —
 * each unit is the sum of its children, per breakdown category too, and a unit with a breakdown is
 * the sum of its categories. The service, the benchmark and the tests build the model here, alike.
 */
export function cubeModel(spec: IndicatorSpec, rows: readonly AggregateRow[]): { cells: Cell[]; constraints: Constraint[] } {
  const rate = spec.population !== undefined;
  const magnitude = spec.measure !== undefined;
  const cells: Cell[] = rows.map((r) => ({
    id: cellId(r),
    value: r.n,
    ...(rate && { denominator: r.d }),
    ...(magnitude && { contributions: r.top ?? [], contributors: r.contributors ?? 0 }),
  }));
  const parts = new Map<string, string[]>();
  const add = (total: string, part: string): void => {
    const list = parts.get(total);
    if (list) list.push(part);
    else parts.set(total, [part]);
  };
  for (const r of rows) {
    if (r.parent !== null) add(cellId({ code: r.parent, category: r.category ?? null }), cellId(r));
  }
  const constraints: Constraint[] = [...parts].map(([total, list]) => ({ total, parts: list }));
  // A unit is the sum of its categories: a second decomposition next to the one into children.
  const categories = new Map<string, string[]>();
  for (const r of rows) if (r.category) categories.set(r.code, [...(categories.get(r.code) ?? []), cellId(r)]);
  for (const [unit, list] of categories) constraints.push({ total: unit, parts: list });
  return { cells, constraints };
}
