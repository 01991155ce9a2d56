import { describe, expect, it } from '@jest/globals';
import { type TestCube, prng, randomCube, streetCount, withDenominators } from '../../test/fixtures/disclosure/random-cube.js';
import { derivable, derivableCells } from '../../test/fixtures/disclosure/rank-check.js';
import { DirectionProbe, priorBounds } from './audit-bounds.js';
import { type Cell, type CellDecision, type Constraint, resolveRules } from './cube.js';
import { type CubeStructure, MAX_LATENT_COLUMNS, buildStructure } from './cube-structure.js';
import { HiddenSpace } from './hidden-space.js';
import { type CellInterval, auditCube } from './lp-audit.js';
import { primarySuppression } from './primary-rules.js';
import { protectCube } from './protect.js';
import { secondarySuppression } from './secondary-suppression.js';

const K = 10;

/** Age bands down to `bandDepth` (1 = gemeente only, 3 = down to buurt), all-ages totals down to pc6. */
function partial(seed: number, bandDepth = 1 + (seed % 3)): TestCube {
  return randomCube(seed, { fanout: [[2, 3], [2, 3], [2, 3], [2, 3]], count: streetCount, ageBands: true, bandDepth });
}

/** Every constraint holds over the columns: the total is the disjoint union of its parts. */
function expectAdditive(structure: CubeStructure): void {
  for (const c of structure.constraints) {
    const parts = c.parts.flatMap((p) => structure.vectors[p]!).sort((a, b) => a - b);
    expect([structure.ids[c.total], parts]).toEqual([structure.ids[c.total], structure.vectors[c.total]]);
  }
  // cellsByColumn is the exact transpose of the vectors.
  const transposed: number[][] = Array.from({ length: structure.innerCount }, () => []);
  structure.vectors.forEach((v, i) => v.forEach((q) => transposed[q]!.push(i)));
  expect(structure.cellsByColumn).toEqual(transposed);
}

/** The cells derivable from `published` according to the column model (hidden-space.ts). */
function derivableOverColumns(structure: CubeStructure, published: ReadonlySet<string>): string[] {
  const space = new HiddenSpace(structure.innerCount);
  structure.ids.forEach((id, i) => {
    if (!published.has(id)) return;
    const effect = space.effect(structure.vectors[i]!);
    if (effect.size > 0) space.publish(effect);
  });
  return structure.ids.filter((id, i) => !published.has(id) && space.effect(structure.vectors[i]!).size === 0);
}

/**
 * Buurt b of two streets (s1 = pc6 p1 + p2, s2 = pc6 p3), split into age bands y, m, o at buurt level
 * only: b = s1 + s2 = b|y + b|m + b|o.
 */
const buurt = {
  cells: [
    { id: 'b', value: 39 },
    { id: 's1', value: 25 },
    { id: 's2', value: 14 },
    { id: 'p1', value: 12 },
    { id: 'p2', value: 13 },
    { id: 'p3', value: 14 },
    { id: 'b|y', value: 3 },
    { id: 'b|m', value: 24 },
    { id: 'b|o', value: 12 },
  ],
  constraints: [
    { total: 'b', parts: ['s1', 's2'] },
    { total: 's1', parts: ['p1', 'p2'] },
    { total: 's2', parts: ['p3'] },
    { total: 'b', parts: ['b|y', 'b|m', 'b|o'] },
  ],
};

