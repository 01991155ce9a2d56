import { describe, expect, it } from '@jest/globals';
import { prng, randomCube, streetCount } from '../../test/fixtures/disclosure/random-cube.js';
import type { CellDecision } from './cube.js';
import { buildStructure } from './cube-structure.js';
import { auditCube } from './lp-audit.js';
import { primarySuppression } from './primary-rules.js';
import { treeParents } from './tree-audit.js';

const K = 10;

describe('the two-pass tree audit', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('finds exactly the intervals HiGHS finds, on random trees with random suppression (seed %i)', async (seed) => {
    const cube = randomCube(seed, { fanout: [[2, 5], [2, 5], [1, 4]], count: streetCount, ageBands: false });
    const random = prng(1000 + seed);
    // Rate cells on some seeds: public denominators bound the numerators from above.
    const rate = seed % 2 === 0;
    const cells = cube.cells.map((c) => (rate ? { ...c, denominator: c.value + Math.floor(random() * 3) * c.value + (c.value === 0 ? 1 : 0) } : c));
    if (rate) fixDenominators(cells, cube.constraints);
    const statuses = new Map<string, CellDecision>(primarySuppression(cells, { k: K }));
    // Any suppression pattern, safe or not: the intervals must agree either way.
    for (const cell of cells) if (statuses.get(cell.id)!.status === 'published' && random() < 0.35) statuses.set(cell.id, { status: 'secondary', rule: 'secondary:linear' });

    const fast = await auditCube(cells, cube.constraints, statuses, { k: K });
    const lp = await auditCube(cells, cube.constraints, statuses, { k: K }, { method: 'lp' });
    expect(fast.intervals.every((x) => x.method === 'tree')).toBe(true);
    expect(fast.lpSolves).toBe(0);
    const strip = (xs: typeof fast.intervals) => xs.map(({ id, lower, upper }) => ({ id, lower, upper })).sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(strip(fast.intervals)).toEqual(strip(lp.intervals));
    expect(fast.intervals.length).toBeGreaterThan(10);
    // Not a trivial agreement: some intervals are narrow, some are wide.
    expect(fast.intervals.some((x) => x.upper - x.lower < 2)).toBe(true);
    expect(fast.intervals.some((x) => x.upper - x.lower >= 2)).toBe(true);
  });

  it('recognises trees, and refuses a crossed breakdown as one', () => {
    const tree = randomCube(1, { fanout: [[2, 3], [2, 3]], count: streetCount, ageBands: false });
    const crossed = randomCube(1, { fanout: [[2, 3], [2, 3]], count: streetCount, ageBands: true });
    expect(treeParents(buildStructure(tree.cells, tree.constraints))).toBeDefined();
    expect(treeParents(buildStructure(crossed.cells, crossed.constraints))).toBeUndefined();
  });

  it('does not fail a cell for what a published zero above it already says', async () => {
    // A street of 40 households with no arrears is publishable (0% on a base of at least 2k); its
    // pc6 units of 3 and 37 are then 0 too, whatever is hidden: nothing to repair.
    const cells = [
      { id: 'street', value: 0, denominator: 40 },
      { id: 'pc6-a', value: 0, denominator: 3 },
      { id: 'pc6-b', value: 0, denominator: 37 },
    ];
    const constraints = [{ total: 'street', parts: ['pc6-a', 'pc6-b'] }];
    const statuses = new Map<string, CellDecision>(primarySuppression(cells, { k: K }));
    expect(statuses.get('pc6-a')).toEqual({ status: 'primary', rule: 'rate-base<k' });
    const audit = await auditCube(cells, constraints, statuses, { k: K });
    expect(audit.intervals).toEqual([{ id: 'pc6-a', lower: 0, upper: 0, method: 'tree' }]);
    expect(audit.failures).toEqual([]);
  });

  it('still fails a cell that a small hidden total pins down', async () => {
    // 11 = a + b + c with a published 9 and b, c hidden: b + c = 2, b is primary (1..9) and c is a
    // hidden zero on a small base: b ∈ [1, 2] — narrower than 2, and the rules alone allow [1, 9].
    const cells = [
      { id: 't', value: 11 },
      { id: 'a', value: 9 },
      { id: 'b', value: 2 },
      { id: 'c', value: 0 },
    ];
    const statuses = new Map<string, CellDecision>([
      ['t', { status: 'published' }],
      ['a', { status: 'published' }],
      ['b', { status: 'primary', rule: 'count<k' }],
      ['c', { status: 'secondary', rule: 'secondary:linear' }],
    ]);
    const audit = await auditCube(cells, [{ total: 't', parts: ['a', 'b', 'c'] }], statuses, { k: K });
    expect(audit.failures.map(({ id, lower, upper, failure }) => ({ id, lower, upper, failure }))).toEqual([
      { id: 'b', lower: 1, upper: 2, failure: 'width' },
      { id: 'c', lower: 0, upper: 1, failure: 'width' },
    ]);
  });
});

/** Denominators must add up like the numerators do. */
function fixDenominators(cells: { id: string; value: number; denominator?: number }[], constraints: { total: string; parts: string[] }[]): void {
  const byId = new Map(cells.map((c) => [c.id, c]));
  const totals = new Set(constraints.map((c) => c.total));
  const done = new Set([...byId.keys()].filter((id) => !totals.has(id)));
  let pending = [...constraints];
  while (pending.length > 0) {
    const later = [];
    for (const c of pending) {
      if (!c.parts.every((p) => done.has(p))) {
        later.push(c);
        continue;
      }
      byId.get(c.total)!.denominator = c.parts.reduce((s, p) => s + byId.get(p)!.denominator!, 0);
      done.add(c.total);
    }
    pending = later;
  }
}
