import { describe, expect, it } from '@jest/globals';
import { prng as mulberry32 } from '../../../test/fixtures/disclosure/random-cube.js';
import { inverseRegularizedBeta, logBeta, regularizedBeta } from './beta.js';
import { binomialUpperTail } from './binomial.js';

// Reference values are R's pbeta(x, a, b) and qbeta(p, a, b); they were computed for this file with
// mpmath.betainc at 30 digits and scipy.special.betaincinv (Boost).

function expectRelativelyClose(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected));
}

describe('logBeta', () => {
  it.each([
    [0.5, 0.5, 1.1447298858494002], // ln π
    [2, 3, -2.4849066497880004], // ln(1/12)
    [3, 1e4, -26.938173910371603],
    [10, 10, -13.736229227036555],
    [12.5, 0.2, 1.0253681547971414],
    [150003, 850007, -422720.8757954645],
    [1e5, 1e5, -138633.92706134808],
  ])('lbeta(%p, %p) = %p (mpmath, 40 digits)', (a, b, expected) => {
    expectRelativelyClose(logBeta(a, b), expected, 1e-13);
  });
});

describe('regularizedBeta', () => {
  it('satisfies the closed forms I_0.5(a, a) = ½, I_x(1, 1) = x, I_x(a, 1) = x^a, I_x(1, b) = 1 − (1 − x)^b', () => {
    for (const a of [0.1, 0.5, 1, 3, 17.5, 200, 1e5, 1e6]) expect(regularizedBeta(0.5, a, a)).toBeCloseTo(0.5, 10);
    for (const x of [0.001, 0.2, 0.5, 0.77, 0.999]) {
      expect(regularizedBeta(x, 1, 1)).toBeCloseTo(x, 14);
      for (const a of [0.3, 2, 7.5]) expectRelativelyClose(regularizedBeta(x, a, 1), x ** a, 1e-12);
      for (const b of [0.3, 2, 7.5]) expectRelativelyClose(regularizedBeta(x, 1, b), 1 - (1 - x) ** b, 1e-12);
    }
  });

  it.each([
    [0.4, 2, 3, 0.5248], // = P(Bin(4, 0.4) ≥ 2) = 0.3456 + 0.1536 + 0.0256, by hand
    [0.3, 0.5, 0.5, 0.36901011956554536], // arcsine law: (2/π) asin(√0.3)
    [0.2, 10, 40, 0.5282957856733863],
    [0.9, 50, 2, 0.030922651243920712],
    [0.15, 600, 3400, 0.504122117306059],
    [0.001, 0.05, 200, 0.939136276326416],
    [0.1501, 150000, 850000, 0.6105136951107047],
    [0.149, 150000, 850000, 0.0025154159768457436],
  ])('pbeta(%p, %p, %p) = %p', (x, a, b, expected) => {
    expectRelativelyClose(regularizedBeta(x, a, b), expected, 1e-8);
  });

  it('agrees with the arcsine closed form and the binomial tail identity (seeded)', () => {
    const random = mulberry32(1976);
    for (let trial = 0; trial < 300; trial++) {
      const x = random();
      expect(regularizedBeta(x, 0.5, 0.5)).toBeCloseTo((2 / Math.PI) * Math.asin(Math.sqrt(x)), 12);
      // I_p(k, n − k + 1) = P(Binomial(n, p) ≥ k) for 1 ≤ k ≤ n
      const n = 1 + Math.floor(random() * 200);
      const k = 1 + Math.floor(random() * n);
      expect(regularizedBeta(x, k, n - k + 1)).toBeCloseTo(binomialUpperTail(k, n, x), 12);
    }
  });

  it('is 0 and 1 at the ends and refuses invalid shapes', () => {
    expect(regularizedBeta(0, 2, 3)).toBe(0);
    expect(regularizedBeta(-1, 2, 3)).toBe(0);
    expect(regularizedBeta(1, 2, 3)).toBe(1);
    expect(() => regularizedBeta(0.5, 0, 3)).toThrow(RangeError);
    expect(() => regularizedBeta(0.5, 2, Infinity)).toThrow(RangeError);
    expect(() => regularizedBeta(Number.NaN, 2, 3)).toThrow(RangeError);
  });
});

describe('inverseRegularizedBeta', () => {
  it.each([
    [0.025, 4, 8, 0.10926344381909811],
    [0.975, 4, 8, 0.6097425595724212],
    [0.5, 2, 3, 0.3857275681323895],
    [0.025, 6, 34, 0.05862426286078934],
    [0.975, 6, 34, 0.2742994104447158],
    [0.025, 0.05, 200, 2.66415553956005e-35], // a far, power-law lower tail
    [0.975, 0.05, 200, 0.0028385790547871283],
    [0.025, 0.3, 0.7, 7.6005358168401625e-6],
    [0.025, 150003, 850007, 0.14930231720719106], // a nearly fully shrunk posterior
  ])('qbeta(%p, %p, %p) = %p', (p, a, b, expected) => {
    expectRelativelyClose(inverseRegularizedBeta(p, a, b), expected, 1e-9);
  });

  it('inverts the closed forms', () => {
    expect(inverseRegularizedBeta(0.3, 1, 1)).toBeCloseTo(0.3, 14);
    expectRelativelyClose(inverseRegularizedBeta(0.3, 4, 1), 0.3 ** (1 / 4), 1e-12);
    expect(inverseRegularizedBeta(0.5, 9, 9)).toBeCloseTo(0.5, 12);
    expect(inverseRegularizedBeta(0, 2, 3)).toBe(0);
    expect(inverseRegularizedBeta(1, 2, 3)).toBe(1);
    expect(() => inverseRegularizedBeta(1.5, 2, 3)).toThrow(RangeError);
  });

  it('round-trips through regularizedBeta (seeded)', () => {
    const random = mulberry32(86);
    for (let trial = 0; trial < 300; trial++) {
      const a = 0.05 + random() * 300;
      const b = 0.05 + random() * 300;
      const p = 0.001 + 0.998 * random();
      expect(regularizedBeta(inverseRegularizedBeta(p, a, b), a, b)).toBeCloseTo(p, 10);
    }
  });
});
