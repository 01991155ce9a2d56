import { describe, expect, it } from '@jest/globals';
import { binomialDraw, poissonDraw } from '../../../test/fixtures/statistics/draws.js';
import { prng as mulberry32 } from '../../../test/fixtures/disclosure/random-cube.js';
import { deviations, type DeviationInput, type DeviationResult } from './deviation.js';
import { benjaminiHochberg } from './fdr.js';

// Reference p values are exact two-sided mid-p values computed with rational arithmetic (Python
// fractions) from the hypergeometric (R dhyper/phyper) and binomial (R dbinom/pbinom) distributions.

function expectRelativelyClose(actual: number, expected: number, tolerance = 1e-9): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected));
}

const rateInput = (unit: string, n: number, d: number, referenceN: number, referenceD: number): DeviationInput => ({
  unit: { unit, n, d },
  reference: { n: referenceN, d: referenceD },
});

/** Buurten of 2..10 streets sharing one true rate each (between 5% and 30%): every null is true. */
function nullNeighbourhoods(random: () => number, units: number): DeviationInput[] {
  const inputs: DeviationInput[] = [];
  for (let buurt = 0; inputs.length < units; buurt++) {
    const rate = 0.05 + 0.25 * random();
    const streets = Array.from({ length: 2 + Math.floor(random() * 9) }, (_, i) => {
      const d = Math.floor(random() * 201);
      return { unit: `BU${buurt}-${i}`, n: binomialDraw(random, d, rate), d };
    });
    const reference = { n: streets.reduce((t, s) => t + s.n, 0), d: streets.reduce((t, s) => t + s.d, 0) };
    for (const street of streets) inputs.push({ unit: street, reference });
  }
  return inputs.slice(0, units);
}

