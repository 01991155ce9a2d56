import { Injectable } from '@nestjs/common';
import { actorOf } from '../audit/audit-record.js';
import { AuditWriter } from '../audit/audit-writer.js';
import type { Principal } from '../auth/principal.js';
import { ForbiddenProblem, NotFoundProblem, type ProblemItem, ValidationProblem } from '../common/problem/problem.js';
import { GeographyRepository } from '../geography/geography.repository.js';
import type { ProtectedCell, StoredCube } from '../indicators/cube.repository.js';
import { CubeService } from '../indicators/cube.service.js';
import { PERIOD } from '../indicators/extracts.service.js';
import { IndicatorCatalogue } from '../indicators/indicator-catalogue.js';
import type { IndicatorSpec } from '../indicators/indicator-spec.js';
import { DecisionRecorder } from '../policies/decision-recorder.js';
import { PolicyDecisionPoint } from '../policies/policy-decision-point.js';
import type { GeographyLevel } from '../policies/policy-set.js';
import { PolicyStore } from '../policies/policy-store.js';
import { type SignalWeeks, SignalWeeksService } from './signal-weeks.service.js';
import { type DeviationResult, benjaminiHochberg, deviations, fitBetaPrior, shrunkRate, trendTest } from './statistics/index.js';

/** Levels early warning ranks; coarser units are the references. */
export const WARNING_LEVELS = ['street', 'pc6'] as const;
export type WarningLevel = (typeof WARNING_LEVELS)[number];

/** Periods a trend looks back over (the requested one included). */
const TREND_PERIODS = 6;

export interface Comparison {
  readonly reference: string;
  readonly referenceRate: number | null;
  readonly expected: number;
  readonly ratio: number;
  readonly difference: number | null;
  readonly pValue: number;
  readonly qValue: number;
  readonly direction: DeviationResult['direction'];
}

export interface UnitWarning {
  readonly unit: string;
  readonly name: string | null;
  readonly value: number;
  readonly denominator: number | null;
  /** Per 100 for rate indicators, the count otherwise. */
  readonly rate: number;
  readonly buurt: Comparison | null;
  readonly wijk: Comparison | null;
  /** Empirical-Bayes rate (per 100) with its 95% credible interval, shrunk toward the buurt. */
  readonly shrunk: { readonly rate: number; readonly lower: number; readonly upper: number } | null;
}

export interface TrendWarning {
  readonly unit: string;
  readonly name: string | null;
  readonly periods: readonly string[];
  readonly series: readonly { readonly period: string; readonly value: number; readonly denominator: number | null }[];
  readonly slope: number;
  readonly pValue: number;
  readonly qValue: number;
  readonly direction: 'rising' | 'falling' | 'none';
}

export interface EarlyWarning {
  readonly purpose: string;
  readonly indicator: { readonly id: string; readonly title: string; readonly unit: IndicatorSpec['unit']; readonly k: number; readonly period: string; readonly cube: string };
  readonly level: WarningLevel;
  readonly area: string | null;
  readonly alpha: number;
  readonly method: string;
  /** Units tested: only published cells with a published reference. */
  readonly tested: number;
  /** Units left out because their own value is suppressed — never flagged, ranked or described. */
  readonly suppressed: number;
  readonly note: string;
  readonly flagged: readonly UnitWarning[];
  readonly trends: readonly TrendWarning[];
  /** Near-time signal counts per week in the area, for the categories the purpose may read. */
  readonly signals: SignalWeeks;
}

export interface IndicatorProfile {
  readonly id: string;
  readonly title: string;
  readonly unit: IndicatorSpec['unit'];
  readonly period: string | null;
  /**
   * `suppressed`: the unit's value is not published, and nothing about it is said. `not-testable`: an
   * amount in euro, which the count and rate tests of early warning do not apply to.
   */
  readonly status: 'published' | 'suppressed' | 'not-allowed' | 'no-data' | 'not-testable';
  readonly warning: UnitWarning | null;
  readonly buurtRate: number | null;
  readonly wijkRate: number | null;
}

