import { describe, expect, it } from '@jest/globals';
import { complementaryErrorFunction, normalUpperTail } from './normal.js';

// Reference values are R's pnorm(z, lower.tail = FALSE); computed here with mpmath (30 digits) as
// erfc(z / √2) / 2.
describe('normalUpperTail', () => {
  it.each([
    [0, 0.5],
    [0.5, 0.3085375387259869],
    [1, 0.15865525393145705],
    [1.96, 0.024997895148220435],
    [2, 0.02275013194817921],
    [2 * Math.SQRT2, 0.0023388674905236314], // the switch from series to continued fraction (x = 2)
    [3, 0.0013498980316300946],
    [5, 2.866515718791939e-07],
    [10, 7.619853024160525e-24],
    [-1, 0.8413447460685429],
    [-3, 0.9986501019683699],
  ])('Q(%p) = %p to 1e-13 relative', (z, expected) => {
    expect(Math.abs(normalUpperTail(z) - expected)).toBeLessThanOrEqual(1e-13 * expected);
  });

  it('gives Φ(1.96) ≈ 0.975002 and the 3-sigma tail ≈ 0.0013499', () => {
    expect(1 - normalUpperTail(1.96)).toBeCloseTo(0.975002, 6);
    expect(normalUpperTail(3)).toBeCloseTo(0.0013499, 7);
  });

  it('handles the infinities, the far tail and NaN', () => {
    expect(normalUpperTail(Infinity)).toBe(0);
    expect(normalUpperTail(-Infinity)).toBe(1);
    expect(normalUpperTail(40)).toBe(0);
    expect(normalUpperTail(-40)).toBe(1);
    expect(() => normalUpperTail(Number.NaN)).toThrow(RangeError);
  });

  it('is symmetric, decreasing and continuous across the method switch', () => {
    let previous = 1;
    for (let z = -8; z <= 8; z += 0.01) {
      const tail = normalUpperTail(z);
      expect(tail + normalUpperTail(-z)).toBeCloseTo(1, 14);
      expect(tail).toBeLessThanOrEqual(previous);
      previous = tail;
    }
    const below = complementaryErrorFunction(2 - 1e-12);
    const above = complementaryErrorFunction(2);
    expect(Math.abs(below - above) / above).toBeLessThan(1e-10);
  });

  it('matches erfc closed values', () => {
    // R: 2 * pnorm(sqrt(2), lower.tail = FALSE) = erfc(1) = 0.1572992070502851
    expect(complementaryErrorFunction(1)).toBeCloseTo(0.1572992070502851, 15);
    expect(complementaryErrorFunction(0)).toBe(1);
    expect(complementaryErrorFunction(-1)).toBeCloseTo(2 - 0.1572992070502851, 15);
  });
});