describe('deviations on rate indicators', () => {
  it('compares a unit with the rest of its reference, by hand', () => {
    // Street 3/10 in a buurt of 23/110: the rest is 20/100 = 0.2, so 2 are expected.
    const [result] = deviations([rateInput('Texelstraat', 3, 10, 23, 110)]).results;
    expect(result).toMatchObject({
      unit: 'Texelstraat',
      rate: 0.3,
      referenceRate: 0.2,
      expected: 2,
      observed: 3,
      ratio: 1.5,
      direction: 'higher',
    });
    expect(result!.difference).toBeCloseTo(0.1, 14);
    // Fisher mid-p: 3 of the 23 events among 10 of 110 people
    expectRelativelyClose(result!.pValue, 0.4751547282241578);
    expect(result!.qValue).toBe(result!.pValue);
    // Wilson: R prop.test(3, 10, correct = FALSE)$conf.int = 0.1077913 0.6032219
    expect(result!.interval!.lower).toBeCloseTo(0.1077913, 7);
    expect(result!.interval!.upper).toBeCloseTo(0.6032219, 7);
    // One unit: spread not estimable → flat prior strength 2 centred on 0.2 → Beta(3.4, 8.6);
    // R qbeta(c(0.025, 0.975), 3.4, 8.6) = 0.07861806 0.55585533
    expect(result!.shrunk!.rate).toBeCloseTo(3.4 / 12, 14);
    expect(result!.shrunk!.lower).toBeCloseTo(0.07861805589283029, 8);
    expect(result!.shrunk!.upper).toBeCloseTo(0.555855329262159, 8);
  });

  it('flags a planted deviating street among 2000 null streets, and nothing else', () => {
    const random = mulberry32(2026);
    const inputs = nullNeighbourhoods(random, 2000);
    // 40 of 100 where the other 1000 people of the buurt are at 15%.
    inputs.push(rateInput('Planted', 40, 100, 190, 1100));
    const { results, flagged } = deviations(inputs);
    const planted = results.find(({ unit }) => unit === 'Planted')!;
    expect(planted.referenceRate).toBeCloseTo(0.15, 14);
    expect(planted.ratio).toBeCloseTo(40 / 15, 12);
    expect(planted.ratio).toBeGreaterThan(2.4);
    expectRelativelyClose(planted.pValue, 1.4066364728148151e-8);
    expect(planted.direction).toBe('higher');
    expect(flagged.map(({ unit }) => unit)).toContain('Planted');
    expect(flagged.length).toBeLessThanOrEqual(0.05 * inputs.length);
    // The posterior sits between the street's own 40% and its buurt's 15%.
    expect(planted.shrunk!.rate).toBeGreaterThan(0.15);
    expect(planted.shrunk!.rate).toBeLessThan(0.4);
  });

  it('gives calibrated p values under the null, also in buurten of two or three streets (seeded)', () => {
    const random = mulberry32(7);
    const { results, flagged } = deviations(nullNeighbourhoods(random, 5000));
    const share = (level: number) => results.filter(({ pValue }) => pValue <= level).length / results.length;
    // Conditional mid-p tests stay close to nominal; a binomial test against the rest's rate as if it
    // were known rejected 12–21% at 0.05 in buurten of two or three streets.
    expect(share(0.05)).toBeLessThanOrEqual(0.06);
    expect(share(0.01)).toBeLessThanOrEqual(0.015);
    expect(flagged.length).toBeLessThanOrEqual(5);
  });

  it('lets a big street not hide in its own buurt (leave-one-out)', () => {
    // Street 60/200 in a buurt of 80/400: including itself the buurt is at 20% (ratio 1.5),
    // the rest of the buurt is at 20/200 = 10% (ratio 3).
    const [result] = deviations([rateInput('Groot', 60, 200, 80, 400)]).results;
    expect(result!.referenceRate).toBeCloseTo(0.1, 14);
    expect(result!.expected).toBeCloseTo(20, 12);
    expect(result!.ratio).toBeCloseTo(3, 12);
    expectRelativelyClose(result!.pValue, 4.4538578485244003e-7);
  });

  it('flags a street that is lower', () => {
    const { flagged } = deviations([rateInput('Laag', 0, 150, 200, 1150)]);
    expect(flagged).toHaveLength(1);
    expect(flagged[0]).toMatchObject({ direction: 'lower', ratio: 0, expected: 30, rate: 0, referenceRate: 0.2 });
    expectRelativelyClose(flagged[0]!.pValue, 3.714364250666039e-14);
  });

  it('cannot test a unit that is its whole reference, and handles d = 0', () => {
    const { results, flagged } = deviations([rateInput('Alleen', 3, 10, 3, 10), rateInput('Leeg', 0, 0, 20, 100)]);
    expect(flagged).toEqual([]);
    expect(results[0]).toMatchObject({
      rate: 0.3,
      referenceRate: null,
      expected: 3,
      observed: 3,
      ratio: 1,
      difference: null,
      pValue: 1,
      direction: 'none',
    });
    expect(results[0]!.shrunk).toBeDefined();
    expect(results[1]).toMatchObject({ rate: null, referenceRate: 0.2, expected: 0, ratio: 1, difference: null, pValue: 1, direction: 'none' });
    expect(results[1]!.interval).toEqual({ lower: 0, upper: 1 });
  });

  it('clamps a protected reference that is smaller than the unit', () => {
    // Perturbation left the buurt below the street: nothing remains to compare with.
    expect(deviations([rateInput('A', 3, 10, 2, 8)]).results[0]).toMatchObject({ pValue: 1, referenceRate: null });
    // 5/10 in a buurt published as 4/100: the rest has 0 of 90 events.
    const [result] = deviations([rateInput('B', 5, 10, 4, 100)]).results;
    expect(result).toMatchObject({ referenceRate: 0, expected: 0, ratio: Infinity, direction: 'higher' });
    expectRelativelyClose(result!.pValue, 3.347168295621904e-6);
    // The rest's events cannot exceed the rest's denominator.
    expect(deviations([rateInput('C', 0, 10, 30, 20)]).results[0]!.referenceRate).toBe(1);
  });

  it('adjusts over all inputs of the call and keeps their order', () => {
    const random = mulberry32(11);
    const inputs = nullNeighbourhoods(random, 50);
    inputs.push(rateInput('Planted', 40, 100, 190, 1100));
    const { results } = deviations(inputs);
    expect(results.map(({ unit }) => unit)).toEqual(inputs.map(({ unit }) => unit.unit));
    expect(results.map(({ qValue }) => qValue)).toEqual(benjaminiHochberg(results.map(({ pValue }) => pValue)));
  });

  it('sorts flagged units by q, then by distance of the ratio from 1, then by name', () => {
    const random = mulberry32(3);
    const inputs: DeviationInput[] = [];
    for (let i = 0; i < 300; i++) {
      const d = 20 + Math.floor(random() * 180);
      const rate = random() < 0.2 ? 0.05 + 0.4 * random() : 0.15;
      inputs.push(rateInput(`S${i}`, binomialDraw(random, d, rate), d, binomialDraw(random, d, rate) + 300, d + 2000));
    }
    inputs.push(rateInput('twin-b', 40, 100, 190, 1100), rateInput('twin-a', 40, 100, 190, 1100));
    const { flagged } = deviations(inputs);
    expect(flagged.length).toBeGreaterThan(10);
    const distance = (result: DeviationResult) => Math.abs(Math.log(result.ratio));
    const outOfOrder = flagged.filter((after, i) => {
      const before = flagged[i - 1];
      if (before === undefined) return false;
      return before.qValue > after.qValue || (before.qValue === after.qValue && distance(before) < distance(after));
    });
    expect(outOfOrder).toEqual([]);
    expect(new Set(flagged.map(({ qValue }) => qValue)).size).toBeLessThan(flagged.length); // BH ties do occur
    const twins = flagged.filter(({ unit }) => unit.startsWith('twin')).map(({ unit }) => unit);
    expect(twins).toEqual(['twin-a', 'twin-b']);
  });

  it('flags fewer units at a stricter FDR level', () => {
    const random = mulberry32(5);
    // Every tenth street is at 30%, the others at 15%, each in a buurt whose other 1000 people are at 15%.
    const inputs = Array.from({ length: 200 }, (_, i) => {
      const d = 50 + Math.floor(random() * 150);
      const n = binomialDraw(random, d, i % 10 === 0 ? 0.3 : 0.15);
      return rateInput(`S${i}`, n, d, n + 150, d + 1000);
    });
    const loose = deviations(inputs, { alpha: 0.2 }).flagged.length;
    const strict = deviations(inputs, { alpha: 0.001 }).flagged.length;
    expect(loose).toBeGreaterThan(strict);
    expect(deviations(inputs, { alpha: 0.2 }).flagged.every(({ qValue }) => qValue <= 0.2)).toBe(true);
  });

  it('returns nothing for no inputs and refuses invalid ones', () => {
    expect(deviations([])).toEqual({ results: [], flagged: [] });
    expect(() => deviations([rateInput('x', 11, 10, 20, 100)])).toThrow(RangeError);
    expect(() => deviations([rateInput('x', 1.5, 10, 20, 100)])).toThrow(RangeError);
    expect(() => deviations([rateInput('x', 1, 10, 20, 100.5)])).toThrow(RangeError);
    expect(() => deviations([{ unit: { unit: 'x', n: 1, d: 10 }, reference: { n: 5, d: null } }])).toThrow(RangeError);
    expect(() => deviations([rateInput('x', 1, 10, 20, 100)], { alpha: 0 })).toThrow(RangeError);
    expect(() => deviations([rateInput('x', 1, 10, 20, 100)], { alpha: 1.5 })).toThrow(RangeError);
  });
});

