/**
 * Empirical-Bayes beta-binomial shrinkage of small-area rates.
 *
 * A street with 2 of 5 adults on a benefit has a raw rate of 40%, but that says little. The
 * beta-binomial model treats each unit's true rate θᵢ as drawn from a Beta(α, β) prior around a
 * reference rate μ, and nᵢ | θᵢ ~ Binomial(dᵢ, θᵢ). The posterior Beta(α + nᵢ, β + dᵢ − nᵢ) pulls a
 * small unit strongly towards μ and leaves a large unit near its own rate.
 *
 * α and β come from the data by the method of moments (Kleinman 1973, with the first-step weights
 * wᵢ = dᵢ): with S = Σ dᵢ (pᵢ − μ)², W = Σ dᵢ and k units,
 *   E[S] = (k − 1) μ(1 − μ) + τ² (W − Σdᵢ²/W − (k − 1))   when μ is the pooled rate Σnᵢ / Σdᵢ,
 *   E[S] = k μ(1 − μ) + τ² (W − k)                        when μ is a given reference rate,
 * which is solved for the between-unit variance τ²; then α + β = μ(1 − μ)/τ² − 1.
 *   - τ² ≤ 0 (no more spread than binomial noise): full shrinkage, α + β = FULL_SHRINKAGE_STRENGTH.
 *   - τ² not identifiable (no unit with d > 0, one unit without a given reference, or all d = 1):
 *     the flat Beta(1, 1) prior, so the posterior reflects the unit's own data only.
 *   - α + β is kept at least MIN_PRIOR_STRENGTH (one pseudo-observation).
 * Units with d = 0 carry no information and are ignored.
 *
 * The credible interval is equal-tailed: the 2.5% and 97.5% posterior quantiles.
 */
import { inverseRegularizedBeta } from './beta.js';

export interface BetaPrior {
  alpha: number;
  beta: number;
}

export interface ShrunkRate {
  rate: number;
  lower: number;
  upper: number;
}

/** Prior strength (α + β) used when the data show no between-unit variation at all. */
export const FULL_SHRINKAGE_STRENGTH = 1e6;
/** The weakest fitted prior: worth one observation. */
export const MIN_PRIOR_STRENGTH = 1;
const FLAT_PRIOR: BetaPrior = { alpha: 1, beta: 1 };

/** Method-of-moments Beta prior for the rates nᵢ/dᵢ, centred on referenceRate or the pooled rate. */
export function fitBetaPrior(units: readonly { n: number; d: number }[], referenceRate?: number): BetaPrior {
  units.forEach(({ n, d }) => checkCount(n, d));
  if (referenceRate !== undefined && !(referenceRate >= 0 && referenceRate <= 1)) {
    throw new RangeError(`referenceRate must lie in [0, 1], got ${referenceRate}`);
  }
  const informative = units.filter(({ d }) => d > 0);
  const count = informative.length;
  if (count === 0) return FLAT_PRIOR;
  const totalDenominator = sum(informative.map(({ d }) => d));
  const centre = referenceRate ?? sum(informative.map(({ n }) => n)) / totalDenominator;
  const binomialVariance = centre * (1 - centre);
  const spread = sum(informative.map(({ n, d }) => d * (n / d - centre) ** 2));
  const [noise, scale] =
    referenceRate === undefined
      ? [(count - 1) * binomialVariance, totalDenominator - sum(informative.map(({ d }) => d * d)) / totalDenominator - (count - 1)]
      : [count * binomialVariance, totalDenominator - count];
  if (!(scale > 0)) return FLAT_PRIOR;
  const betweenVariance = (spread - noise) / scale;
  const strength =
    betweenVariance <= 0
      ? FULL_SHRINKAGE_STRENGTH
      : Math.min(FULL_SHRINKAGE_STRENGTH, Math.max(MIN_PRIOR_STRENGTH, binomialVariance / betweenVariance - 1));
  return centredPrior(centre, strength);
}

/** A Beta prior with mean `centre` worth `strength` pseudo-observations. */
export function centredPrior(centre: number, strength: number): BetaPrior {
  return { alpha: strength * centre, beta: strength * (1 - centre) };
}

/** Posterior mean and equal-tailed 95% credible interval of the rate after n events in d trials. */
export function shrunkRate(n: number, d: number, prior: BetaPrior): ShrunkRate {
  checkCount(n, d);
  if (!(prior.alpha >= 0 && prior.beta >= 0 && prior.alpha + prior.beta > 0)) {
    throw new RangeError(`prior needs α, β ≥ 0 with α + β > 0, got α = ${prior.alpha}, β = ${prior.beta}`);
  }
  const a = prior.alpha + n;
  const b = prior.beta + d - n;
  // A prior centred exactly on 0 or 1 with no evidence against it is a point mass.
  if (a === 0) return { rate: 0, lower: 0, upper: 0 };
  if (b === 0) return { rate: 1, lower: 1, upper: 1 };
  return { rate: a / (a + b), lower: inverseRegularizedBeta(0.025, a, b), upper: inverseRegularizedBeta(0.975, a, b) };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function checkCount(n: number, d: number): void {
  if (!(Number.isFinite(n) && Number.isFinite(d) && n >= 0 && n <= d)) {
    throw new RangeError(`need finite counts with 0 ≤ n ≤ d, got n = ${n}, d = ${d}`);
  }
}
