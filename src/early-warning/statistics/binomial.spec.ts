import { describe, expect, it } from '@jest/globals';
import { prng as mulberry32 } from '../../../test/fixtures/disclosure/random-cube.js';
import {
  binomialLowerTail,
  binomialMidPTwoSided,
  binomialPmf,
  binomialUpperTail,
  logBinomialPmf,
  logGamma,
  poissonLowerTail,
  poissonMidPTwoSided,
  poissonPmf,
  poissonUpperTail,
  wilsonInterval,
} from './binomial.js';

function expectRelativelyClose(actual: number, expected: number, tolerance = 1e-10): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected));
}

describe('logGamma', () => {
  // Reference values: R lgamma(x), cross-checked with mpmath.loggamma at 30 digits.
  it.each([
    [0.1, 2.252712651734206],
    [0.5, 0.5723649429247001], // ln √π
    [1.5, -0.12078223763524522], // ln(√π / 2)
    [3.7, 1.428072326665388],
    [10, 12.801827480081469], // ln 9! = ln 362880
    [100, 359.1342053695754],
    [171.3, 708.1149470389969],
    [1000.5, 5908.674175848678],
    [1e-8, 18.42068073818021],
  ])('lgamma(%p) = %p to 1e-12 relative', (x, expected) => {
    expectRelativelyClose(logGamma(x), expected, 1e-12);
  });

  it('is zero (to rounding) at 1 and 2 and matches log factorials', () => {
    expect(Math.abs(logGamma(1))).toBeLessThan(1e-14);
    expect(Math.abs(logGamma(2))).toBeLessThan(1e-14);
    let logFactorial = 0;
    for (let n = 1; n <= 30; n++) {
      logFactorial += Math.log(n);
      expectRelativelyClose(logGamma(n + 1), logFactorial, 1e-12);
    }
  });

  it('refuses x ≤ 0 and NaN', () => {
    expect(() => logGamma(0)).toThrow(RangeError);
    expect(() => logGamma(-1.5)).toThrow(RangeError);
    expect(() => logGamma(Number.NaN)).toThrow(RangeError);
  });
});

describe('binomial distribution', () => {
  it('matches R dbinom / pbinom', () => {
    // R: dbinom(3, 10, 0.1) = 0.057395628; pbinom(2, 10, 0.1) = 0.9298091736; pbinom(3, 10, 0.1) = 0.9872048016
    expectRelativelyClose(binomialPmf(3, 10, 0.1), 0.057395628);
    expectRelativelyClose(binomialLowerTail(2, 10, 0.1), 0.9298091736);
    expectRelativelyClose(binomialLowerTail(3, 10, 0.1), 0.9872048016);
    // R: 1 - pbinom(2, 10, 0.1) = 0.0701908264 (also binom.test(3, 10, 0.1)$p.value: no lower outcome is as unlikely)
    expectRelativelyClose(binomialUpperTail(3, 10, 0.1), 0.0701908264);
    // R: pbinom(10, 100, 0.15) = 0.09944740049806872
    expectRelativelyClose(binomialLowerTail(10, 100, 0.15), 0.09944740049806872);
    // R: pbinom(39, 100, 0.15, lower.tail = FALSE) = 1.187705746405015e-09 (no cancellation in a far tail)
    expectRelativelyClose(binomialUpperTail(40, 100, 0.15), 1.1877057464050153e-9);
    // R: dbinom(0, 200, 0.02) = 0.98^200 = 0.01758794660572157
    expectRelativelyClose(binomialLowerTail(0, 200, 0.02), 0.017587946605721563);
    // 0.1^50 = 1e-50: the extreme tail is representable, not rounded to 0
    expectRelativelyClose(binomialUpperTail(50, 50, 0.1), 1e-50);
  });

  it('handles the edges k = 0, k = n, n = 0, p = 0 and p = 1 exactly', () => {
    expect(logBinomialPmf(0, 10, 0)).toBe(0);
    expect(logBinomialPmf(1, 10, 0)).toBe(-Infinity);
    expect(logBinomialPmf(10, 10, 1)).toBe(0);
    expect(logBinomialPmf(9, 10, 1)).toBe(-Infinity);
    expect(binomialPmf(0, 0, 0.3)).toBe(1);
    expect(binomialPmf(-1, 10, 0.3)).toBe(0);
    expect(binomialPmf(11, 10, 0.3)).toBe(0);
    expect(binomialUpperTail(0, 10, 0.3)).toBe(1);
    expect(binomialUpperTail(11, 10, 0.3)).toBe(0);
    expect(binomialLowerTail(10, 10, 0.3)).toBe(1);
    expect(binomialLowerTail(-1, 10, 0.3)).toBe(0);
    expect(binomialUpperTail(1, 10, 0)).toBe(0);
    expect(binomialLowerTail(9, 10, 1)).toBe(0);
    expectRelativelyClose(binomialPmf(10, 10, 0.5), 2 ** -10, 1e-12);
    expectRelativelyClose(binomialPmf(0, 10, 0.5), 2 ** -10, 1e-12);
  });

  it('refuses non-integer counts and probabilities outside [0, 1]', () => {
    expect(() => binomialPmf(1.5, 10, 0.3)).toThrow(RangeError);
    expect(() => binomialUpperTail(1, -1, 0.3)).toThrow(RangeError);
    expect(() => binomialLowerTail(1, 10, 1.2)).toThrow(RangeError);
    expect(() => binomialMidPTwoSided(1, 10, Number.NaN)).toThrow(RangeError);
  });

  it('has tails that add up to one plus the point probability (seeded property)', () => {
    const random = mulberry32(20240611);
    for (let trial = 0; trial < 500; trial++) {
      const n = Math.floor(random() * 201);
      const k = Math.floor(random() * (n + 1));
      const p = random();
      const sum = binomialUpperTail(k, n, p) + binomialLowerTail(k, n, p);
      expect(sum).toBeCloseTo(1 + binomialPmf(k, n, p), 12);
    }
  });

  it('sums point probabilities to one', () => {
    for (const [n, p] of [
      [0, 0.4],
      [1, 0.4],
      [37, 0.013],
      [200, 0.5],
      [200, 0.97],
    ] as const) {
      let total = 0;
      for (let k = 0; k <= n; k++) total += binomialPmf(k, n, p);
      expect(total).toBeCloseTo(1, 12);
    }
  });
});