export interface StreetProfile {
  readonly purpose: string;
  readonly unit: string;
  readonly name: string | null;
  readonly level: WarningLevel;
  readonly buurt: string | null;
  readonly wijk: string | null;
  readonly note: string;
  readonly indicators: readonly IndicatorProfile[];
}

export interface WarningQuery {
  readonly purpose: string;
  readonly indicator: string;
  readonly level: WarningLevel;
  readonly area: string | null;
  readonly period: string | null;
  readonly alpha: number;
}

const NOTE =
  'Only published cells of the protected cube are used: a unit whose value (or whose reference) is suppressed is never flagged, ranked or described.';
const METHOD =
  'Each unit against its buurt and its wijk without the unit itself: exact conditional test (Fisher mid-p for rates, two-Poisson for counts), Benjamini-Hochberg over all units tested; flagged when significant, in the same direction, against every published reference. Trends: Cochran-Armitage (rates) or Poisson score test (counts) over the last periods, published values only.';

/**
 * Early warning on protected cubes only (DESIGN: "early warning on published cells only"): a unit is
 * compared with its buurt and wijk, trends are read from the cubes of earlier periods, and a profile
 * shows one unit across every indicator the purpose allows. The same purpose binding and audit as
 * extracts: every source dataset is checked at the level asked, every response is audited.
 */
@Injectable()
export class EarlyWarningService {
  constructor(
    private readonly catalogue: IndicatorCatalogue,
    private readonly cubes: CubeService,
    private readonly pdp: PolicyDecisionPoint,
    private readonly decisions: DecisionRecorder,
    private readonly audit: AuditWriter,
    private readonly geography: GeographyRepository,
    private readonly store: PolicyStore,
    private readonly signalWeeks: SignalWeeksService,
  ) {}

  parseQuery(query: Record<string, unknown>): WarningQuery {
    const errors: ProblemItem[] = [];
    for (const key of Object.keys(query)) {
      if (!['purpose', 'indicator', 'level', 'area', 'period', 'alpha'].includes(key)) errors.push({ pointer: `/${key}`, detail: 'is not a parameter of early warning', code: 'unknown-parameter' });
    }
    const text = (key: string): string | undefined => (typeof query[key] === 'string' ? (query[key]) : undefined);
    const purpose = text('purpose');
    if (!purpose) errors.push({ pointer: '/purpose', detail: 'is required: the declared purpose', code: 'required' });
    const indicator = text('indicator');
    const spec = indicator === undefined ? undefined : this.catalogue.get(indicator);
    if (!spec) errors.push({ pointer: '/indicator', detail: 'must be an indicator of the catalogue', code: 'unknown-indicator' });
    else if (spec.measure) errors.push({ pointer: '/indicator', detail: 'is an amount in euro: early warning tests counts and rates', code: 'not-testable' });
    const level = text('level') ?? 'street';
    if (!(WARNING_LEVELS as readonly string[]).includes(level)) errors.push({ pointer: '/level', detail: `must be one of ${WARNING_LEVELS.join(', ')}`, code: 'enum' });
    const area = text('area') ?? null;
    if (area !== null && !/^(GM|WK|BU)\d{4,8}$/.test(area)) errors.push({ pointer: '/area', detail: 'must be the code of a gemeente, wijk or buurt', code: 'pattern' });
    const period = text('period') ?? null;
    if (period !== null && !PERIOD.test(period)) errors.push({ pointer: '/period', detail: 'must be a reference period like 2026, 2026-Q3 or 2026-10', code: 'pattern' });
    const alpha = text('alpha') === undefined ? 0.05 : Number(text('alpha'));
    if (!(alpha > 0 && alpha <= 0.2)) errors.push({ pointer: '/alpha', detail: 'must be a false-discovery rate above 0 and at most 0.2', code: 'range' });
    if (errors.length > 0) throw new ValidationProblem(errors);
    return { purpose: purpose!, indicator: indicator!, level: level as WarningLevel, area, period, alpha };
  }

