import { describe, expect, it } from '@jest/globals';
import { binomialDraw } from '../../../test/fixtures/statistics/draws.js';
import { prng as mulberry32 } from '../../../test/fixtures/disclosure/random-cube.js';
import { centredPrior, FULL_SHRINKAGE_STRENGTH, fitBetaPrior, shrunkRate } from './shrinkage.js';

/** Beta(a, b) for whole a, b: the a-th smallest of a + b − 1 uniforms. */
function betaDraw(random: () => number, a: number, b: number): number {
  const uniforms = Array.from({ length: a + b - 1 }, random).sort((x, y) => x - y);
  return uniforms[a - 1]!;
}

describe('fitBetaPrior', () => {
  it('solves the moment equation by hand', () => {
    // Units 3/10 and 7/10: pooled μ = ½, S = 10·0.2² + 10·0.2² = 0.8, noise (k − 1)μ(1 − μ) = 0.25,
    // scale W − Σd²/W − (k − 1) = 20 − 10 − 1 = 9, τ² = 0.55 / 9, α + β = 0.25 / τ² − 1 = 34/11.
    const pooled = fitBetaPrior([
      { n: 3, d: 10 },
      { n: 7, d: 10 },
    ]);
    expect(pooled.alpha).toBeCloseTo(17 / 11, 12);
    expect(pooled.beta).toBeCloseTo(17 / 11, 12);
    // Units 2/10 and 8/10 around a given μ = ½: S = 1.8, noise kμ(1 − μ) = 0.5, scale W − k = 18,
    // τ² = 1.3 / 18, α + β = 0.25 · 18 / 1.3 − 1 = 32/13.
    const given = fitBetaPrior(
      [
        { n: 2, d: 10 },
        { n: 8, d: 10 },
      ],
      0.5,
    );
    expect(given.alpha).toBeCloseTo(16 / 13, 12);
    expect(given.beta).toBeCloseTo(16 / 13, 12);
  });

  it('shrinks fully when the rates vary less than binomial noise', () => {
    const prior = fitBetaPrior([
      { n: 3, d: 20 },
      { n: 3, d: 20 },
      { n: 6, d: 40 },
    ]);
    expect(prior.alpha + prior.beta).toBeCloseTo(FULL_SHRINKAGE_STRENGTH, 3);
    expect(prior.alpha / (prior.alpha + prior.beta)).toBeCloseTo(0.15, 12);
  });

  it('keeps at least one pseudo-observation when the spread exceeds the binomial limit', () => {
    const prior = fitBetaPrior(
      [
        { n: 0, d: 10 },
        { n: 10, d: 10 },
      ],
      0.5,
    );
    expect(prior).toEqual({ alpha: 0.5, beta: 0.5 });
  });

  it('falls back to the flat prior when the spread cannot be estimated', () => {
    expect(fitBetaPrior([])).toEqual({ alpha: 1, beta: 1 });
    expect(fitBetaPrior([{ n: 0, d: 0 }], 0.2)).toEqual({ alpha: 1, beta: 1 });
    expect(fitBetaPrior([{ n: 4, d: 9 }])).toEqual({ alpha: 1, beta: 1 });
    expect(
      fitBetaPrior([
        { n: 1, d: 1 },
        { n: 0, d: 1 },
      ]),
    ).toEqual({ alpha: 1, beta: 1 });
  });

  it('ignores units with d = 0 and centres on a given reference rate', () => {
    const units = [
      { n: 3, d: 10 },
      { n: 7, d: 10 },
    ];
    expect(fitBetaPrior([...units, { n: 0, d: 0 }])).toEqual(fitBetaPrior(units));
    const prior = fitBetaPrior(units, 0.4);
    expect(prior.alpha / (prior.alpha + prior.beta)).toBeCloseTo(0.4, 14);
  });

  it('refuses impossible counts and reference rates', () => {
    expect(() => fitBetaPrior([{ n: 5, d: 4 }])).toThrow(RangeError);
    expect(() => fitBetaPrior([{ n: -1, d: 4 }])).toThrow(RangeError);
    expect(() => fitBetaPrior([{ n: 1, d: 4 }], 1.5)).toThrow(RangeError);
  });

  it('recovers a known Beta(6, 34) prior from simulated units (seeded)', () => {
    const random = mulberry32(1973);
    const units = Array.from({ length: 3000 }, () => {
      const d = 50 + Math.floor(random() * 151);
      return { n: binomialDraw(random, d, betaDraw(random, 6, 34)), d };
    });
    const prior = fitBetaPrior(units);
    expect(prior.alpha / (prior.alpha + prior.beta)).toBeCloseTo(0.15, 2);
    expect(prior.alpha + prior.beta).toBeGreaterThan(30);
    expect(prior.alpha + prior.beta).toBeLessThan(55);
  });
});