describe('binomialMidPTwoSided', () => {
  // Reference: 2 · min(P(X < k) + ½P(X = k), P(X > k) + ½P(X = k)) from the R pbinom/dbinom values,
  // evaluated with mpmath at 30 digits.
  it.each([
    [3, 10, 0.1, 0.0829860248], // 2 · (1 − 0.9872048016 + 0.057395628 / 2)
    [0, 10, 0.3, 0.0282475249], // 2 · ½ · 0.7^10
    [40, 100, 0.15, 1.4903577515416512e-9],
    [5, 20, 0.25, 0.9679858430827153],
    [1, 50, 0.2, 0.00020695091544236418],
  ])('k = %p, n = %p, p = %p gives %p', (k, n, p, expected) => {
    expectRelativelyClose(binomialMidPTwoSided(k, n, p), expected);
  });

  it('is below the exact two-sided p value of binom.test', () => {
    // R: binom.test(3, 10, 0.1)$p.value = 0.0701908264; mid-p counts only half of P(X = 3).
    expect(binomialMidPTwoSided(3, 10, 0.1)).toBeLessThan(0.0701908264 * 2);
    expect(binomialMidPTwoSided(3, 10, 0.1)).toBeLessThan(2 * binomialUpperTail(3, 10, 0.1));
  });

  it('is 1 when nothing can be observed and 0 for an impossible outcome', () => {
    expect(binomialMidPTwoSided(0, 0, 0.3)).toBe(1);
    expect(binomialMidPTwoSided(0, 10, 0)).toBe(1);
    expect(binomialMidPTwoSided(10, 10, 1)).toBe(1);
    expect(binomialMidPTwoSided(1, 10, 0)).toBe(0);
    expect(binomialMidPTwoSided(9, 10, 1)).toBe(0);
  });

  it('is symmetric under swapping successes and failures', () => {
    const random = mulberry32(7);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(random() * 200);
      const k = Math.floor(random() * (n + 1));
      const p = random();
      expect(binomialMidPTwoSided(k, n, p)).toBeCloseTo(binomialMidPTwoSided(n - k, n, 1 - p), 12);
    }
  });

  it('has a null distribution with mean ½ (the defining property of mid-p)', () => {
    // E[one-sided mid-p] = ½ exactly under H0 (Agresti 2013, §1.4.5); check it over the full support.
    for (const [n, p] of [
      [10, 0.1],
      [50, 0.3],
      [200, 0.02],
    ] as const) {
      let mean = 0;
      for (let k = 0; k <= n; k++) mean += binomialPmf(k, n, p) * (binomialUpperTail(k + 1, n, p) + 0.5 * binomialPmf(k, n, p));
      expect(mean).toBeCloseTo(0.5, 12);
    }
  });
});