  async warn(principal: Principal, query: WarningQuery): Promise<EarlyWarning> {
    const spec = this.catalogue.get(query.indicator)!;
    await this.authorise(principal, query.purpose, spec, query.level);
    const cube = await this.cubes.cube(spec, query.period ?? undefined);
    const index = indexCube(cube);
    if (query.area !== null && !index.byUnit.has(query.area)) throw new NotFoundProblem(`There is no unit ${query.area} in this cube.`);
    const names: Map<string, string | null> = await this.geography.latestNames(query.level);
    const units = totalsOf(cube).filter((c) => c.level === query.level && (query.area === null || index.within(c.unit, query.area)));
    const usable = cube.released ? units.filter((c) => publishedValue(c, spec)) : [];
    const warnings = compare(spec, usable, index, names);
    const flagged = warnings
      .filter((w) => isFlagged(w, query.alpha))
      .sort((a, b) => strongest(a).qValue - strongest(b).qValue || Math.abs(Math.log(strongest(b).ratio)) - Math.abs(Math.log(strongest(a).ratio)));
    const trends = await this.trends(spec, cube, query, units, names);
    const gemeente = totalsOf(cube).find((c) => c.level === 'gemeente')!.unit;
    const signals = await this.signalWeeks.weekly(query.purpose, query.area ?? gemeente);
    const result: EarlyWarning = {
      purpose: query.purpose,
      indicator: { id: spec.id, title: spec.title, unit: spec.unit, k: cube.k, period: cube.period, cube: cube.id },
      level: query.level,
      area: query.area,
      alpha: query.alpha,
      method: METHOD,
      tested: warnings.length,
      suppressed: units.length - usable.length,
      note: cube.released ? NOTE : `${NOTE} This cube is not released, so nothing is tested.`,
      flagged,
      trends,
      signals,
    };
    await this.audit.appendNow({
      type: 'early-warning.requested',
      ...actorOf(principal),
      purpose: query.purpose,
      action: 'read',
      resource: { type: 'EarlyWarning', indicator: spec.id, level: query.level, area: query.area, period: cube.period },
      outcome: 'success',
      policyHash: this.store.hash,
      details: {
        cube: cube.id,
        dataVersion: cube.dataVersion,
        k: cube.k,
        tested: result.tested,
        suppressed: result.suppressed,
        flagged: flagged.length,
        trends: trends.length,
        signalCategories: signals.categories.map((c) => c.id),
      },
    });
    return result;
  }

