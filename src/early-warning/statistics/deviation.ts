/**
 * Which street units deviate from their neighbourhood by more than chance explains.
 *
 * Each unit is compared with its reference area (the buurt or wijk it lies in) minus the unit itself
 * (leave-one-out): otherwise a large street pulls the reference towards itself and hides its own
 * deviation. The published reference includes the unit, so the unit's counts are subtracted here.
 * Published counts are protected (rounded or perturbed), so a difference can come out slightly
 * negative; it is clamped at 0 (and the rest's events at the rest's denominator).
 *
 * `expected` is what the rest of the reference predicts for the unit: d · r with r the leave-one-out
 * rate, or for counts (reference n − n) · e / (E − e) with e, E the unit's and reference's exposure.
 * The p value, however, does not treat the rest of the reference as known: in a simulation with two
 * or three streets of 0–200 people per buurt, a binomial test against that plug-in rate rejected
 * 12–21% of true nulls at the 5% level, so FDR control would be lost exactly where early warning
 * looks. The test conditions on the reference total instead:
 *   - rate indicators: Fisher's exact test, two-sided mid-p (hypergeometric.ts): n given n + m events
 *     among d + e people is Hypergeometric under one common rate;
 *   - count indicators: the conditional test for two Poisson counts (Przyborowski & Wileński 1940):
 *     given n + m events, n ~ Binomial(n + m, e / E) under one common intensity; two-sided mid-p.
 * For large references both approach the binomial (resp. Poisson) test against the reference rate.
 * Without a leave-one-out denominator (or exposure) the unit cannot be tested: p = 1,
 * expected = observed, and it is never flagged.
 *
 * The p values of all inputs of one call are adjusted together by Benjamini–Hochberg (fdr.ts); a
 * unit is flagged when q ≤ α and observed ≠ expected. Call once against the buurt and once against
 * the wijk to get both comparisons.
 *
 * For rate indicators each result also carries an empirical-Bayes estimate (shrinkage.ts): the prior
 * strength α + β is fitted by moments over all rate units of the call around their pooled rate, and
 * the prior is then centred on the unit's own leave-one-out reference rate, so a street is pulled
 * towards its own neighbourhood rather than towards the city. Spread between neighbourhoods counts
 * as between-unit spread in that fit, which makes the prior weaker (less shrinkage), not stronger.
 * An untestable unit gets the fitted prior around the pooled rate. Rate results also carry the
 * Wilson 95% interval of the unit's own rate (binomial.ts).
 */
import { binomialMidPTwoSided, wilsonInterval } from './binomial.js';
import { benjaminiHochberg } from './fdr.js';
import { hypergeometricMidPTwoSided } from './hypergeometric.js';
import { centredPrior, fitBetaPrior, shrunkRate, type BetaPrior, type ShrunkRate } from './shrinkage.js';

export interface UnitObservation {
  unit: string;
  n: number;
  /** null for count indicators. */
  d: number | null;
  /** For count indicators: relative size, e.g. number of addresses; default 1. */
  exposure?: number;
}

/** The buurt (or wijk) the unit lies in, including the unit itself. */
export interface Reference {
  n: number;
  d: number | null;
  /** Required for count indicators, in the same unit as the unit's exposure. */
  exposure?: number;
}

export interface DeviationInput {
  unit: UnitObservation;
  reference: Reference;
}

export type DeviationDirection = 'higher' | 'lower' | 'none';

export interface DeviationResult {
  unit: string;
  /** n / d; null for count indicators and for d = 0. */
  rate: number | null;
  /** Rate of the reference without the unit; null for counts and when nothing is left. */
  referenceRate: number | null;
  /** Expected n under the leave-one-out reference. */
  expected: number;
  observed: number;
  /** observed / expected: Infinity when only expected is 0, 1 when both are. */
  ratio: number;
  /** rate − referenceRate; null when either is null. */
  difference: number | null;
  /** Two-sided mid-p value conditional on the reference total: Fisher for rates, binomial for counts. */
  pValue: number;
  /** Benjamini–Hochberg q value over all inputs of the call. */
  qValue: number;
  /** observed against expected, whether significant or not. */
  direction: DeviationDirection;
  /** Empirical-Bayes posterior of the rate (rate indicators). */
  shrunk?: ShrunkRate;
  /** Wilson 95% interval of the unit's own rate (rate indicators). */
  interval?: { lower: number; upper: number };
}

export interface DeviationOptions {
  /** FDR level; default 0.05. */
  alpha?: number;
}

export const DEFAULT_FDR_LEVEL = 0.05;

type UnadjustedResult = Omit<DeviationResult, 'qValue'>;

