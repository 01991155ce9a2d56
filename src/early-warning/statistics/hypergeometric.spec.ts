import { describe, expect, it } from '@jest/globals';
import { prng as mulberry32 } from '../../../test/fixtures/disclosure/random-cube.js';
import { binomialMidPTwoSided } from './binomial.js';
import {
  hypergeometricLowerTail,
  hypergeometricMidPTwoSided,
  hypergeometricPmf,
  hypergeometricUpperTail,
  logHypergeometricPmf,
} from './hypergeometric.js';

// Reference values are R's dhyper/phyper; computed for this file with exact rational arithmetic
// (Python fractions). Argument order here: (k, successes, draws, population); R's phyper(q, m, n, k)
// has m = successes, n = population − successes, k = draws.

function expectRelativelyClose(actual: number, expected: number, tolerance = 1e-10): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected));
}

describe('hypergeometric distribution', () => {
  it("reproduces Fisher's tea-tasting experiment", () => {
    // 4 of 8 cups have milk first, the lady picks 4: P(X = 4) = 1/70, P(X = 3) = 16/70;
    // R: fisher.test(matrix(c(3, 1, 1, 3), 2), alternative = "greater")$p.value = 17/70 = 0.2428571
    expectRelativelyClose(hypergeometricPmf(4, 4, 4, 8), 1 / 70);
    expectRelativelyClose(hypergeometricPmf(3, 4, 4, 8), 16 / 70);
    expectRelativelyClose(hypergeometricUpperTail(3, 4, 4, 8), 17 / 70);
    // mid-p: 2 · (1/70 + ½ · 16/70) = 18/70
    expectRelativelyClose(hypergeometricMidPTwoSided(3, 4, 4, 8), 18 / 70);
  });

  it('matches R phyper', () => {
    // R: phyper(2, 10, 30, 8) = 0.6882649607107811
    expectRelativelyClose(hypergeometricLowerTail(2, 10, 8, 40), 0.6882649607107811);
    // R: phyper(5, 20, 80, 20) = 0.827267952785783
    expectRelativelyClose(hypergeometricLowerTail(5, 20, 20, 100), 0.827267952785783);
    // R: phyper(0, 15, 185, 50) = 0.01110038926711145
    expectRelativelyClose(hypergeometricLowerTail(0, 15, 50, 200), 0.01110038926711145);
    // R: phyper(40, 190, 1000, 100, lower.tail = FALSE) = 2.304379923379049e-10 (far upper tail)
    expectRelativelyClose(hypergeometricUpperTail(41, 190, 100, 1190), 2.304379923379049e-10);
  });

  it.each([
    [3, 23, 10, 110, 0.4751547282241578],
    [40, 190, 100, 1100, 1.4066364728148151e-8],
    [1, 1, 5, 505, 0.009900990099009901], // 2 · ½ · 5/505: the single event falls in the unit
    [0, 30, 150, 1150, 0.014254785721568642],
    [12, 30, 40, 300, 0.00011122054773362097],
  ])('two-sided mid-p of k = %p (successes %p, draws %p, population %p) is %p', (k, successes, draws, population, expected) => {
    expectRelativelyClose(hypergeometricMidPTwoSided(k, successes, draws, population), expected);
  });

  it('respects the support and degenerate cases', () => {
    // 8 draws from 10 with 5 successes: at least 3 successes are drawn.
    expect(logHypergeometricPmf(2, 5, 8, 10)).toBe(-Infinity);
    expect(hypergeometricLowerTail(2, 5, 8, 10)).toBe(0);
    expect(hypergeometricUpperTail(3, 5, 8, 10)).toBe(1);
    expect(hypergeometricUpperTail(6, 5, 8, 10)).toBe(0);
    expect(hypergeometricLowerTail(5, 5, 8, 10)).toBe(1);
    // Drawing everything, or nothing: one possible outcome.
    expect(hypergeometricPmf(5, 5, 10, 10)).toBe(1);
    expect(hypergeometricMidPTwoSided(5, 5, 10, 10)).toBe(1);
    expect(hypergeometricMidPTwoSided(0, 5, 0, 10)).toBe(1);
    expect(hypergeometricMidPTwoSided(0, 0, 4, 10)).toBe(1);
  });

  it('refuses impossible parameters', () => {
    expect(() => hypergeometricPmf(1, 11, 3, 10)).toThrow(RangeError);
    expect(() => hypergeometricPmf(1, 3, 11, 10)).toThrow(RangeError);
    expect(() => hypergeometricPmf(0.5, 3, 4, 10)).toThrow(RangeError);
    expect(() => hypergeometricPmf(1, 3, 4, 10.5)).toThrow(RangeError);
  });

  it('has tails that add up to one plus the point probability (seeded)', () => {
    const random = mulberry32(1935);
    for (let trial = 0; trial < 300; trial++) {
      const population = 1 + Math.floor(random() * 400);
      const successes = Math.floor(random() * (population + 1));
      const draws = Math.floor(random() * (population + 1));
      const k = Math.floor(random() * (Math.min(successes, draws) + 1));
      const sum = hypergeometricLowerTail(k, successes, draws, population) + hypergeometricUpperTail(k, successes, draws, population);
      expect(sum).toBeCloseTo(1 + hypergeometricPmf(k, successes, draws, population), 11);
    }
  });

  it('approaches the binomial test when the rest of the population is large', () => {
    // 10 draws, 3 successes; the other 10⁶ members have rate 0.2.
    const fisher = hypergeometricMidPTwoSided(3, 3 + 200_000, 10, 10 + 1_000_000);
    expect(fisher).toBeCloseTo(binomialMidPTwoSided(3, 10, 0.2), 4);
  });
});