  async profile(principal: Principal, unit: string, purposeRaw: unknown, periodRaw: unknown): Promise<StreetProfile> {
    const errors: ProblemItem[] = [];
    if (typeof purposeRaw !== 'string' || purposeRaw === '') errors.push({ pointer: '/purpose', detail: 'is required: the declared purpose', code: 'required' });
    if (periodRaw !== undefined && (typeof periodRaw !== 'string' || !PERIOD.test(periodRaw))) errors.push({ pointer: '/period', detail: 'must be a reference period like 2026-10', code: 'pattern' });
    if (!/^[A-Za-z0-9@ '.-]{1,120}$/.test(unit)) errors.push({ pointer: '/unit', detail: 'must be the code of a street or pc6 unit', code: 'pattern' });
    if (errors.length > 0) throw new ValidationProblem(errors);
    const purpose = purposeRaw as string;
    const period = periodRaw as string | undefined;
    const year = await this.geography.latestYear();
    const found = year === null ? null : await this.geography.findUnit(year, unit);
    if (!found || (found.level !== 'street' && found.level !== 'pc6')) throw new NotFoundProblem('There is no street or pc6 unit with this code.');
    const level = found.level;
    const geo = { name: found.name, buurt_code: found.parents.buurt ?? null, wijk_code: found.parents.wijk ?? null };
    const indicators: IndicatorProfile[] = [];
    let allowed = 0;
    for (const spec of this.catalogue.all()) {
      if (spec.measure) {
        // Euros are no events: the Poisson and binomial tests say nothing about them (and an exact
        // test over a sum in euros would run for seconds). Listed, so the profile is complete.
        indicators.push({ id: spec.id, title: spec.title, unit: spec.unit, period: null, status: 'not-testable', warning: null, buurtRate: null, wijkRate: null });
        continue;
      }
      const decision = this.pdp.decideIndicator(principal, purpose, spec.datasets, level);
      await this.decisions.record({ ...decision.record, resource: { ...decision.record.resource, indicator: spec.id } });
      const base = { id: spec.id, title: spec.title, unit: spec.unit };
      if (!decision.allowed) {
        indicators.push({ ...base, period: null, status: 'not-allowed', warning: null, buurtRate: null, wijkRate: null });
        continue;
      }
      allowed++;
      const periods = await this.cubes.periods(spec);
      if (periods.length === 0 || (period !== undefined && !periods.includes(period))) {
        indicators.push({ ...base, period: period ?? null, status: 'no-data', warning: null, buurtRate: null, wijkRate: null });
        continue;
      }
      const cube = await this.cubes.cube(spec, period);
      const index = indexCube(cube);
      const cell = index.byUnit.get(unit);
      const rateOf = (code: string | null): number | null => {
        const c = code === null ? undefined : index.byUnit.get(code);
        return c && cube.released && publishedValue(c, spec) ? per(spec, c.value!, c.denominator) : null;
      };
      if (!cell || !cube.released || !publishedValue(cell, spec)) {
        // Nothing about the unit, not even its neighbourhood next to it: the pair would hint at it.
        indicators.push({ ...base, period: cube.period, status: 'suppressed', warning: null, buurtRate: null, wijkRate: null });
        continue;
      }
      // The family for the false-discovery rate: the published units of the same wijk.
      const siblings = totalsOf(cube).filter((c) => c.level === level && publishedValue(c, spec) && geo.wijk_code !== null && index.within(c.unit, geo.wijk_code));
      const warning = compare(spec, siblings, index, new Map([[unit, geo.name]])).find((w) => w.unit === unit) ?? null;
      indicators.push({ ...base, period: cube.period, status: 'published', warning, buurtRate: rateOf(geo.buurt_code), wijkRate: rateOf(geo.wijk_code) });
    }
    // Every decision is recorded above; a purpose that allows none of the catalogue gets nothing.
    if (allowed === 0) throw new ForbiddenProblem('The policy allows no indicator for this purpose at this level.');
    await this.audit.appendNow({
      type: 'early-warning.profile',
      ...actorOf(principal),
      purpose,
      action: 'read',
      resource: { type: 'StreetProfile', id: unit, level },
      outcome: 'success',
      policyHash: this.store.hash,
      details: { indicators: indicators.map((i) => ({ indicator: i.id, status: i.status })) },
    });
    return { purpose, unit, name: geo.name, level, buurt: geo.buurt_code, wijk: geo.wijk_code, note: NOTE, indicators };
  }

  /** Geometry of the units, for GeoJSON. */
  geometry(units: readonly string[]): Promise<Map<string, unknown>> {
    return this.geography.latestGeometries(units);
  }

  private async authorise(principal: Principal, purpose: string, spec: IndicatorSpec, level: GeographyLevel): Promise<void> {
    const decision = this.pdp.decideIndicator(principal, purpose, spec.datasets, level);
    await this.decisions.record({ ...decision.record, resource: { ...decision.record.resource, indicator: spec.id } });
    if (!decision.allowed) {
      throw new ForbiddenProblem(decision.reason ?? 'The policy does not allow early warning here.', { rule: decision.rule, indicator: spec.id });
    }
  }

  /**
   * Units whose series over the last periods rises or falls beyond chance. A unit enters only when it
   * is published in every period of its series: a trend through a hidden value would reveal it.
   */
  private async trends(spec: IndicatorSpec, current: StoredCube, query: WarningQuery, units: readonly ProtectedCell[], names: Map<string, string | null>): Promise<TrendWarning[]> {
    const periods = await this.cubes.periods(spec);
    const upto = periods.slice(0, periods.indexOf(current.period) + 1).slice(-TREND_PERIODS);
    if (upto.length < 3 || !current.released) return [];
    const cubes = [];
    for (const period of upto) {
      const cube = period === current.period ? current : await this.cubes.cube(spec, period);
      if (!cube.released) return [];
      cubes.push(new Map(totalsOf(cube).map((c) => [c.unit, c])));
    }
    const candidates: Omit<TrendWarning, 'qValue'>[] = [];
    for (const unit of units) {
      const series = cubes.map((cells) => cells.get(unit.unit));
      if (!series.every((c): c is ProtectedCell => c !== undefined && publishedValue(c, spec))) continue;
      const points = series.map((c, n) => ({ period: upto[n]!, n: c.value!, d: spec.population ? c.denominator : null }));
      const test = trendTest(points);
      candidates.push({
        unit: unit.unit,
        name: names.get(unit.unit) ?? null,
        periods: upto,
        series: points.map((p) => ({ period: p.period, value: p.n, denominator: p.d })),
        slope: test.slope,
        pValue: test.pValue,
        direction: test.direction,
      });
    }
    const q = benjaminiHochberg(candidates.map((c) => c.pValue));
    return candidates
      .map((c, n) => ({ ...c, qValue: q[n]! }))
      .filter((c) => c.qValue <= query.alpha && c.direction !== 'none')
      .sort((a, b) => a.qValue - b.qValue);
  }

}

/** Early warning reads each unit's total; breakdown categories are not compared. */
function totalsOf(cube: StoredCube): ProtectedCell[] {
  return cube.cells.filter((c) => c.category === null);
}

interface CubeIndex {
  byUnit: Map<string, ProtectedCell>;
  ancestor: (unit: string, level: 'buurt' | 'wijk') => ProtectedCell | undefined;
  within: (unit: string, area: string) => boolean;
}

function indexCube(cube: StoredCube): CubeIndex {
  const byUnit = new Map(totalsOf(cube).map((c) => [c.unit, c]));
  const ancestor = (unit: string, level: 'buurt' | 'wijk'): ProtectedCell | undefined => {
    for (let c = byUnit.get(byUnit.get(unit)?.parent ?? ''); c; c = byUnit.get(c.parent ?? '')) if (c.level === level) return c;
    return undefined;
  };
  const within = (unit: string, area: string): boolean => {
    for (let p = byUnit.get(unit)?.parent ?? null; p !== null; p = byUnit.get(p)?.parent ?? null) if (p === area) return true;
    return false;
  };
  return { byUnit, ancestor, within };
}

/** Whether the cell's value (and, for a rate, its denominator) is published. */
function publishedValue(cell: ProtectedCell, spec: IndicatorSpec): boolean {
  return cell.status === 'published' && cell.value !== null && (!spec.population || (cell.denominator !== null && cell.denominator > 0));
}

function per(spec: IndicatorSpec, value: number, denominator: number | null): number {
  return spec.population && denominator ? Math.round((value / denominator) * 1000) / 10 : value;
}

/**
 * Every usable unit against its buurt and its wijk, each a separate family for the FDR. References
 * must be published too; the leave-one-out subtraction uses the unit's own published value.
 */
function compare(spec: IndicatorSpec, units: readonly ProtectedCell[], index: CubeIndex, names: Map<string, string | null>): UnitWarning[] {
  const rate = spec.population !== undefined;
  const exposures = new Map<string, number>();
  const exposure = (reference: string, level: string): number => {
    let count = exposures.get(reference);
    if (count === undefined) exposures.set(reference, (count = unitsWithin(index, reference, level)));
    return count;
  };
  const against = (level: 'buurt' | 'wijk'): Map<string, Comparison> => {
    const inputs = [];
    const references: string[] = [];
    for (const unit of units) {
      const reference = index.ancestor(unit.unit, level);
      if (!reference || !publishedValue(reference, spec)) continue;
      references.push(reference.unit);
      inputs.push({
        unit: { unit: unit.unit, n: unit.value!, d: rate ? unit.denominator! : null },
        reference: { n: reference.value!, d: rate ? reference.denominator! : null, ...(rate ? {} : { exposure: exposure(reference.unit, unit.level) }) },
      });
    }
    const { results } = deviations(inputs);
    return new Map(
      results.map((r, n) => [
        r.unit,
        {
          reference: references[n]!,
          referenceRate: r.referenceRate === null ? null : Math.round(r.referenceRate * 1000) / 10,
          expected: Math.round(r.expected * 100) / 100,
          ratio: Number.isFinite(r.ratio) ? Math.round(r.ratio * 100) / 100 : r.ratio,
          difference: r.difference === null ? null : Math.round(r.difference * 1000) / 10,
          pValue: r.pValue,
          qValue: r.qValue,
          direction: r.direction,
        },
      ]),
    );
  };
  const buurt = against('buurt');
  const wijk = against('wijk');
  const shrunk = rate ? shrinkToward(units, index, spec) : new Map<string, UnitWarning['shrunk']>();
  return units
    .filter((u) => buurt.has(u.unit) || wijk.has(u.unit))
    .map((u) => ({
      unit: u.unit,
      name: names.get(u.unit) ?? null,
      value: u.value!,
      denominator: rate ? u.denominator : null,
      rate: per(spec, u.value!, u.denominator),
      buurt: buurt.get(u.unit) ?? null,
      wijk: wijk.get(u.unit) ?? null,
      shrunk: shrunk.get(u.unit) ?? null,
    }));
}

/** For count indicators, every unit of a buurt counts as the same exposure: its share is 1 / units. */
function unitsWithin(index: CubeIndex, reference: string, level: string): number {
  let count = 0;
  for (const cell of index.byUnit.values()) if (cell.level === level && index.within(cell.unit, reference)) count++;
  return count;
}

function shrinkToward(units: readonly ProtectedCell[], index: CubeIndex, spec: IndicatorSpec): Map<string, UnitWarning['shrunk']> {
  const out = new Map<string, UnitWarning['shrunk']>();
  const observed = units.map((u) => ({ n: u.value!, d: u.denominator! }));
  // The prior depends on the buurt only: fit it once per buurt.
  const priors = new Map<string, ReturnType<typeof fitBetaPrior>>();
  for (const unit of units) {
    const buurt = index.ancestor(unit.unit, 'buurt');
    if (!buurt || !publishedValue(buurt, spec) || !buurt.denominator) continue;
    let prior = priors.get(buurt.unit);
    if (!prior) priors.set(buurt.unit, (prior = fitBetaPrior(observed, buurt.value! / buurt.denominator)));
    const s = shrunkRate(unit.value!, unit.denominator!, prior);
    out.set(unit.unit, { rate: Math.round(s.rate * 1000) / 10, lower: Math.round(s.lower * 1000) / 10, upper: Math.round(s.upper * 1000) / 10 });
  }
  return out;
}

/** The comparison a flag rests on: the buurt when published, else the wijk. */
function strongest(w: UnitWarning): Comparison {
  return w.buurt ?? w.wijk!;
}

function isFlagged(w: UnitWarning, alpha: number): boolean {
  const significant = (c: Comparison | null): boolean => c !== null && c.qValue <= alpha && c.direction !== 'none';
  const references = [w.buurt, w.wijk].filter((c): c is Comparison => c !== null);
  return references.length > 0 && references.every((c) => significant(c) && c.direction === references[0]!.direction);
}
