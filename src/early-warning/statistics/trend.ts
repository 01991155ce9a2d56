/**
 * Trend over consecutive periods: Cochran–Armitage for rates, a Poisson score test for counts.
 *
 * Rates (n of d per period): the Cochran–Armitage test for trend (Cochran 1954; Armitage 1955),
 * with scores 0..T−1 in the order given. With N = Σdₜ, p̄ = Σnₜ/N and s̄ = Σdₜsₜ/N,
 *   U = Σ nₜ (sₜ − s̄),   Var U = p̄(1 − p̄) (Σ dₜsₜ² − (Σ dₜsₜ)²/N),
 * and U/√Var U is referred to the standard normal (two-sided). This is exactly R's
 * `prop.trend.test` (its X-squared is the square of this z). It has power against a monotone drift
 * and, unlike a regression on the rates, weighs each period by its denominator.
 *
 * Counts (d = null, equal exposure per period assumed): the score test for β = 0 in the Poisson
 * log-linear model log μₜ = α + β sₜ. Under H₀ μ̂ = ȳ, so U = Σ yₜ (sₜ − s̄) and Var U = ȳ Σ (sₜ − s̄)²
 * (R: `anova(glm(y ~ s, family = poisson), test = "Rao")` gives U²/Var U).
 *
 * Both need at least three periods with data (d > 0 for rates) — with two, any change is a "trend".
 * `slope` is the ordinary least-squares slope of the rate (or count) on the period index: a
 * readable effect size; `direction` is the sign of U, so it always agrees with the p value.
 */
import { normalUpperTail } from './normal.js';

export interface TrendPoint {
  period: string;
  n: number;
  d: number | null;
}

export type TrendDirection = 'rising' | 'falling' | 'none';

export interface TrendResult {
  /** Change in rate (or count) per period, least squares on the per-period values. */
  slope: number;
  pValue: number;
  direction: TrendDirection;
}

const MIN_PERIODS = 3;

/** Trend test over a series of periods, in the order given. */
export function trendTest(series: readonly TrendPoint[]): TrendResult {
  const isRate = series.length > 0 && series[0]!.d !== null;
  series.forEach((point) => checkPoint(point, isRate));
  const points = series.flatMap((point, score) =>
    point.d === null ? [{ score, n: point.n, d: 1 }] : point.d > 0 ? [{ score, n: point.n, d: point.d }] : [],
  );
  const slope = leastSquaresSlope(points.map(({ score, n, d }) => ({ x: score, y: n / d })));
  if (points.length < MIN_PERIODS) return { slope, pValue: 1, direction: 'none' };

  const total = sum(points.map(({ d }) => d));
  const events = sum(points.map(({ n }) => n));
  const meanScore = sum(points.map(({ score, d }) => d * score)) / total;
  const statistic = sum(points.map(({ score, n }) => n * (score - meanScore)));
  const scoreSpread = sum(points.map(({ score, d }) => d * (score - meanScore) ** 2));
  // Rates: binomial variance p̄(1 − p̄) per trial; counts (d = 1 each): Poisson variance ȳ per period.
  const variance = (isRate ? (events / total) * (1 - events / total) : events / total) * scoreSpread;
  if (!(variance > 0)) return { slope, pValue: 1, direction: 'none' };

  const z = statistic / Math.sqrt(variance);
  return {
    slope,
    pValue: Math.min(1, 2 * normalUpperTail(Math.abs(z))),
    direction: z > 0 ? 'rising' : z < 0 ? 'falling' : 'none',
  };
}

/** OLS slope of y on x; 0 with fewer than two distinct x. */
function leastSquaresSlope(points: readonly { x: number; y: number }[]): number {
  if (points.length < 2) return 0;
  const meanX = sum(points.map(({ x }) => x)) / points.length;
  const meanY = sum(points.map(({ y }) => y)) / points.length;
  const sxx = sum(points.map(({ x }) => (x - meanX) ** 2));
  const sxy = sum(points.map(({ x, y }) => (x - meanX) * (y - meanY)));
  return sxx > 0 ? sxy / sxx : 0;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function checkPoint({ period, n, d }: TrendPoint, isRate: boolean): void {
  if ((d !== null) !== isRate) throw new RangeError(`period ${period}: a series is either all rates or all counts`);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`period ${period}: n must be a non-negative integer, got ${n}`);
  if (d !== null && (!Number.isInteger(d) || d < n)) throw new RangeError(`period ${period}: need n ≤ d, got n = ${n}, d = ${d}`);
}
