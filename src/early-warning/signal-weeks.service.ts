import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { Database } from '../database/database.js';
import type { Cell, Constraint } from '../disclosure/cube.js';
import { protectCube } from '../disclosure/protect.js';
import { publicRule } from '../indicators/cube.service.js';
import type { SignalCategory } from '../policies/policy-set.js';
import { PolicyStore } from '../policies/policy-store.js';

/** Weeks shown: the current (partial) ISO week and the seven before it. */
export const SIGNAL_WEEKS = 8;
const PROTECTION_BUDGET_MS = 30_000;
const DEFAULT_K = 10;

export interface WeekCell {
  readonly weekStart: string;
  readonly value: number | null;
  readonly status: 'published' | 'primary' | 'secondary';
  readonly rule: string | null;
}

export interface SignalSeries {
  readonly id: string;
  readonly title: string;
  readonly domain: SignalCategory['domain'];
  readonly k: number;
  readonly released: boolean;
  readonly total: WeekCell;
  readonly weeks: readonly WeekCell[];
}

export interface SignalWeeks {
  readonly area: string;
  readonly weeks: readonly string[];
  readonly categories: readonly SignalSeries[];
}

interface CountRow {
  readonly buurt: string;
  readonly week: string;
  readonly n: number;
}

interface UnitRow {
  readonly code: string;
  readonly level: string;
  readonly parent: string | null;
}

interface ProtectedCells {
  readonly released: boolean;
  readonly cells: Map<string, { value: number | null; status: WeekCell['status']; rule: string | null }>;
}

/**
 * Near-time signal counts per week, protected like every other table: per category one cube of
 * (gemeente, wijken, buurten) × (weeks, all weeks) — crossed, every margin in it — with primary and
 * secondary suppression and the audit over the whole, at the strictest k of the purposes the category
 * may be read for. Every answer is a slice of that one cube (kept per data version), so an answer for
 * a wijk and another for one of its buurten cannot be subtracted to undo each other's suppression.
 * Categories are readable only for the purposes their policy entry lists.
 */
@Injectable()
export class SignalWeeksService {
  /** Per category: the data version protected last, and its cube. */
  private readonly cubes = new Map<string, { version: string; cube: Promise<ProtectedCells> }>();

  constructor(
    private readonly database: Database,
    private readonly store: PolicyStore,
    private readonly clock: Clock,
  ) {}

  /** The categories a purpose may see, and the area's weekly counts of each. */
  async weekly(purpose: string, area: string): Promise<SignalWeeks> {
    const weeks = isoWeeks(this.clock.now(), SIGNAL_WEEKS);
    const categories = this.store.policies.signalCategories.filter((c) => c.readableFor?.includes(purpose));
    if (categories.length === 0) return { area, weeks, categories: [] };
    const rows = await this.database.query<{ category: string; buurt: string; week: string; n: number }>(
      `SELECT category, buurt_code AS buurt, to_char(date_trunc('week', observed_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS week,
              count(*)::int AS n
       FROM signal
       WHERE category = ANY($1::text[]) AND observed_at >= $2::date AND geo_year = (SELECT max(year) FROM geo_unit)
       GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      [categories.map((c) => c.id), weeks[0]],
    );
    const units = await this.database.query<{ code: string; level: string; parent: string | null }>(
      `SELECT code, level, CASE level WHEN 'buurt' THEN wijk_code WHEN 'wijk' THEN gemeente_code END AS parent
       FROM geo_unit WHERE level IN ('gemeente', 'wijk', 'buurt') AND year = (SELECT max(year) FROM geo_unit) ORDER BY code`,
    );
    const series: SignalSeries[] = [];
    for (const category of categories) {
      const k = this.categoryK(category);
      const cube = await this.cube(category.id, rows.filter((r) => r.category === category.id), units, weeks, k);
      const cell = (column: string, weekStart: string): WeekCell => {
        const c = cube.cells.get(`${area}|${column}`);
        if (!c || !cube.released) return { weekStart, value: null, status: 'secondary', rule: null };
        return { weekStart, value: c.value, status: c.status, rule: c.rule };
      };
      series.push({
        id: category.id,
        title: category.title,
        domain: category.domain,
        k,
        released: cube.released,
        total: cell('all', weeks[0]!),
        weeks: weeks.map((w) => cell(w, w)),
      });
    }
    return { area, weeks, categories: series };
  }

  /** The strictest threshold of any purpose that may read the category. */
  private categoryK(category: SignalCategory): number {
    const purposes = this.store.policies.purposes.filter((p) => category.readableFor?.includes(p.id));
    return Math.max(DEFAULT_K, ...purposes.map((p) => p.k));
  }

  /** The category's protected cube for these counts, built once per data version. */
  private cube(category: string, rows: readonly CountRow[], units: readonly UnitRow[], weeks: readonly string[], k: number): Promise<ProtectedCells> {
    const version = createHash('sha256').update(JSON.stringify({ weeks, k, rows, units: units.length })).digest('hex');
    const known = this.cubes.get(category);
    if (known?.version === version) return known.cube;
    const cube = this.protect(rows, units, weeks, k);
    this.cubes.set(category, { version, cube });
    return cube;
  }

  private async protect(
    rows: readonly CountRow[],
    units: readonly UnitRow[],
    weeks: readonly string[],
    k: number,
  ): Promise<ProtectedCells> {
    const columns = [...weeks, 'all'];
    const leafCounts = new Map(rows.map((r) => [`${r.buurt}|${r.week}`, r.n]));
    const children = new Map<string, string[]>();
    for (const u of units) if (u.parent !== null) children.set(u.parent, [...(children.get(u.parent) ?? []), u.code]);
    const values = new Map<string, number>();
    const valueOf = (unit: string, column: string): number => {
      const id = `${unit}|${column}`;
      let v = values.get(id);
      if (v !== undefined) return v;
      const kids = children.get(unit);
      if (kids) v = kids.reduce((s, c) => s + valueOf(c, column), 0);
      else v = column === 'all' ? weeks.reduce((s, w) => s + (leafCounts.get(`${unit}|${w}`) ?? 0), 0) : (leafCounts.get(id) ?? 0);
      values.set(id, v);
      return v;
    };
    const cells: Cell[] = units.flatMap((u) => columns.map((c) => ({ id: `${u.code}|${c}`, value: valueOf(u.code, c) })));
    const constraints: Constraint[] = [
      ...units.map((u) => ({ total: `${u.code}|all`, parts: weeks.map((w) => `${u.code}|${w}`) })),
      ...[...children].flatMap(([parent, kids]) => columns.map((c) => ({ total: `${parent}|${c}`, parts: kids.map((kid) => `${kid}|${c}`) }))),
    ];
    const result = await protectCube(cells, constraints, { k }, { timeBudgetMs: PROTECTION_BUDGET_MS });
    return {
      released: result.released,
      cells: new Map(result.cells.map((c) => [c.id, { value: result.released ? c.value : null, status: c.status, rule: publicRule(c.rule) }])),
    };
  }
}

/** Mondays (UTC, YYYY-MM-DD) of the `count` ISO weeks ending with the one `now` falls in, oldest first. */
export function isoWeeks(now: Date, count: number): string[] {
  const monday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
  return Array.from({ length: count }, (_, n) => {
    const d = new Date(monday);
    d.setUTCDate(d.getUTCDate() - 7 * (count - 1 - n));
    return d.toISOString().slice(0, 10);
  });
}
