import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { ConflictProblem, NotFoundProblem } from '../common/problem/problem.js';
import { protectCube } from '../disclosure/protect.js';
import { PolicyStore } from '../policies/policy-store.js';
import { type AggregateRow, type BatchSelection, aggregationSql } from './aggregation-sql.js';
import { cellId, cubeModel } from './cube-model.js';
import { CubeRepository, type ProtectedCell, type StoredCube } from './cube.repository.js';
import type { IndicatorSpec } from './indicator-spec.js';

const DEFAULT_K = 10;
const PROTECTION_BUDGET_MS = 30_000;

/**
 * One protected cube per (indicator, data version): aggregated in SQL over every level at once, then
 * primary rules, secondary suppression and the LP audit over the whole cube together, then stored.
 * Every extract is a slice of that one cube, so no two requests can be combined to undo suppression.
 */
@Injectable()
export class CubeService {
  private readonly building = new Map<string, Promise<StoredCube>>();

  constructor(
    private readonly repository: CubeRepository,
    private readonly store: PolicyStore,
    private readonly clock: Clock,
  ) {}

  /**
   * The threshold of an indicator's cube: the largest k of any purpose or agreement that could serve
   * it. One suppression pattern for all consumers (DESIGN decision 4), at the strictest threshold.
   */
  cubeK(spec: IndicatorSpec): number {
    const policies = this.store.policies;
    const agreements = policies.agreements.filter((a) => a.datasets.some((d) => spec.datasets.includes(d)));
    const purposes = policies.purposes.filter((p) => agreements.some((a) => a.purposes.includes(p.id)));
    return Math.max(DEFAULT_K, ...purposes.map((p) => p.k), ...agreements.map((a) => a.k ?? DEFAULT_K));
  }

  /** The periods an indicator has data for (those of the dataset it counts), oldest first. */
  periods(spec: IndicatorSpec): Promise<string[]> {
    return this.repository.periods(spec.numerator.dataset);
  }

  /**
   * The protected cube of one period (default: the latest). Each dataset contributes its latest
   * stored period that ends no later than that one; the cube is built at most once per data version.
   */
  async cube(spec: IndicatorSpec, period?: string): Promise<StoredCube> {
    const { year, wanted, batches } = await this.sources(spec, period);
    const k = this.cubeK(spec);
    const dataVersion = createHash('sha256')
      .update(JSON.stringify({ indicator: spec, batches: Object.entries(batches).sort(), year }))
      .digest('hex')
      .slice(0, 32);
    const key = `${spec.id}|${dataVersion}|${k}`;
    const pending = this.building.get(key);
    if (pending) return pending;
    const build = (async () => {
      const found = await this.repository.find(spec.id, dataVersion, k);
      if (found) return found;
      return this.repository.save(await this.build(spec, year, k, dataVersion, wanted, batches));
    })().finally(() => this.building.delete(key));
    this.building.set(key, build);
    return build;
  }

  /** The unprotected aggregation of one period — for benchmarks and tests only, never served. */
  async aggregate(spec: IndicatorSpec, period?: string): Promise<AggregateRow[]> {
    const { year, batches } = await this.sources(spec, period);
    return this.repository.aggregate(aggregationSql(spec, year, batches));
  }

  private async sources(spec: IndicatorSpec, period: string | undefined): Promise<{ year: number; wanted: string; batches: BatchSelection }> {
    const year = await this.repository.latestGeographyYear();
    if (year === null) throw new ConflictProblem('There is no reference geography yet.');
    const periods = await this.periods(spec);
    const wanted = period ?? periods.at(-1);
    if (wanted === undefined) throw new ConflictProblem(`There is no data yet for ${spec.numerator.dataset}.`);
    if (!periods.includes(wanted)) throw new NotFoundProblem(`There is no data for ${spec.id} in period ${wanted}.`);
    const { batches, periods: used } = await this.repository.batchesAt(spec.datasets, wanted);
    const missing = spec.datasets.filter((d) => used[d] === undefined);
    if (missing.length > 0) throw new ConflictProblem(`There is no data yet for ${missing.join(', ')} in or before ${wanted}.`);
    return { year, wanted, batches };
  }

  private async build(spec: IndicatorSpec, year: number, k: number, dataVersion: string, period: string, batches: BatchSelection): Promise<StoredCube> {
    const rows = await this.repository.aggregate(aggregationSql(spec, year, batches));
    const rate = spec.population !== undefined;
    const model = cubeModel(spec, rows);
    const result = await protectCube(
      model.cells,
      model.constraints,
      { k },
      // Fail closed rather than hold the gateway: a cube not audited in time is withheld.
      { timeBudgetMs: PROTECTION_BUDGET_MS },
    );
    const statuses = new Map(result.cells.map((c) => [c.id, c]));
    const cells: ProtectedCell[] = rows.map((r) => {
      const protectedCell = statuses.get(cellId(r))!;
      const published = result.released && protectedCell.status === 'published';
      return {
        unit: r.code,
        category: r.category ?? null,
        level: r.level,
        parent: r.parent,
        value: published ? r.n : null,
        denominator: published && rate ? r.d : null,
        status: result.released ? protectedCell.status : 'secondary',
        rule: publicRule(protectedCell.rule),
      };
    });
    return {
      id: randomUUID(),
      indicator: spec.id,
      period,
      dataVersion,
      geographyYear: year,
      k,
      builtAt: this.clock.now().toISOString(),
      released: result.released,
      reason: result.reason ?? null,
      summary: { ...result.summary },
      cells,
    };
  }
}

/**
 * The rule as shown to consumers. Naming "0% or 100% on a small base" would tell which of the two the
 * hidden rate is — exactly what its suppression protects — so every small-base rule reads the same.
 */
export function publicRule(rule: string | undefined): string | null {
  if (rule === undefined) return null;
  if (rule === 'group-disclosure' || rule === 'rate-base<k') return 'small-base';
  if (rule === 'p%' || rule === 'min-contributors') return 'dominance';
  return rule;
}
