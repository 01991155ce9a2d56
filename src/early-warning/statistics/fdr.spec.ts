import { describe, expect, it } from '@jest/globals';
import { prng as mulberry32 } from '../../../test/fixtures/disclosure/random-cube.js';
import { benjaminiHochberg } from './fdr.js';

/** The BH procedure as originally stated: reject the k smallest, k = max{i : p₍ᵢ₎ ≤ i·α/m}. */
function stepUpRejections(pValues: readonly number[], alpha: number): Set<number> {
  const order = pValues.map((p, index) => ({ p, index })).sort((a, b) => a.p - b.p);
  let largest = 0;
  order.forEach(({ p }, i) => {
    if (p <= ((i + 1) * alpha) / pValues.length) largest = i + 1;
  });
  return new Set(order.slice(0, largest).map(({ index }) => index));
}

describe('benjaminiHochberg', () => {
  it('matches R p.adjust(method = "BH")', () => {
    // R: p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.2, 0.5, 0.04, 0.9, 0.0001, 0.02), method = "BH")
    //  [1] 0.03333333 0.05714286 0.05714286 0.02500000 0.25000000 0.55555556 0.05714286 0.90000000 0.00100000 0.05000000
    const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.005, 0.2, 0.5, 0.04, 0.9, 0.0001, 0.02]);
    const expected = [1 / 30, 0.4 / 7, 0.4 / 7, 0.025, 0.25, 5 / 9, 0.4 / 7, 0.9, 0.001, 0.05];
    expect(q).toHaveLength(expected.length);
    q.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 14));
  });

  it('caps at 1 and handles empty, single and tied inputs', () => {
    expect(benjaminiHochberg([])).toEqual([]);
    expect(benjaminiHochberg([0.3])).toEqual([0.3]);
    expect(benjaminiHochberg([0.8, 0.9])).toEqual([0.9, 0.9]);
    expect(benjaminiHochberg([1, 1, 0.7])).toEqual([1, 1, 1]);
    // R: p.adjust(c(0.02, 0.02, 0.02), "BH") = 0.02 0.02 0.02
    benjaminiHochberg([0.02, 0.02, 0.02]).forEach((q) => expect(q).toBeCloseTo(0.02, 15));
    expect(benjaminiHochberg([0, 0.5])).toEqual([0, 0.5]);
  });

  it('refuses values outside [0, 1]', () => {
    expect(() => benjaminiHochberg([0.1, 1.2])).toThrow(RangeError);
    expect(() => benjaminiHochberg([-0.1])).toThrow(RangeError);
    expect(() => benjaminiHochberg([Number.NaN])).toThrow(RangeError);
  });

  it('is monotone in p, never below p, order-independent and equal to the step-up rule (seeded)', () => {
    const random = mulberry32(1995);
    for (let trial = 0; trial < 100; trial++) {
      const m = 1 + Math.floor(random() * 60);
      const p = Array.from({ length: m }, () => (random() < 0.3 ? random() * 0.01 : random()));
      const q = benjaminiHochberg(p);
      expect(q.every((value, i) => value >= p[i]! && value <= 1)).toBe(true);
      const byP = q.map((value, i) => ({ p: p[i]!, q: value })).sort((a, b) => a.p - b.p);
      expect(byP.every((entry, i) => i === 0 || entry.q >= byP[i - 1]!.q)).toBe(true);
      const reversed = benjaminiHochberg([...p].reverse()).reverse();
      expect(reversed).toEqual(q);
      for (const alpha of [0.01, 0.05, 0.2]) {
        const byQ = new Set(q.flatMap((value, index) => (value <= alpha ? [index] : [])));
        expect(byQ).toEqual(stepUpRejections(p, alpha));
      }
    }
  });

  it('rarely rejects anything when every hypothesis is null', () => {
    // Under the global null BH at level α rejects anything with probability ≤ α (Benjamini & Hochberg 1995).
    const random = mulberry32(42);
    let runsWithRejections = 0;
    for (let run = 0; run < 400; run++) {
      const q = benjaminiHochberg(Array.from({ length: 200 }, () => random()));
      if (q.some((value) => value <= 0.05)) runsWithRejections++;
    }
    expect(runsWithRejections / 400).toBeLessThanOrEqual(0.08);
  });
});
