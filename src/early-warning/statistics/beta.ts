/**
 * The regularised incomplete beta function I_x(a, b) and its inverse (the Beta quantile function).
 *
 * I_x(a, b) is evaluated with its continued fraction (Abramowitz & Stegun 26.5.8) by the modified
 * Lentz method (Lentz 1976; Thompson & Barnett 1986), as in Numerical Recipes §6.4: the fraction
 * converges fast for x < (a + 1) / (a + b + 2), and the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) is
 * used above that point. The inverse solves I_x(a, b) = p by Newton's method on the log-odds of x,
 * safeguarded by bisection: on the log-odds scale the power-law tails of small shape parameters
 * (a quantile of 1e-30 is ordinary for Beta(0.05, 200)) become nearly linear, so Newton converges in
 * a few steps where it would overshoot on x itself.
 */
import { logGamma } from './binomial.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
const MAX_FRACTION_TERMS = 100_000;
const FRACTION_EPSILON = 1e-15;
const TINY = 1e-300;
const MAX_INVERSE_STEPS = 300;
/** Log-odds beyond ±750 are 0 or 1 in double precision. */
const LOG_ODDS_LIMIT = 750;

/**
 * ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). For large arguments the three log-gammas are huge and
 * nearly cancel, so (as in R's `lbeta`) the Stirling terms are combined analytically and only the
 * small Stirling remainders are subtracted.
 */
export function logBeta(a: number, b: number): number {
  const small = Math.min(a, b);
  const large = Math.max(a, b);
  const total = a + b;
  if (small >= 10) {
    const remainder = stirlingRemainder(small) + stirlingRemainder(large) - stirlingRemainder(total);
    const stirling = (small - 0.5) * Math.log(small / total) + large * Math.log1p(-small / total);
    return -0.5 * Math.log(large) + HALF_LOG_TWO_PI + remainder + stirling;
  }
  if (large >= 10) {
    const remainder = stirlingRemainder(large) - stirlingRemainder(total);
    return logGamma(small) + remainder + small - small * Math.log(total) + (large - 0.5) * Math.log1p(-small / total);
  }
  return logGamma(a) + logGamma(b) - logGamma(total);
}

/** ln Γ(x) − [(x − ½) ln x − x + ½ ln 2π] for x ≥ 10: the Stirling series, error below 1e-14. */
function stirlingRemainder(x: number): number {
  const inverseSquare = 1 / (x * x);
  return (1 / 12 - inverseSquare * (1 / 360 - inverseSquare * (1 / 1260 - inverseSquare * (1 / 1680 - inverseSquare / 1188)))) / x;
}

/** I_x(a, b) = P(X ≤ x) for X ~ Beta(a, b), with a, b > 0. */
export function regularizedBeta(x: number, a: number, b: number): number {
  checkShapes(a, b);
  if (Number.isNaN(x)) throw new RangeError('regularizedBeta needs a number x');
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b);
  if (x < (a + 1) / (a + b + 2)) return Math.exp(logFront) * betaContinuedFraction(x, a, b) / a;
  return 1 - Math.exp(logFront) * betaContinuedFraction(1 - x, b, a) / b;
}

/** The x with I_x(a, b) = probability, i.e. the Beta(a, b) quantile. */
export function inverseRegularizedBeta(probability: number, a: number, b: number): number {
  checkShapes(a, b);
  if (!(probability >= 0 && probability <= 1)) throw new RangeError(`probability must lie in [0, 1], got ${probability}`);
  if (probability === 0) return 0;
  if (probability === 1) return 1;
  const logNormaliser = logBeta(a, b);
  let low = -LOG_ODDS_LIMIT;
  let high = LOG_ODDS_LIMIT;
  let logOdds = Math.log(a / b);
  for (let step = 0; step < MAX_INVERSE_STEPS; step++) {
    const excess = regularizedBeta(logistic(logOdds), a, b) - probability;
    if (excess === 0) break;
    if (excess < 0) low = logOdds;
    else high = logOdds;
    // dI/du at x = logistic(u) is x^a (1 − x)^b / B(a, b).
    const slope = Math.exp(-a * softplus(-logOdds) - b * softplus(logOdds) - logNormaliser);
    let next = logOdds - excess / slope;
    if (!(next > low && next < high)) next = (low + high) / 2;
    const converged = Math.abs(next - logOdds) <= 1e-13 * Math.max(1, Math.abs(logOdds));
    logOdds = next;
    if (converged || high - low <= 1e-13) break;
  }
  return logistic(logOdds);
}

/** Continued fraction for I_x(a, b) (Numerical Recipes `betacf`), modified Lentz evaluation. */
function betaContinuedFraction(x: number, a: number, b: number): number {
  let c = 1;
  let d = nonZero(1 - ((a + b) * x) / (a + 1));
  d = 1 / d;
  let fraction = d;
  for (let m = 1; m <= MAX_FRACTION_TERMS; m++) {
    const twoM = 2 * m;
    const even = (m * (b - m) * x) / ((a + twoM - 1) * (a + twoM));
    d = 1 / nonZero(1 + even * d);
    c = nonZero(1 + even / c);
    fraction *= d * c;
    const odd = (-(a + m) * (a + b + m) * x) / ((a + twoM) * (a + twoM + 1));
    d = 1 / nonZero(1 + odd * d);
    c = nonZero(1 + odd / c);
    const delta = d * c;
    fraction *= delta;
    if (Math.abs(delta - 1) < FRACTION_EPSILON) return fraction;
  }
  throw new Error(`incomplete beta continued fraction did not converge for x = ${x}, a = ${a}, b = ${b}`);
}

function nonZero(value: number): number {
  return Math.abs(value) < TINY ? TINY : value;
}

function logistic(logOdds: number): number {
  return 1 / (1 + Math.exp(-logOdds));
}

/** ln(1 + e^t) without overflow. */
function softplus(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

function checkShapes(a: number, b: number): void {
  if (!(a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b))) {
    throw new RangeError(`Beta shape parameters must be finite and > 0, got a = ${a}, b = ${b}`);
  }
}