describe('Poisson distribution', () => {
  it('matches R ppois', () => {
    // R: ppois(2, 3.5) = 0.3208471988621341; dpois(0, 2) = exp(-2)
    expectRelativelyClose(poissonLowerTail(2, 3.5), 0.3208471988621341);
    expectRelativelyClose(poissonPmf(0, 2), Math.exp(-2), 1e-14);
    // R: ppois(9, 4, lower.tail = FALSE) = 0.008132242796933863
    expectRelativelyClose(poissonUpperTail(10, 4), 0.008132242796933864);
    // R: ppois(29, 2, lower.tail = FALSE) = 5.855318609378577e-25 (far tail: 1 − ppois(29, 2) would cancel to 0)
    expectRelativelyClose(poissonUpperTail(30, 2), 5.855318609378577e-25);
    // R: ppois(49, 3, lower.tail = FALSE) = 1.248535487154193e-42
    expectRelativelyClose(poissonUpperTail(50, 3), 1.2485354871541929e-42);
    // R: ppois(100, 100) = 0.5265621985299985; ppois(99, 100, lower.tail = FALSE) = 0.5132987982791487
    expectRelativelyClose(poissonLowerTail(100, 100), 0.5265621985299984);
    expectRelativelyClose(poissonUpperTail(100, 100), 0.5132987982791487);
    // R: ppois(4, 0.25, lower.tail = FALSE) = 6.611710561034247e-06
    expectRelativelyClose(poissonUpperTail(5, 0.25), 6.611710561034247e-6);
  });

  it('handles k = 0 and mu = 0', () => {
    expect(poissonUpperTail(0, 3)).toBe(1);
    expect(poissonLowerTail(-1, 3)).toBe(0);
    expect(poissonPmf(0, 0)).toBe(1);
    expect(poissonPmf(1, 0)).toBe(0);
    expect(poissonUpperTail(1, 0)).toBe(0);
    expect(poissonLowerTail(0, 0)).toBe(1);
    expect(poissonMidPTwoSided(0, 0)).toBe(1);
    expect(poissonMidPTwoSided(2, 0)).toBe(0);
    expect(() => poissonPmf(0, -1)).toThrow(RangeError);
    expect(() => poissonPmf(0.5, 1)).toThrow(RangeError);
    expect(() => poissonUpperTail(1, Infinity)).toThrow(RangeError);
  });

  it.each([
    [7, 3, 0.04541303916519859],
    [0, 4, 0.01831563888873418], // 2 · ½ · e^-4
    [12, 12, 0.9624374183633171],
    [1, 6.5, 0.012779233140309366],
  ])('two-sided mid-p of k = %p at mu = %p is %p (from R ppois/dpois)', (k, mu, expected) => {
    expectRelativelyClose(poissonMidPTwoSided(k, mu), expected);
  });

  it('has tails that add up to one plus the point probability (seeded property)', () => {
    const random = mulberry32(99);
    for (let trial = 0; trial < 500; trial++) {
      const mu = random() * 60;
      const k = Math.floor(random() * 80);
      expect(poissonUpperTail(k, mu) + poissonLowerTail(k, mu)).toBeCloseTo(1 + poissonPmf(k, mu), 12);
    }
  });

  it('approaches the binomial for many trials with a small probability', () => {
    expect(poissonMidPTwoSided(7, 3)).toBeCloseTo(binomialMidPTwoSided(7, 30000, 1e-4), 3);
  });
});

describe('wilsonInterval', () => {
  it('matches the textbook formula and R prop.test(correct = FALSE)', () => {
    // R: prop.test(3, 10, correct = FALSE)$conf.int = 0.1077913 0.6032219
    const { lower, upper } = wilsonInterval(3, 10);
    expect(lower).toBeCloseTo(0.1077913, 7);
    expect(upper).toBeCloseTo(0.6032219, 7);
    // R: prop.test(40, 100, correct = FALSE)$conf.int = 0.3094013 0.4979974
    const big = wilsonInterval(40, 100);
    expect(big.lower).toBeCloseTo(0.3094013, 7);
    expect(big.upper).toBeCloseTo(0.4979974, 7);
  });

  it('pins the ends at k = 0 and k = n, and is [0, 1] without data', () => {
    expect(wilsonInterval(0, 0)).toEqual({ lower: 0, upper: 1 });
    const none = wilsonInterval(0, 20);
    expect(none.lower).toBe(0);
    // upper = z² / (n + z²) when k = 0
    expect(none.upper).toBeCloseTo(1.959963984540054 ** 2 / (20 + 1.959963984540054 ** 2), 14);
    const all = wilsonInterval(20, 20);
    expect(all.upper).toBe(1);
    expect(all.lower).toBeCloseTo(20 / (20 + 1.959963984540054 ** 2), 14);
  });

  it('narrows with a smaller z and always contains the proportion', () => {
    const random = mulberry32(3);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(random() * 200);
      const k = Math.floor(random() * (n + 1));
      const wide = wilsonInterval(k, n);
      const narrow = wilsonInterval(k, n, 1);
      expect(wide.lower).toBeLessThanOrEqual(k / n);
      expect(wide.upper).toBeGreaterThanOrEqual(k / n);
      expect(narrow.lower).toBeGreaterThanOrEqual(wide.lower);
      expect(narrow.upper).toBeLessThanOrEqual(wide.upper);
    }
  });

  it('refuses k outside 0..n', () => {
    expect(() => wilsonInterval(11, 10)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 10)).toThrow(RangeError);
  });
});