describe('deviations on count indicators', () => {
  it('compares a unit with the rest of its reference by exposure, by hand', () => {
    // 12 incidents on 50 of 1000 addresses, 40 in the whole buurt: the other 950 addresses had 28,
    // so 28 · 50/950 = 1.4737 are expected. Conditional test: 12 of the 40 ~ Binomial(40, 50/1000).
    const { results, flagged } = deviations([{ unit: { unit: 'Straat', n: 12, d: null, exposure: 50 }, reference: { n: 40, d: null, exposure: 1000 } }]);
    const [result] = results;
    expect(result).toMatchObject({ rate: null, referenceRate: null, difference: null, observed: 12, direction: 'higher' });
    expect(result!.expected).toBeCloseTo(28 / 19, 12);
    expect(result!.ratio).toBeCloseTo((12 * 19) / 28, 12);
    expectRelativelyClose(result!.pValue, 4.061433681722133e-7);
    expect(result!.shrunk).toBeUndefined();
    expect(result!.interval).toBeUndefined();
    expect(flagged).toHaveLength(1);
  });

  it('defaults the unit exposure to 1', () => {
    // 3 of 5 events on 1 of 10 exposure units: 2 · (P(X > 3) + ½ P(X = 3)) for X ~ Binomial(5, 0.1)
    // = 2 · (0.00046 + 0.00405) = 0.00902, by hand.
    const [result] = deviations([{ unit: { unit: 'x', n: 3, d: null }, reference: { n: 5, d: null, exposure: 10 } }]).results;
    expect(result!.pValue).toBeCloseTo(0.00902, 14);
    expect(result!.expected).toBeCloseTo(2 / 9, 14);
  });

  it('cannot test a unit that is all of the exposure', () => {
    const [result] = deviations([{ unit: { unit: 'x', n: 4, d: null, exposure: 10 }, reference: { n: 4, d: null, exposure: 10 } }]).results;
    expect(result).toMatchObject({ pValue: 1, expected: 4, ratio: 1, direction: 'none' });
  });

  it('needs a reference exposure and a positive unit exposure', () => {
    expect(() => deviations([{ unit: { unit: 'x', n: 1, d: null }, reference: { n: 5, d: null } }])).toThrow(RangeError);
    expect(() => deviations([{ unit: { unit: 'x', n: 1, d: null, exposure: 0 }, reference: { n: 5, d: null, exposure: 9 } }])).toThrow(RangeError);
  });

  it('gives calibrated p values under a common intensity (seeded)', () => {
    const random = mulberry32(31);
    const inputs: DeviationInput[] = [];
    for (let buurt = 0; inputs.length < 4000; buurt++) {
      const intensity = 0.01 + 0.1 * random();
      const streets = Array.from({ length: 2 + Math.floor(random() * 6) }, (_, i) => {
        const exposure = 5 + Math.floor(random() * 100);
        return { unit: `BU${buurt}-${i}`, n: poissonDraw(random, intensity * exposure), d: null, exposure };
      });
      const reference = { n: streets.reduce((t, s) => t + s.n, 0), d: null, exposure: streets.reduce((t, s) => t + s.exposure, 0) };
      for (const street of streets) inputs.push({ unit: street, reference });
    }
    const { results, flagged } = deviations(inputs);
    expect(results.filter(({ pValue }) => pValue <= 0.05).length / results.length).toBeLessThanOrEqual(0.06);
    expect(flagged.length).toBeLessThanOrEqual(5);
  });
});