describe('buildStructure on partially crossed cubes', () => {
  it('refines a buurt into latent pc6 × band columns', () => {
    const structure = buildStructure(buurt.cells, buurt.constraints);
    const vector = (id: string): number[] => structure.vectors[structure.index.get(id)!]!;
    expect(structure.innerCount).toBe(9);
    expect(vector('b')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    // Each pc6 unit is its three bands, each band its three pc6 units: a 3 × 3 table.
    const table = ['p1', 'p2', 'p3'].map((pc6) => ['b|y', 'b|m', 'b|o'].map((band) => vector(pc6).filter((q) => vector(band).includes(q))));
    expect(table.flat(2).sort((a, b) => a - b)).toEqual(vector('b'));
    expect(table.flat().every((entry) => entry.length === 1)).toBe(true);
    expect(vector('s2')).toEqual(vector('p3'));
    expectAdditive(structure);
  });

  it.each([1, 2, 3, 4, 5, 6])('makes each cell of a random partial crossing a sum of leaf × band columns (seed %i)', (seed) => {
    const cube = partial(seed);
    const structure = buildStructure(cube.cells, cube.constraints);
    expectAdditive(structure);
    // The columns are exactly the latent leaf × band table, whatever the band depth.
    expect(structure.innerCount).toBe(cube.latent!.values.length);
    const sizes = cube.cells.map((c) => cube.latent!.byCell.get(c.id)!.length);
    expect(structure.vectors.map((v) => v.length)).toEqual(sizes);
  });

  it.each([1, 2, 3, 4, 5, 6])('finds exactly the cells the rank check finds derivable (seed %i)', (seed) => {
    // Exactness: the columns obey no linear relation the constraints do not imply.
    const cube = partial(seed);
    const structure = buildStructure(cube.cells, cube.constraints);
    const random = prng(seed);
    const ids = cube.cells.map((c) => c.id);
    for (const share of [0.5, 0.7, 0.85]) {
      const published = new Set(ids.filter(() => random() < share));
      const expected = derivableCells(published, cube.constraints, ids);
      expect(derivableOverColumns(structure, published).sort()).toEqual(expected.sort());
      expect(expected.length).toBeGreaterThan(0);
    }
  });

  it('keeps the inner-cell columns of trees and full crossings', () => {
    for (const ageBands of [false, true]) {
      const cube = randomCube(3, { fanout: [[2, 3], [2, 3]], count: streetCount, ageBands });
      const structure = buildStructure(cube.cells, cube.constraints);
      const totals = new Set(cube.constraints.map((c) => c.total));
      const inner = cube.cells.flatMap((c, i) => (totals.has(c.id) ? [] : [i]));
      expect(structure.innerCount).toBe(inner.length);
      expect(inner.map((i) => structure.vectors[i])).toEqual(inner.map((_, q) => [q]));
    }
  });

  it('identifies the parts that two decompositions sharing a part imply equal', () => {
    const structure = buildStructure(
      ['t', 'a', 'b', 'c'].map((id) => ({ id, value: 0 })),
      [
        { total: 't', parts: ['a', 'b'] },
        { total: 't', parts: ['a', 'c'] },
      ],
    );
    expect(structure.vectors).toEqual([[0, 1], [0], [1], [1]]);
  });

  it('rejects what no set of latent cells can model', () => {
    const cells = (ids: string[]): Cell[] => ids.map((id) => ({ id, value: 0 }));
    // Parts that overlap once b and d are refined: u = a + c needs a and c disjoint, yet they share (a, c).
    expect(() =>
      buildStructure(cells(['t', 'u', 'a', 'b', 'c', 'd']), [
        { total: 't', parts: ['a', 'b'] },
        { total: 't', parts: ['c', 'd'] },
        { total: 'u', parts: ['a', 'c'] },
      ]),
    ).toThrow(/ u counts an? (inner|latent) cell twice/);
    // A refinement beyond MAX_LATENT_COLUMNS fails before the space is allocated.
    const side = Math.ceil(Math.sqrt(MAX_LATENT_COLUMNS)) + 1;
    const left = Array.from({ length: side }, (_, n) => `l${n}`);
    const right = Array.from({ length: side }, (_, n) => `r${n}`);
    expect(() =>
      buildStructure(cells(['t', ...left, ...right]), [
        { total: 't', parts: left },
        { total: 't', parts: right },
      ]),
    ).toThrow(/latent columns/);
  });
});

describe('secondary suppression of a partially crossed buurt', () => {
  it('hides a second band when the street totals and the other bands would reveal a small band', async () => {
    const ids = buurt.cells.map((c) => c.id);
    // The streets give b, and b less the other two bands gives b|y.
    expect(derivable('b|y', ['s1', 's2', 'b|m', 'b|o'], buurt.constraints, ids)).toBe(true);
    expect(derivable('b|y', ['s1', 's2', 'b|m'], buurt.constraints, ids)).toBe(false);
    const structure = buildStructure(buurt.cells, buurt.constraints);
    expect(derivableOverColumns(structure, new Set(['s1', 's2', 'b|m', 'b|o']))).toEqual(['b', 'p3', 'b|y']);

    const decisions = secondarySuppression(buurt.cells, buurt.constraints, primarySuppression(buurt.cells, { k: K }));
    const suppressed = [...decisions].filter(([, d]) => d.status !== 'published');
    expect(suppressed).toEqual([
      ['b|y', { status: 'primary', rule: 'count<k' }],
      ['b|o', { status: 'secondary', rule: 'secondary:linear' }],
    ]);

    const result = await protectCube(buurt.cells, buurt.constraints, { k: K });
    expect(result.released).toBe(true);
    expect(result.cells.filter((c) => c.status !== 'published').map((c) => c.id)).toEqual(['b|y', 'b|o']);
    const audit = await auditCube(buurt.cells, buurt.constraints, decisions, { k: K }, { method: 'lp' });
    // b|y + b|o = 39 − 24 = 15, b|y at most k − 1 by the public rule.
    expect(audit.intervals.map(({ id, lower, upper, failure }) => ({ id, lower, upper, failure }))).toEqual([
      { id: 'b|y', lower: 1, upper: 9, failure: undefined },
      { id: 'b|o', lower: 6, upper: 14, failure: undefined },
    ]);
  });
});

describe('the audit of partially crossed cubes', () => {
  /** The fast audit against the LP oracle: exact methods exactly, direction intervals within. */
  async function expectOracle(cells: readonly Cell[], constraints: readonly Constraint[], statuses: Map<string, CellDecision>): Promise<Map<string, CellInterval>> {
    const fast = await auditCube(cells, constraints, statuses, { k: K });
    const lp = await auditCube(cells, constraints, statuses, { k: K }, { method: 'lp' });
    const oracle = new Map(lp.intervals.map((x) => [x.id, x]));
    const strip = ({ id, lower, upper }: CellInterval) => ({ id, lower, upper });
    expect(fast.intervals.map((x) => x.id).sort()).toEqual([...oracle.keys()].sort());
    const exact = fast.intervals.filter((x) => x.method !== 'direction');
    expect(exact.map(strip)).toEqual(exact.map((x) => strip(oracle.get(x.id)!)));
    for (const x of fast.intervals.filter((y) => y.method === 'direction')) {
      const truth = oracle.get(x.id)!;
      expect([x.id, x.lower >= truth.lower && x.upper <= truth.upper]).toEqual([x.id, true]);
    }
    return oracle;
  }

  it.each([1, 2, 3, 4])('agrees with HiGHS under random suppression (seed %i)', async (seed) => {
    const cube = partial(seed, 3);
    const cells = seed % 2 === 0 ? withDenominators(cube, seed) : cube.cells;
    const random = prng(1000 + seed);
    const statuses = new Map<string, CellDecision>(primarySuppression(cells, { k: K }));
    for (const cell of cells) if (statuses.get(cell.id)!.status === 'published' && random() < 0.35) statuses.set(cell.id, { status: 'secondary' });
    await expectOracle(cells, cube.constraints, statuses);
  });

  it('moves released tables along latent directions only within the exact intervals', async () => {
    // Every basis direction of the hidden space is over latent pc6 × band columns; cellsByColumn must
    // turn it into the change of every cell it touches, or a "feasible" move would break a constraint.
    // Moves must reach both hierarchies: band cells, and the pc6 units (the leaves) below the buurten.
    const moved = { band: 0, pc6: 0 };
    for (let seed = 1; seed <= 6; seed++) {
      const cube = partial(seed, 3);
      const cells = seed % 2 === 0 ? withDenominators(cube, seed) : cube.cells;
      const result = await protectCube(cells, cube.constraints, { k: K });
      const statuses = new Map<string, CellDecision>(result.cells.map((c) => [c.id, c]));
      const oracle = await expectOracle(cells, cube.constraints, statuses);
      const structure = buildStructure(cells, cube.constraints);
      const published = cells.map((c) => statuses.get(c.id)!.status === 'published');
      const bounds = cells.map((c, i) => (published[i] ? undefined : priorBounds(c, statuses.get(c.id)!, resolveRules({ k: K }))));
      const probe = new DirectionProbe(structure, cells.map((c) => c.value), bounds, published);
      const totals = new Set(cube.constraints.map((c) => c.total));
      cells.forEach((cell, i) => {
        if (published[i]) return;
        const inner = probe.inner(i);
        const truth = oracle.get(cell.id)!;
        expect([cell.id, Math.ceil(inner.lower - 1e-9) >= truth.lower && Math.floor(inner.upper + 1e-9) <= truth.upper]).toEqual([cell.id, true]);
        if (inner.upper === inner.lower) return;
        if (cell.id.includes('|')) moved.band++;
        else if (!totals.has(cell.id)) moved.pc6++;
      });
    }
    expect(moved.band).toBeGreaterThan(0);
    expect(moved.pc6).toBeGreaterThan(0);
  });
});

describe('protectCube on partially crossed cubes', () => {
  const cases: [string, Cell[], Constraint[]][] = [];
  for (let seed = 1; seed <= 6; seed++) {
    const cube = partial(seed);
    const rates = seed > 3;
    cases.push([`seed ${seed}, bands down to depth ${1 + (seed % 3)}${rates ? ', rates' : ''}`, rates ? withDenominators(cube, seed) : cube.cells, cube.constraints]);
  }

  it.each(cases)('releases a cube that passes the LP audit and the rank check (%s)', async (_, cells, constraints) => {
    const result = await protectCube(cells, constraints, { k: K });
    expect(result.released).toBe(true);
    const truth = new Map(cells.map((c) => [c.id, c.value]));
    expect(result.cells.map((c) => c.value)).toEqual(result.cells.map((c) => (c.status === 'published' ? truth.get(c.id) : null)));
    const ids = cells.map((c) => c.id);
    const published = result.cells.filter((c) => c.status === 'published').map((c) => c.id);
    expect(derivableCells(published, constraints, ids)).toEqual([]);
    const statuses = new Map(result.cells.map((c) => [c.id, c]));
    const audit = await auditCube(cells, constraints, statuses, { k: K }, { method: 'lp' });
    expect(audit.failures).toEqual([]);
    expect(audit.intervals).toHaveLength(result.summary.primary + result.summary.secondary);
    expect(result.summary.secondary).toBeGreaterThan(0);
  });
});
