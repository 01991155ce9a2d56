import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import type { AggregateRow, AggregationQuery } from './aggregation-sql.js';

export interface ProtectedCell {
  readonly unit: string;
  /** The breakdown category (e.g. an age band); null for the unit's total. */
  readonly category: string | null;
  readonly level: AggregateRow['level'];
  readonly parent: string | null;
  /** Null when suppressed: the value of a suppressed cell is never stored. */
  readonly value: number | null;
  readonly denominator: number | null;
  readonly status: 'published' | 'primary' | 'secondary';
  readonly rule: string | null;
}

export interface StoredCube {
  readonly id: string;
  readonly indicator: string;
  readonly period: string;
  readonly dataVersion: string;
  readonly geographyYear: number;
  readonly k: number;
  readonly builtAt: string;
  readonly released: boolean;
  readonly reason: string | null;
  readonly summary: Record<string, number | boolean>;
  readonly cells: readonly ProtectedCell[];
}

/** SQL of cubes: the aggregation itself, the version of the data, and the stored protected cubes. */
@Injectable()
export class CubeRepository {
  constructor(private readonly database: Database) {}

  /**
   * Runs the aggregation. Joins of a million records on pseudonyms must be hash joins: right after a
   * bulk load the planner's statistics are stale (and PGlite has no autovacuum), so nested loops are
   * ruled out for this one statement rather than trusting its row estimates.
   */
  aggregate(query: AggregationQuery): Promise<AggregateRow[]> {
    return this.database.withTransaction(async (tx) => {
      await tx.query('SET LOCAL enable_nestloop = off');
      return tx.query<AggregateRow[]>(query.sql, query.params);
    });
  }

  /** The stored periods of a dataset, oldest first. */
  async periods(dataset: string): Promise<string[]> {
    const rows = await this.database.query<{ period: string }>(
      `SELECT DISTINCT period FROM batch WHERE dataset = $1 AND status = 'stored'`,
      [dataset],
    );
    return rows.map((r) => r.period).sort((a, b) => periodEnd(a).localeCompare(periodEnd(b)) || a.localeCompare(b));
  }

  /**
   * The batches a cube of `period` reads: per dataset, its latest stored period that ends no later than
   * `period` does (a yearly income file serves every month of its year and after).
   */
  async batchesAt(datasets: readonly string[], period: string): Promise<{ batches: Record<string, string[]>; periods: Record<string, string> }> {
    const rows = await this.database.query<{ id: string; dataset: string; period: string }>(
      `SELECT id, dataset, period FROM batch WHERE dataset = ANY($1::text[]) AND status = 'stored' ORDER BY id`,
      [[...datasets]],
    );
    const end = periodEnd(period);
    const periods: Record<string, string> = {};
    for (const r of rows) {
      const best = periods[r.dataset];
      if (periodEnd(r.period) <= end && (best === undefined || periodEnd(r.period) > periodEnd(best))) periods[r.dataset] = r.period;
    }
    const batches: Record<string, string[]> = {};
    for (const r of rows) if (periods[r.dataset] === r.period) (batches[r.dataset] ??= []).push(r.id);
    return { batches, periods };
  }

  async latestGeographyYear(): Promise<number | null> {
    const [row] = await this.database.query<{ year: number | null }>('SELECT max(year)::int AS year FROM geo_unit');
    return row?.year ?? null;
  }

  async find(indicator: string, dataVersion: string, k: number): Promise<StoredCube | undefined> {
    const rows = await this.database.query<Record<string, unknown>>(
      'SELECT * FROM cube WHERE indicator = $1 AND data_version = $2 AND k = $3',
      [indicator, dataVersion, k],
    );
    return rows[0] && toCube(rows[0]);
  }

  /** Stores a cube; when another request built the same one at the same time, keeps the first. */
  async save(cube: StoredCube): Promise<StoredCube> {
    await this.database.query(
      `INSERT INTO cube (id, indicator, period, data_version, geography_year, k, built_at, released, reason, summary, cells)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (indicator, data_version, k) DO NOTHING`,
      [cube.id, cube.indicator, cube.period, cube.dataVersion, cube.geographyYear, cube.k, cube.builtAt, cube.released,
        cube.reason, JSON.stringify(cube.summary), JSON.stringify(cube.cells)],
    );
    return (await this.find(cube.indicator, cube.dataVersion, cube.k))!;
  }
}

function toCube(r: Record<string, unknown>): StoredCube {
  return {
    id: r.id as string,
    indicator: r.indicator as string,
    period: r.period as string,
    dataVersion: r.data_version as string,
    geographyYear: r.geography_year as number,
    k: r.k as number,
    builtAt: (r.built_at as Date).toISOString(),
    released: r.released as boolean,
    reason: (r.reason as string | null) ?? null,
    summary: r.summary as Record<string, number | boolean>,
    // Cubes stored before breakdowns existed have no category: every cell is a total.
    cells: (r.cells as ProtectedCell[]).map((c) => ({ ...c, category: c.category ?? null })),
  };
}

/** The last month a reference period covers, as YYYY-MM: 2026 → 2026-12, 2026-Q3 → 2026-09. */
export function periodEnd(period: string): string {
  const quarter = /^(\d{4})-Q([1-4])$/.exec(period);
  if (quarter) return `${quarter[1]}-${String(Number(quarter[2]) * 3).padStart(2, '0')}`;
  if (/^\d{4}$/.test(period)) return `${period}-12`;
  return period;
}