/** Test every unit against its leave-one-out reference; flag those with q ≤ α. */
export function deviations(
  inputs: readonly DeviationInput[],
  options: DeviationOptions = {},
): { results: DeviationResult[]; flagged: DeviationResult[] } {
  const alpha = options.alpha ?? DEFAULT_FDR_LEVEL;
  if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`alpha must lie in (0, 1], got ${alpha}`);
  inputs.forEach(checkInput);

  const rateUnits = inputs.flatMap(({ unit }) => (unit.d === null ? [] : [{ n: unit.n, d: unit.d }]));
  const pooledPrior = fitBetaPrior(rateUnits);
  const unadjusted = inputs.map((input) => (input.unit.d === null ? countDeviation(input) : rateDeviation(input, pooledPrior)));
  const qValues = benjaminiHochberg(unadjusted.map(({ pValue }) => pValue));
  const results = unadjusted.map((result, i) => ({ ...result, qValue: qValues[i]! }));
  const flagged = results.filter(({ qValue, direction }) => qValue <= alpha && direction !== 'none').sort(byEvidence);
  return { results, flagged };
}

function rateDeviation({ unit, reference }: DeviationInput, pooledPrior: BetaPrior): UnadjustedResult {
  const n = unit.n;
  const d = unit.d!;
  const restD = Math.max(0, reference.d! - d);
  const restN = Math.min(restD, Math.max(0, reference.n - n));
  const rate = d > 0 ? n / d : null;
  const interval = wilsonInterval(n, d);
  if (restD === 0) {
    return { ...untestable(unit.unit, n), rate, shrunk: shrunkRate(n, d, pooledPrior), interval };
  }
  const referenceRate = restN / restD;
  const expected = d * referenceRate;
  return {
    unit: unit.unit,
    rate,
    referenceRate,
    expected,
    observed: n,
    ratio: ratioOf(n, expected),
    difference: rate === null ? null : rate - referenceRate,
    pValue: hypergeometricMidPTwoSided(n, n + restN, d, d + restD),
    // Compared in counts (n · restD against d · restN) so that equal rates are exactly 'none'.
    direction: directionOf(n * restD, d * restN),
    shrunk: shrunkRate(n, d, centredPrior(referenceRate, pooledPrior.alpha + pooledPrior.beta)),
    interval,
  };
}

function countDeviation({ unit, reference }: DeviationInput): UnadjustedResult {
  const n = unit.n;
  const exposure = unit.exposure ?? 1;
  const restExposure = reference.exposure! - exposure;
  if (!(restExposure > 0)) return untestable(unit.unit, n);
  const restN = Math.max(0, reference.n - n);
  const expected = (restN * exposure) / restExposure;
  return {
    unit: unit.unit,
    rate: null,
    referenceRate: null,
    expected,
    observed: n,
    ratio: ratioOf(n, expected),
    difference: null,
    pValue: binomialMidPTwoSided(n, n + restN, exposure / (exposure + restExposure)),
    direction: directionOf(n * restExposure, restN * exposure),
  };
}

function untestable(unit: string, observed: number): UnadjustedResult {
  return { unit, rate: null, referenceRate: null, expected: observed, observed, ratio: 1, difference: null, pValue: 1, direction: 'none' };
}

function ratioOf(observed: number, expected: number): number {
  if (expected > 0) return observed / expected;
  return observed > 0 ? Infinity : 1;
}

function directionOf(observed: number, expected: number): DeviationDirection {
  if (observed > expected) return 'higher';
  return observed < expected ? 'lower' : 'none';
}

/** Smallest q first; then the larger deviation on a log scale (ratio 0.5 is as far from 1 as 2); then by name. */
function byEvidence(a: DeviationResult, b: DeviationResult): number {
  if (a.qValue !== b.qValue) return a.qValue - b.qValue;
  const distanceA = Math.abs(Math.log(a.ratio));
  const distanceB = Math.abs(Math.log(b.ratio));
  if (distanceA !== distanceB) return distanceA > distanceB ? -1 : 1;
  return a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0;
}

function checkInput({ unit, reference }: DeviationInput): void {
  const fail = (problem: string) => {
    throw new RangeError(`unit ${unit.unit}: ${problem}`);
  };
  const isCount = (value: number | null) => value !== null && Number.isInteger(value) && value >= 0;
  if (!isCount(unit.n) || !isCount(reference.n)) fail(`n must be a non-negative integer, got ${unit.n} (reference ${reference.n})`);
  if ((unit.d === null) !== (reference.d === null)) fail('unit and reference must both be rates or both be counts');
  if (unit.d !== null) {
    if (!isCount(unit.d) || unit.d < unit.n) fail(`need an integer d ≥ n, got n = ${unit.n}, d = ${unit.d}`);
    if (!isCount(reference.d)) fail(`reference d must be a non-negative integer, got ${reference.d}`);
    return;
  }
  const exposure = unit.exposure ?? 1;
  if (!(exposure > 0 && Number.isFinite(exposure))) fail(`exposure must be finite and > 0, got ${exposure}`);
  const referenceExposure = reference.exposure ?? Number.NaN;
  if (!(referenceExposure > 0 && Number.isFinite(referenceExposure))) fail('a count indicator needs a finite reference exposure > 0');
}
