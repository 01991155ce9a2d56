/**
 * Exact binomial and Poisson tail probabilities, mid-p values and the Wilson interval.
 *
 * Early-warning counts are small (0..50 events out of 0..200 people), so normal approximations are
 * poor and every probability here is an exact sum of point probabilities. Point probabilities are
 * built in log space from log-factorials (a summed table for n ≤ 256, beyond that log-gamma by
 * Lanczos 1964 with g = 7 and nine coefficients, ~1e-15 relative), and
 * tails are summed from their largest term (log-sum-exp), so nothing overflows or cancels.
 *
 * Tests use the mid-p value (Lancaster 1961; Agresti 2013, §1.4.5): half the probability of the
 * observed outcome is counted. It is less conservative than the exact (Clopper–Pearson style) p
 * value on discrete data and its null distribution is close to uniform, which the FDR step needs.
 * The two-sided value doubles the smaller one-sided value ("central" method), capped at 1.
 *
 * The Wilson (1927) score interval is used for a unit's own proportion: unlike the Wald interval
 * it stays inside [0, 1] and keeps near-nominal coverage for small n and proportions near 0 or 1.
 */

const LANCZOS_G = 7;
const LANCZOS_COEFFICIENTS = [
  0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406,
  12.507343278686905, -0.13857109526572012, 9.984369578019572e-06, 1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** Two-sided 95% standard-normal quantile, Φ⁻¹(0.975). */
export const Z_95 = 1.959963984540054;

/** ln Γ(x) for x > 0 (Lanczos approximation; reflection formula below 0.5 keeps it accurate). */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const shifted = x - 1;
  let series = LANCZOS_COEFFICIENTS[0]!;
  for (let i = 1; i < LANCZOS_COEFFICIENTS.length; i++) series += LANCZOS_COEFFICIENTS[i]! / (shifted + i);
  const t = shifted + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (shifted + 0.5) * Math.log(t) - t + Math.log(series);
}

/** ln n! for the small counts this library sees, summed once so that ln 0! = ln 1! = 0 exactly. */
const LOG_FACTORIALS = [0];
for (let n = 1; n <= 256; n++) LOG_FACTORIALS.push(LOG_FACTORIALS[n - 1]! + Math.log(n));

/** ln n! for an integer n ≥ 0: a table up to 256, log-gamma beyond. */
export function logFactorial(n: number): number {
  return LOG_FACTORIALS[n] ?? logGamma(n + 1);
}

