import { describe, expect, it } from '@jest/globals';
import { singletonRow, tauArgus2x2 } from '../../test/fixtures/disclosure/literature.js';
import { type CubeShape, type TestCube, prng, randomCube, streetCount } from '../../test/fixtures/disclosure/random-cube.js';
import { derivable, derivableCells } from '../../test/fixtures/disclosure/rank-check.js';
import { buildStructure } from './cube-structure.js';
import { primarySuppression } from './primary-rules.js';
import { secondarySuppression } from './secondary-suppression.js';

const published = (decisions: Map<string, { status: string }>): string[] =>
  [...decisions].filter(([, d]) => d.status === 'published').map(([id]) => id);

describe('secondarySuppression', () => {
  it('hides the smallest sibling of a lone primary cell and keeps the total', () => {
    const cells = [
      { id: 'total', value: 40 },
      { id: 'a', value: 3 },
      { id: 'b', value: 12 },
      { id: 'c', value: 25 },
    ];
    const constraints = [{ total: 'total', parts: ['a', 'b', 'c'] }];
    const decisions = secondarySuppression(cells, constraints, primarySuppression(cells, { k: 10 }));
    expect(decisions.get('b')).toEqual({ status: 'secondary', rule: 'secondary:linear' });
    expect(published(decisions).sort()).toEqual(['c', 'total']);
    expect(derivableCells(published(decisions), constraints, cells.map((c) => c.id))).toEqual([]);
  });

  it('suppresses a third cell when one of two suppressed cells in a row is a single person', () => {
    const { cells, constraints } = singletonRow;
    const primary = primarySuppression(cells, { k: 10 });
    const plain = secondarySuppression(cells, constraints, primary, { singletonProtection: false });
    expect(published(plain).sort()).toEqual(['c', 'd', 'row']);
    // The person in `a` knows a = 1 and would read b off the row total.
    expect(derivable('b', [...published(plain), 'a'], constraints, cells.map((c) => c.id))).toBe(true);

    const safe = secondarySuppression(cells, constraints, primary);
    expect(safe.get('c')).toEqual({ status: 'secondary', rule: 'secondary:singleton' });
    expect(derivable('b', [...published(safe), 'a'], constraints, cells.map((c) => c.id))).toBe(false);
  });

  it('hides a total whose two parts are protected when one of them is a single person', () => {
    // 10 = 1 + 9: the person in `alone` reads `other` off a published total.
    const cells = [
      { id: 'total', value: 10 },
      { id: 'alone', value: 1 },
      { id: 'other', value: 9 },
    ];
    const constraints = [{ total: 'total', parts: ['alone', 'other'] }];
    const decisions = secondarySuppression(cells, constraints, primarySuppression(cells, { k: 10 }));
    expect(decisions.get('total')?.status).toBe('secondary');
    expect(secondarySuppression(cells, constraints, primarySuppression(cells, { k: 10 }), { singletonProtection: false }).get('total')?.status).toBe('published');
  });

  it('protects cells the audit forced, as it protects primary cells', () => {
    const cells = [
      { id: 'total', value: 60 },
      { id: 'a', value: 15 },
      { id: 'b', value: 20 },
      { id: 'c', value: 25 },
    ];
    const constraints = [{ total: 'total', parts: ['a', 'b', 'c'] }];
    const decisions = secondarySuppression(cells, constraints, primarySuppression(cells, { k: 10 }), { forced: ['a'] });
    expect(decisions.get('a')).toEqual({ status: 'secondary', rule: 'secondary:audit' });
    expect(decisions.get('b')?.status).toBe('secondary');
  });

  it('treats a crossed table as sums of its inner cells, and rejects inconsistent decompositions', () => {
    const structure = buildStructure(
      ['t', 'r1', 'r2', 'c1', 'c2', 'x11', 'x12', 'x21', 'x22'].map((id) => ({ id, value: 0 })),
      tauArgus2x2.constraints,
    );
    expect(structure.innerCount).toBe(4);
    expect(structure.vectors[structure.index.get('t')!]).toEqual([0, 1, 2, 3]);
    expect(() =>
      buildStructure(
        ['t', 'a', 'b'].map((id) => ({ id, value: 0 })),
        [
          { total: 't', parts: ['a', 'b'] },
          { total: 't', parts: ['a'] },
        ],
      ),
    ).toThrow(/inconsistently/);
  });
});

/**
 * The cube shapes the gateway builds, each split differently into core and hanging trees: a pure tree
 * (all trees), bands down to buurt over all-ages streets (a crossed core with trees below each buurt),
 * all-ages totals only at the top with each band's geography hanging on its own (attachments with core
 * parts), and a full crossing (no trees at all).
 */
// Street-like counts with more people alone in a cell, so that every cube has singletons to test.
const count = (random: () => number): number => (random() < 0.15 ? 1 : streetCount(random));
const shapes: [string, CubeShape][] = [
  ['a tree', { fanout: [[2, 5], [2, 5], [2, 4]], count }],
  ['bands down to buurt', { fanout: [[2, 4], [2, 4], [2, 4]], count, ageBands: true, bandDepth: 3 }],
  ['all ages at the top only', { fanout: [[2, 4], [2, 3], [2, 3]], count, ageBands: true, allAgesDepth: 2 }],
  ['a full crossing', { fanout: [[2, 3], [2, 3]], count, ageBands: true }],
];
const cases = shapes.flatMap(([name, shape]) => [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => [`${name}, seed ${seed}`, randomCube(seed, shape), seed] as [string, TestCube, number]));

describe('secondarySuppression on core and hanging trees', () => {
  it.each(cases)('leaves no protected cell derivable, not even to a singleton (%s)', (_, cube, seed) => {
    const ids = cube.cells.map((c) => c.id);
    const primary = primarySuppression(cube.cells, { k: 10 });
    // Cells the audit could have forced: a few published ones, drawn from the seed.
    const random = prng(seed * 7919);
    const forced = cube.cells.filter((c) => primary.get(c.id)?.status !== 'primary' && random() < 0.04).map((c) => c.id);
    const decisions = secondarySuppression(cube.cells, cube.constraints, primary, { forced });
    expect(decisions.size).toBe(cube.cells.length);

    const publishedIds = published(decisions);
    const guarded = new Set([...decisions].filter(([, d]) => d.status === 'primary' || d.rule === 'secondary:audit').map(([id]) => id));
    expect(forced.every((id) => guarded.has(id))).toBe(true);
    // Independent exact check: no suppressed cell at all follows from the published ones.
    expect(derivableCells(publishedIds, cube.constraints, ids)).toEqual([]);
    // Whoever is alone in a protected cell cannot work out another protected cell.
    const value = new Map(cube.cells.map((c) => [c.id, c.value]));
    const singletons = [...guarded].filter((id) => value.get(id) === 1);
    expect(singletons.length).toBeGreaterThan(0);
    for (const u of singletons) {
      expect(derivableCells([...publishedIds, u], cube.constraints, ids).filter((id) => id !== u && guarded.has(id))).toEqual([]);
    }
    // And it is no trivial answer: a good share of the cube is published.
    expect(publishedIds.length).toBeGreaterThan(cube.cells.length / 10);
  });
});