describe('shrunkRate', () => {
  it('is the Beta posterior mean with R qbeta quantiles', () => {
    // Flat prior, 3 of 10: Beta(4, 8); R qbeta(c(0.025, 0.975), 4, 8) = 0.1092634 0.6097426
    const flat = shrunkRate(3, 10, { alpha: 1, beta: 1 });
    expect(flat.rate).toBeCloseTo(1 / 3, 14);
    expect(flat.lower).toBeCloseTo(0.10926344381909811, 9);
    expect(flat.upper).toBeCloseTo(0.6097425595724212, 9);
    // No data: the prior itself; R qbeta(c(0.025, 0.975), 6, 34) = 0.05862426 0.27429941
    const prior = shrunkRate(0, 0, { alpha: 6, beta: 34 });
    expect(prior.rate).toBeCloseTo(0.15, 14);
    expect(prior.lower).toBeCloseTo(0.05862426286078934, 9);
    expect(prior.upper).toBeCloseTo(0.2742994104447158, 9);
  });

  it('stays on the reference under full shrinkage and on the data under a weak prior', () => {
    const full = shrunkRate(40, 100, centredPrior(0.15, FULL_SHRINKAGE_STRENGTH));
    expect(full.rate).toBeCloseTo(0.15, 4);
    expect(full.upper - full.lower).toBeLessThan(0.002);
    const weak = shrunkRate(40, 100, centredPrior(0.15, 1));
    expect(weak.rate).toBeCloseTo(40.15 / 101, 14);
  });

  it('returns a point mass for a prior on 0 or 1 that the data do not contradict', () => {
    expect(shrunkRate(0, 10, { alpha: 0, beta: 1e6 })).toEqual({ rate: 0, lower: 0, upper: 0 });
    expect(shrunkRate(10, 10, { alpha: 1e6, beta: 0 })).toEqual({ rate: 1, lower: 1, upper: 1 });
    expect(shrunkRate(1, 10, { alpha: 0, beta: 50 }).rate).toBeCloseTo(1 / 60, 14);
  });

  it('refuses impossible counts and priors', () => {
    expect(() => shrunkRate(3, 2, { alpha: 1, beta: 1 })).toThrow(RangeError);
    expect(() => shrunkRate(1, 2, { alpha: 0, beta: 0 })).toThrow(RangeError);
    expect(() => shrunkRate(1, 2, { alpha: -1, beta: 3 })).toThrow(RangeError);
  });

  it('lies between the raw rate and the prior mean, closer to the data for larger units (seeded)', () => {
    const random = mulberry32(5);
    const prior = centredPrior(0.2, 30);
    for (let trial = 0; trial < 200; trial++) {
      const d = 1 + Math.floor(random() * 200);
      const n = Math.floor(random() * (d + 1));
      const { rate, lower, upper } = shrunkRate(n, d, prior);
      expect(rate).toBeGreaterThanOrEqual(Math.min(n / d, 0.2) - 1e-12);
      expect(rate).toBeLessThanOrEqual(Math.max(n / d, 0.2) + 1e-12);
      expect(lower).toBeLessThan(rate);
      expect(upper).toBeGreaterThan(rate);
      const doubled = shrunkRate(2 * n, 2 * d, prior).rate;
      expect(Math.abs(doubled - n / d)).toBeLessThanOrEqual(Math.abs(rate - n / d) + 1e-12);
    }
  });

  it('covers the true rate 95% of the time when the prior is right (seeded)', () => {
    const random = mulberry32(2024);
    let covered = 0;
    const draws = 2000;
    for (let i = 0; i < draws; i++) {
      const theta = betaDraw(random, 3, 17);
      const d = Math.floor(random() * 60);
      const { lower, upper } = shrunkRate(binomialDraw(random, d, theta), d, { alpha: 3, beta: 17 });
      if (lower <= theta && theta <= upper) covered++;
    }
    expect(covered / draws).toBeGreaterThan(0.93);
    expect(covered / draws).toBeLessThan(0.97);
  });
});
