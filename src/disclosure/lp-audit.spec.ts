import { describe, expect, it } from '@jest/globals';
import { naiveHideUnderFive, tauArgus2x2 } from '../../test/fixtures/disclosure/literature.js';
import type { CellDecision } from './cube.js';
import { auditCube } from './lp-audit.js';
import { protectCube } from './protect.js';

describe('auditCube', () => {
  it('reproduces the tau-ARGUS manual example: x11 lies in [3, 6]', async () => {
    const statuses = new Map<string, CellDecision>(
      tauArgus2x2.cells.map((c) => [c.id, { status: c.id === 'x11' ? 'primary' : c.id.startsWith('x') ? 'secondary' : 'published' }]),
    );
    const audit = await auditCube(tauArgus2x2.cells, tauArgus2x2.constraints, statuses, { k: 10 }, { method: 'lp' });
    expect(audit.intervals.find((x) => x.id === 'x11')).toEqual({ id: 'x11', ...tauArgus2x2.expected.x11, method: 'lp' });
    expect(audit.failures).toEqual([]);
    expect(audit.lpSolves).toBe(8);
  });

  it('flags a naive "hide under 5, publish totals" release, which protectCube then fixes', async () => {
    const { cells, constraints, hidden } = naiveHideUnderFive;
    const naive = new Map<string, CellDecision>(
      cells.map((c) => [c.id, hidden.includes(c.id) ? { status: 'primary', rule: 'count<k' } : { status: 'published' }]),
    );
    const audit = await auditCube(cells, constraints, naive, { k: 5 });
    expect(audit.failures).toEqual([{ id: 'street-a', lower: 3, upper: 3, method: 'tree', failure: 'width' }]);
    const lp = await auditCube(cells, constraints, naive, { k: 5 }, { method: 'lp' });
    expect(lp.failures).toEqual([{ id: 'street-a', lower: 3, upper: 3, method: 'lp', failure: 'width' }]);

    const result = await protectCube(cells, constraints, { k: 5 });
    expect(result.released).toBe(true);
    expect(result.cells.find((c) => c.id === 'street-a')).toEqual({ id: 'street-a', value: null, status: 'primary', rule: 'count<k' });
    expect(result.cells.find((c) => c.id === 'street-b')).toEqual({ id: 'street-b', value: null, status: 'secondary', rule: 'secondary:linear' });
    const statuses = new Map(result.cells.map((c) => [c.id, c]));
    expect((await auditCube(cells, constraints, statuses, { k: 5 }, { method: 'lp' })).failures).toEqual([]);
  });

  it('does not fail a rate cell whose public denominator already leaves the widest interval possible', async () => {
    // A pc6 with one adult: the numerator is 0 or 1 for anyone who knows the (public) denominator.
    // Suppressed, it is as uncertain as it can be; the cube must still be releasable.
    const cells = [
      { id: 'street', value: 30, denominator: 200 },
      { id: 'pc6-a', value: 0, denominator: 1 },
      { id: 'pc6-b', value: 12, denominator: 90 },
      { id: 'pc6-c', value: 18, denominator: 109 },
    ];
    const constraints = [{ total: 'street', parts: ['pc6-a', 'pc6-b', 'pc6-c'] }];
    const result = await protectCube(cells, constraints, { k: 10 });
    expect(result.released).toBe(true);
    expect(result.cells.find((c) => c.id === 'pc6-a')).toMatchObject({ value: null, status: 'primary', rule: 'rate-base<k' });
    expect(result.cells.find((c) => c.id === 'street')).toMatchObject({ value: 30, status: 'published' });
    const statuses = new Map(result.cells.map((c) => [c.id, c]));
    const audit = await auditCube(cells, constraints, statuses, { k: 10 }, { method: 'lp' });
    expect(audit.failures).toEqual([]);
    expect(audit.intervals.find((x) => x.id === 'pc6-a')).toMatchObject({ lower: 0, upper: 1 });
  });

  it('measures a cell made of a published zero and a rate on no one against that public zero', async () => {
    // pc6-a has no adults: its rate is 0 for anyone. With pc6-b published as 0, the street is 0 too,
    // and no suppression can make it less certain: it must not fail the audit round after round.
    const cells = [
      { id: 'buurt', value: 40, denominator: 300 },
      { id: 'street', value: 0, denominator: 35 },
      { id: 'pc6-a', value: 0, denominator: 0 },
      { id: 'pc6-b', value: 0, denominator: 35 },
      { id: 'other', value: 40, denominator: 265 },
    ];
    const constraints = [
      { total: 'buurt', parts: ['street', 'other'] },
      { total: 'street', parts: ['pc6-a', 'pc6-b'] },
    ];
    const statuses = new Map<string, CellDecision>(
      cells.map((c) => [c.id, c.id === 'pc6-a' ? { status: 'primary', rule: 'rate-base<k' } : c.id === 'street' ? { status: 'secondary', rule: 'secondary:linear' } : { status: 'published' }]),
    );
    const audit = await auditCube(cells, constraints, statuses, { k: 10 });
    expect(audit.intervals.find((x) => x.id === 'street')).toMatchObject({ lower: 0, upper: 0 });
    expect(audit.failures).toEqual([]);
  });

  it('measures the oracle against the whole table\'s rules too: a street with one pc6 unit', async () => {
    // b = s + t with b = 9 and t = 1 primary: anyone knows s ≤ 8, and so p ≤ 8 for the one pc6 unit of
    // s. The cell's own constraint (s = p) alone would leave p up to 9 and call the rule a disclosure.
    const cells = [
      { id: 'b', value: 9 },
      { id: 's', value: 8 },
      { id: 't', value: 1 },
      { id: 'p', value: 8 },
    ];
    const constraints = [
      { total: 'b', parts: ['s', 't'] },
      { total: 's', parts: ['p'] },
    ];
    const statuses = new Map<string, CellDecision>(cells.map((c) => [c.id, { status: 'primary', rule: 'count<k' }]));
    const fast = await auditCube(cells, constraints, statuses, { k: 10 });
    const oracle = await auditCube(cells, constraints, statuses, { k: 10 }, { method: 'lp' });
    expect(fast.failures).toEqual([]);
    expect(oracle.failures).toEqual([]);
    expect(oracle.intervals.find((x) => x.id === 'p')).toMatchObject({ upper: 8, method: 'lp' });
  });

  it('fails a primary cell whose upper bound is its value, unless the rules alone say so', async () => {
    // 12 = a + b, both primary (3 and 9, so both in [1, 9]): each lies in [3, 9]. b's upper bound
    // equals its value, but it is the rule's own bound (k - 1), which everybody knows: passes.
    const cells = [
      { id: 't', value: 12 },
      { id: 'a', value: 3 },
      { id: 'b', value: 9 },
    ];
    const constraints = [{ total: 't', parts: ['a', 'b'] }];
    const both = new Map<string, CellDecision>([
      ['t', { status: 'published' }],
      ['a', { status: 'primary' }],
      ['b', { status: 'primary' }],
    ]);
    const audit = await auditCube(cells, constraints, both, { k: 10 }, { method: 'lp' });
    expect(audit.intervals.map(({ id, lower, upper }) => ({ id, lower, upper }))).toEqual([
      { id: 'a', lower: 3, upper: 9 },
      { id: 'b', lower: 3, upper: 9 },
    ]);
    expect(audit.failures).toEqual([]);

    // A zero as the only companion: a ∈ [1, 3], the attacker learns "at most 3" and a = 3
    // (z ∈ [0, 2] is wide enough: it is not primary).
    const withZero = [
      { id: 't', value: 3 },
      { id: 'a', value: 3 },
      { id: 'z', value: 0 },
    ];
    const zeroStatuses = new Map<string, CellDecision>([
      ['t', { status: 'published' }],
      ['a', { status: 'primary' }],
      ['z', { status: 'secondary' }],
    ]);
    const zeroAudit = await auditCube(withZero, [{ total: 't', parts: ['a', 'z'] }], zeroStatuses, { k: 10 });
    expect(zeroAudit.failures.map((f) => [f.id, f.failure])).toEqual([['a', 'upper']]);
  });
});
