/**
 * The standard normal upper tail Q(z) = P(Z ≥ z) = ½ erfc(z / √2), accurate to ~1e-14 relative
 * over the whole line, including the far tail where 1 − Φ(z) would cancel to 0.
 *
 * erfc is evaluated from two classical expansions (Abramowitz & Stegun 1964):
 *   - below x = 2, erf by its series with positive terms only, 7.1.6:
 *       erf x = (2/√π) e^(−x²) Σ 2ⁿ x^(2n+1) / (1·3···(2n+1)),
 *     then erfc = 1 − erf (at most ~2.3 digits are lost at x = 2);
 *   - from x = 2, the Laplace continued fraction 7.1.14,
 *       erfc x = (e^(−x²)/√π) · 1/(x + ½/(x + 1/(x + (3/2)/(x + …)))),
 *     evaluated with the modified Lentz method (Lentz 1976), which converges quickly there.
 */

const SWITCH_TO_FRACTION = 2;
const TINY = 1e-300;
const MAX_TERMS = 500;

/** P(Z ≥ z) for a standard normal Z. */
export function normalUpperTail(z: number): number {
  if (Number.isNaN(z)) throw new RangeError('normalUpperTail needs a number');
  return 0.5 * complementaryErrorFunction(z / Math.SQRT2);
}

/** erfc(x) = 1 − erf(x). */
export function complementaryErrorFunction(x: number): number {
  if (x < 0) return 2 - complementaryErrorFunction(-x);
  if (x < SWITCH_TO_FRACTION) return 1 - errorFunctionSeries(x);
  return (Math.exp(-x * x) / Math.sqrt(Math.PI)) * laplaceContinuedFraction(x);
}

function errorFunctionSeries(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n <= MAX_TERMS && term > sum * Number.EPSILON; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
}

/** 1/(x + a₁/(x + a₂/(x + …))) with aₙ = n/2, by the modified Lentz method. */
function laplaceContinuedFraction(x: number): number {
  if (x === Infinity) return 0;
  let fraction = x;
  let c = x;
  let d = 0;
  for (let n = 1; n <= MAX_TERMS; n++) {
    const numerator = n / 2;
    d = 1 / nonZero(x + numerator * d);
    c = nonZero(x + numerator / c);
    const delta = c * d;
    fraction *= delta;
    if (Math.abs(delta - 1) < Number.EPSILON) break;
  }
  return 1 / fraction;
}

function nonZero(value: number): number {
  return Math.abs(value) < TINY ? TINY : value;
}
