import { describe, expect, it } from '@jest/globals';
import { resolveRules } from './cube.js';
import { failsPPercent, primarySuppression } from './primary-rules.js';

describe('primarySuppression', () => {
  it('publishes zeros and counts of k or more, suppresses 1..k-1', () => {
    const cells = [0, 1, 9, 10, 250].map((value) => ({ id: `n${value}`, value }));
    const decisions = primarySuppression(cells, { k: 10 });
    expect([...decisions.values()]).toEqual([
      { status: 'published' },
      { status: 'primary', rule: 'count<k' },
      { status: 'primary', rule: 'count<k' },
      { status: 'published' },
      { status: 'published' },
    ]);
  });

  it('never accepts a threshold below 5', () => {
    expect(() => resolveRules({ k: 4 })).toThrow(/at least 5/);
    expect(resolveRules({}).k).toBe(10);
  });

  it('needs numerator and denominator of at least k for a rate, and a large base for 0% or 100%', () => {
    const rule = (value: number, denominator: number): string | undefined =>
      primarySuppression([{ id: 'r', value, denominator }], { k: 10 }).get('r')!.rule;
    expect(rule(5, 100)).toBe('count<k');
    expect(rule(12, 9)).toBe('rate-base<k');
    expect(rule(0, 15)).toBe('group-disclosure');
    expect(rule(15, 15)).toBe('group-disclosure');
    expect(rule(0, 20)).toBeUndefined();
    expect(rule(20, 20)).toBeUndefined();
    expect(rule(12, 15)).toBeUndefined();
  });

  it('applies the p% rule: the second contributor must not estimate the largest within p%', () => {
    expect(failsPPercent([100, 50, 6, 4], 10)).toBe(true); // remainder 10 ≤ 10% of 100
    expect(failsPPercent([100, 50, 7, 4], 10)).toBe(false);
    const decisions = primarySuppression(
      [
        { id: 'dominated', value: 160, contributions: [100, 50, 6, 4] },
        { id: 'spread', value: 161, contributions: [100, 50, 7, 4] },
        { id: 'two', value: 150, contributions: [100, 50] },
      ],
      { k: 10 },
    );
    expect(decisions.get('dominated')).toEqual({ status: 'primary', rule: 'p%' });
    expect(decisions.get('spread')).toEqual({ status: 'published' });
    expect(decisions.get('two')).toEqual({ status: 'primary', rule: 'min-contributors' });
  });

  it('applies the p% rule from the two largest contributions and the total, when only those are known', () => {
    // Four households owe 160 in all, the largest two 100 and 50: the other two hold 10, 10% of 100.
    const decisions = primarySuppression(
      [
        { id: 'dominated', value: 160, contributions: [100, 50], contributors: 4 },
        { id: 'safe', value: 161, contributions: [100, 50], contributors: 4 },
        { id: 'two', value: 900, contributions: [600, 300], contributors: 2 },
        { id: 'none', value: 0, contributions: [], contributors: 0 },
      ],
      { k: 10 },
    );
    expect(Object.fromEntries(decisions)).toEqual({
      dominated: { status: 'primary', rule: 'p%' },
      safe: { status: 'published' },
      two: { status: 'primary', rule: 'min-contributors' },
      none: { status: 'published' },
    });
  });
});
