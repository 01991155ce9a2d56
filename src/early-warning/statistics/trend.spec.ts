import { describe, expect, it } from '@jest/globals';
import { binomialDraw, poissonDraw } from '../../../test/fixtures/statistics/draws.js';
import { prng as mulberry32 } from '../../../test/fixtures/disclosure/random-cube.js';
import { trendTest, type TrendPoint } from './trend.js';

const rates = (pairs: readonly (readonly [number, number])[]): TrendPoint[] => pairs.map(([n, d], i) => ({ period: `2025-Q${i + 1}`, n, d }));
const counts = (values: readonly number[]): TrendPoint[] => values.map((n, i) => ({ period: `2025-${i + 1}`, n, d: null }));

describe('trendTest on rates (Cochran–Armitage)', () => {
  it('matches R prop.trend.test on its documentation example', () => {
    // R: prop.trend.test(c(83, 90, 129, 70), c(86, 93, 136, 82)): X-squared = 8.2249, p-value = 0.004132
    const result = trendTest(rates([[83, 86], [90, 93], [129, 136], [70, 82]]));
    expect(result.pValue).toBeCloseTo(0.004131897477641593, 9);
    expect(result.direction).toBe('falling');
  });

  it('finds a clearly rising series', () => {
    // z² = 19.6078 (R: prop.trend.test(c(5, 10, 15, 20, 25), rep(100, 5))), p = 9.5078e-06
    const result = trendTest(rates([[5, 100], [10, 100], [15, 100], [20, 100], [25, 100]]));
    expect(result.pValue).toBeLessThan(0.01);
    expect(result.pValue).toBeCloseTo(9.507809537672451e-6, 12);
    expect(result.direction).toBe('rising');
    expect(result.slope).toBeCloseTo(0.05, 14);
  });

  it('sees no trend in a flat series', () => {
    // R: prop.trend.test(c(10, 12, 9, 11, 10), rep(100, 5)): X-squared = 0.010731, p-value = 0.9175
    const result = trendTest(rates([[10, 100], [12, 100], [9, 100], [11, 100], [10, 100]]));
    expect(result.pValue).toBeGreaterThan(0.2);
    expect(result.pValue).toBeCloseTo(0.9174925482974902, 9);
    expect(result.slope).toBeCloseTo(-0.001, 14);
  });

  it('needs three periods with a denominator', () => {
    expect(trendTest([])).toEqual({ slope: 0, pValue: 1, direction: 'none' });
    expect(trendTest(rates([[1, 10]]))).toEqual({ slope: 0, pValue: 1, direction: 'none' });
    const two = trendTest(rates([[1, 100], [40, 100]]));
    expect(two).toEqual({ slope: expect.any(Number), pValue: 1, direction: 'none' });
    expect(two.slope).toBeCloseTo(0.39, 14);
    expect(trendTest(rates([[1, 100], [0, 0], [40, 100]])).pValue).toBe(1);
  });

  it('keeps period positions when a period has no denominator', () => {
    const withGap = trendTest(rates([[5, 100], [0, 0], [15, 100], [20, 100]]));
    expect(withGap.slope).toBeCloseTo(0.05, 14);
    expect(withGap.direction).toBe('rising');
  });

  it('returns p = 1 when every period has rate 0 or every period has rate 1', () => {
    expect(trendTest(rates([[0, 10], [0, 20], [0, 30]]))).toEqual({ slope: 0, pValue: 1, direction: 'none' });
    expect(trendTest(rates([[10, 10], [20, 20], [30, 30]])).pValue).toBe(1);
  });

  it('refuses mixed or impossible series', () => {
    expect(() => trendTest([{ period: 'a', n: 1, d: 10 }, { period: 'b', n: 1, d: null }, { period: 'c', n: 1, d: 10 }])).toThrow(RangeError);
    expect(() => trendTest(rates([[11, 10], [1, 10], [1, 10]]))).toThrow(RangeError);
    expect(() => trendTest(rates([[-1, 10], [1, 10], [1, 10]]))).toThrow(RangeError);
  });

  it('holds its level on stable series and has power on drifting ones (seeded)', () => {
    const random = mulberry32(1955);
    let falseAlarms = 0;
    let detections = 0;
    const runs = 2000;
    for (let run = 0; run < runs; run++) {
      const stable = Array.from({ length: 6 }, () => {
        const d = 20 + Math.floor(random() * 180);
        return [binomialDraw(random, d, 0.12), d] as const;
      });
      if (trendTest(rates(stable)).pValue <= 0.05) falseAlarms++;
      const drifting = Array.from({ length: 6 }, (_, t) => [binomialDraw(random, 150, 0.08 + 0.03 * t), 150] as const);
      const result = trendTest(rates(drifting));
      if (result.pValue <= 0.05 && result.direction === 'rising') detections++;
    }
    expect(falseAlarms / runs).toBeLessThan(0.07);
    expect(detections / runs).toBeGreaterThan(0.9);
  });
});

describe('trendTest on counts (Poisson score test)', () => {
  it('matches the score statistic computed by hand', () => {
    // y = 2, 4, 6, 8, 10: U = Σ y(s − 2) = 20, Var U = ȳ Σ(s − 2)² = 6 · 10 = 60, z = 2.5820,
    // p = 2Q(2.5820) = 0.009823274507519249 (R: anova(glm(y ~ s, poisson), test = "Rao"): Rao = 6.6667)
    const result = trendTest(counts([2, 4, 6, 8, 10]));
    expect(result.pValue).toBeCloseTo(0.009823274507519249, 12);
    expect(result.direction).toBe('rising');
    expect(result.slope).toBeCloseTo(2, 14);
    // y = 3, 1, 0, 0: U = −5, Var U = 1 · 5, z = −√5, p = 0.025347318677468252
    const falling = trendTest(counts([3, 1, 0, 0]));
    expect(falling.pValue).toBeCloseTo(0.025347318677468252, 12);
    expect(falling.direction).toBe('falling');
  });

  it('sees nothing in constant or empty series', () => {
    expect(trendTest(counts([5, 5, 5, 5]))).toEqual({ slope: 0, pValue: 1, direction: 'none' });
    expect(trendTest(counts([0, 0, 0]))).toEqual({ slope: 0, pValue: 1, direction: 'none' });
    expect(trendTest(counts([0, 9]))).toEqual({ slope: 9, pValue: 1, direction: 'none' });
  });

  it('holds its level on stable Poisson counts (seeded)', () => {
    const random = mulberry32(77);
    let falseAlarms = 0;
    const runs = 3000;
    for (let run = 0; run < runs; run++) {
      if (trendTest(counts(Array.from({ length: 8 }, () => poissonDraw(random, 6)))).pValue <= 0.05) falseAlarms++;
    }
    expect(falseAlarms / runs).toBeLessThan(0.07);
  });
});