/** ln C(n, k) for integers 0 ≤ k ≤ n. */
export function logBinomialCoefficient(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

/** ln P(X = k) for X ~ Binomial(n, p); −Infinity outside the support, exact at p = 0 and p = 1. */
export function logBinomialPmf(k: number, n: number, p: number): number {
  checkBinomial(k, n, p);
  if (k < 0 || k > n) return -Infinity;
  if (p === 0) return k === 0 ? 0 : -Infinity;
  if (p === 1) return k === n ? 0 : -Infinity;
  return logBinomialCoefficient(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p);
}

/** P(X = k) for X ~ Binomial(n, p). */
export function binomialPmf(k: number, n: number, p: number): number {
  return Math.exp(logBinomialPmf(k, n, p));
}

/** P(X ≥ k) for X ~ Binomial(n, p). */
export function binomialUpperTail(k: number, n: number, p: number): number {
  checkBinomial(k, n, p);
  if (k <= 0) return 1;
  if (k > n) return 0;
  return sumExp(rangeLog(k, n, (j) => logBinomialPmf(j, n, p)));
}

/** P(X ≤ k) for X ~ Binomial(n, p). */
export function binomialLowerTail(k: number, n: number, p: number): number {
  checkBinomial(k, n, p);
  if (k < 0) return 0;
  if (k >= n) return 1;
  return sumExp(rangeLog(0, k, (j) => logBinomialPmf(j, n, p)));
}

/** Two-sided mid-p value of observing k events in n trials when the event probability is p. */
export function binomialMidPTwoSided(k: number, n: number, p: number): number {
  const halfPoint = 0.5 * binomialPmf(k, n, p);
  const below = binomialLowerTail(k - 1, n, p) + halfPoint;
  const above = binomialUpperTail(k + 1, n, p) + halfPoint;
  return Math.min(1, 2 * Math.min(below, above));
}

/** ln P(X = k) for X ~ Poisson(mu); −Infinity outside the support, exact at mu = 0. */
export function logPoissonPmf(k: number, mu: number): number {
  checkPoisson(k, mu);
  if (k < 0) return -Infinity;
  if (mu === 0) return k === 0 ? 0 : -Infinity;
  return k * Math.log(mu) - mu - logFactorial(k);
}

/** P(X = k) for X ~ Poisson(mu). */
export function poissonPmf(k: number, mu: number): number {
  return Math.exp(logPoissonPmf(k, mu));
}

/**
 * P(X ≥ k) for X ~ Poisson(mu). Above the mean the tail is summed directly (terms shrink
 * geometrically); at or below the mean it is the complement of a lower tail of at most one half-ish,
 * so the subtraction loses no precision.
 */
export function poissonUpperTail(k: number, mu: number): number {
  checkPoisson(k, mu);
  if (k <= 0) return 1;
  return k > mu ? poissonTailFrom(k, mu) : 1 - poissonLowerTail(k - 1, mu);
}

/** P(X ≤ k) for X ~ Poisson(mu). */
export function poissonLowerTail(k: number, mu: number): number {
  checkPoisson(k, mu);
  if (k < 0) return 0;
  if (k + 1 > mu) return 1 - poissonTailFrom(k + 1, mu);
  return sumExp(rangeLog(0, k, (j) => logPoissonPmf(j, mu)));
}

/** Two-sided mid-p value of observing k events when mu are expected. */
export function poissonMidPTwoSided(k: number, mu: number): number {
  const halfPoint = 0.5 * poissonPmf(k, mu);
  const below = poissonLowerTail(k - 1, mu) + halfPoint;
  const above = poissonUpperTail(k + 1, mu) + halfPoint;
  return Math.min(1, 2 * Math.min(below, above));
}

/** Wilson score interval for the proportion k/n; z defaults to the two-sided 95% quantile. */
export function wilsonInterval(k: number, n: number, z: number = Z_95): { lower: number; upper: number } {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(k) || k < 0 || k > n) {
    throw new RangeError(`wilsonInterval needs integers 0 ≤ k ≤ n, got k = ${k}, n = ${n}`);
  }
  if (n === 0) return { lower: 0, upper: 1 };
  const proportion = k / n;
  const zz = z * z;
  const scale = 1 + zz / n;
  const centre = (proportion + zz / (2 * n)) / scale;
  const halfWidth = (z / scale) * Math.sqrt((proportion * (1 - proportion)) / n + zz / (4 * n * n));
  return {
    lower: k === 0 ? 0 : Math.max(0, centre - halfWidth),
    upper: k === n ? 1 : Math.min(1, centre + halfWidth),
  };
}

/** Σ exp(logTerms) without overflow or all-terms underflow: factor out the largest term. */
function sumExp(logTerms: readonly number[]): number {
  const largest = logTerms.reduce((max, term) => Math.max(max, term), -Infinity);
  if (largest === -Infinity) return 0;
  let sum = 0;
  for (const term of logTerms) sum += Math.exp(term - largest);
  return Math.min(1, Math.exp(largest) * sum);
}

function rangeLog(from: number, to: number, logTerm: (j: number) => number): number[] {
  const terms: number[] = [];
  for (let j = from; j <= to; j++) terms.push(logTerm(j));
  return terms;
}

/** Σ_{j ≥ k} P(X = j) for k > mu: terms decrease, stop once they no longer change the sum. */
function poissonTailFrom(k: number, mu: number): number {
  const first = logPoissonPmf(k, mu);
  if (first === -Infinity) return 0;
  let term = 1;
  let sum = 1;
  for (let j = k + 1; term > sum * Number.EPSILON; j++) {
    term *= mu / j;
    sum += term;
  }
  return Math.min(1, Math.exp(first) * sum);
}

function checkBinomial(k: number, n: number, p: number): void {
  if (!Number.isInteger(k)) throw new RangeError(`k must be an integer, got ${k}`);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must lie in [0, 1], got ${p}`);
}

function checkPoisson(k: number, mu: number): void {
  if (!Number.isInteger(k)) throw new RangeError(`k must be an integer, got ${k}`);
  if (!(mu >= 0 && Number.isFinite(mu))) throw new RangeError(`mu must be finite and ≥ 0, got ${mu}`);
}
