import { describe, expect, it } from '@jest/globals';
import { type TestCube, prng, randomCube, streetCount, withDenominators } from '../../test/fixtures/disclosure/random-cube.js';
import { derivableCells } from '../../test/fixtures/disclosure/rank-check.js';
import type { Cell, CellDecision, Constraint } from './cube.js';
import { buildStructure } from './cube-structure.js';
import { HangingSubtrees } from './hybrid-audit.js';
import { type AuditResult, type CellInterval, auditCube } from './lp-audit.js';
import { primarySuppression } from './primary-rules.js';
import { protectCube } from './protect.js';

const K = 10;

/** Gemeente g = buurten b + c, crossed with age bands y and o: the core of the hand-made cases below. */
const twoBuurtenByAge: Constraint[] = [
  { total: 'g', parts: ['b', 'c'] },
  { total: 'g', parts: ['g|y', 'g|o'] },
  { total: 'b', parts: ['b|y', 'b|o'] },
  { total: 'c', parts: ['c|y', 'c|o'] },
  { total: 'g|y', parts: ['b|y', 'c|y'] },
  { total: 'g|o', parts: ['b|o', 'c|o'] },
];

/** Crossed at the top (age bands with all-ages totals), per-band trees below. */
function crossedTop(seed: number): TestCube {
  return randomCube(seed, { fanout: [[2, 4], [2, 3], [2, 3], [1, 3]], count: streetCount, ageBands: true, allAgesDepth: 2 + (seed % 2) });
}

/** Primary suppression plus any further suppression, safe or not: the intervals must agree either way. */
function randomStatuses(cells: readonly Cell[], seed: number, share = 0.35): Map<string, CellDecision> {
  const random = prng(1000 + seed);
  const statuses = new Map<string, CellDecision>(primarySuppression(cells, { k: K }));
  for (const cell of cells) if (statuses.get(cell.id)!.status === 'published' && random() < share) statuses.set(cell.id, { status: 'secondary', rule: 'secondary:linear' });
  return statuses;
}

/**
 * The fast audit against the LP oracle: exact methods give exactly the oracle's interval, a
 * direction interval (a proved inner interval) lies within it.
 */
async function expectOracle(cells: readonly Cell[], constraints: readonly Constraint[], statuses: Map<string, CellDecision>): Promise<AuditResult> {
  const fast = await auditCube(cells, constraints, statuses, { k: K });
  const lp = await auditCube(cells, constraints, statuses, { k: K }, { method: 'lp' });
  const oracle = new Map(lp.intervals.map((x) => [x.id, x]));
  expect(fast.intervals.map((x) => x.id).sort()).toEqual([...oracle.keys()].sort());
  const strip = ({ id, lower, upper }: CellInterval) => ({ id, lower, upper });
  const exact = fast.intervals.filter((x) => x.method !== 'direction');
  expect(exact.map(strip)).toEqual(exact.map((x) => strip(oracle.get(x.id)!)));
  for (const x of fast.intervals.filter((y) => y.method === 'direction')) {
    const truth = oracle.get(x.id)!;
    expect([x.id, x.lower >= truth.lower && x.upper <= truth.upper, truth.failure]).toEqual([x.id, true, undefined]);
  }
  return fast;
}

describe('hanging subtrees', () => {
  it('split a crossed cube into its crossed core and the per-band trees hanging off it', () => {
    const cube = randomCube(1, { fanout: [[2, 2], [2, 2], [2, 2]], count: streetCount, ageBands: true, allAgesDepth: 2 });
    const structure = buildStructure(cube.cells, cube.constraints);
    const split = new HangingSubtrees(structure, cube.cells);
    const hanging = cube.cells.filter((_, i) => split.hanging[i]).map((c) => c.id);
    // Below the wijken (depth 1) only per-band cells remain: streets and pc6 units of one band each.
    expect(hanging.sort()).toEqual(cube.cells.map((c) => c.id).filter((id) => id.includes('|') && id.split('.').length > 2).sort());
    expect(hanging).toHaveLength(3 * (4 + 8));
    // One attachment per wijk and band: wijk|band = Σ its streets of that band.
    expect(split.attachments.map((a) => structure.ids[a.total]).sort()).toEqual(['G.1|0-17', 'G.1|18-64', 'G.1|65+', 'G.2|0-17', 'G.2|18-64', 'G.2|65+']);
    expect(split.attachments.every((a) => a.coreParts.length === 0 && a.hangingParts.length === 2)).toBe(true);
  });

  it('leave nothing hanging in a full crossing, and everything but the root in a tree', () => {
    const crossed = randomCube(2, { fanout: [[2, 3], [2, 3]], count: streetCount, ageBands: true });
    const tree = randomCube(2, { fanout: [[2, 3], [2, 3]], count: streetCount });
    expect(new HangingSubtrees(buildStructure(crossed.cells, crossed.constraints), crossed.cells).hanging.every((h) => h === 0)).toBe(true);
    const split = new HangingSubtrees(buildStructure(tree.cells, tree.constraints), tree.cells);
    expect(tree.cells.filter((_, i) => !split.hanging[i]).map((c) => c.id)).toEqual([tree.root]);
  });
});

describe('the hybrid audit of crossed cubes', () => {
  it.each([1, 2, 3, 4, 5, 6])('finds exactly the intervals HiGHS finds, with random suppression (seed %i)', async (seed) => {
    const cube = crossedTop(seed);
    const fast = await expectOracle(cube.cells, cube.constraints, randomStatuses(cube.cells, seed));
    // Both halves at work, and not a trivial agreement.
    expect(fast.intervals.some((x) => x.method === 'tree')).toBe(true);
    expect(fast.intervals.some((x) => x.method !== 'tree')).toBe(true);
    expect(fast.intervals.some((x) => x.upper - x.lower < 2)).toBe(true);
    expect(fast.intervals.some((x) => x.upper - x.lower >= 2)).toBe(true);
  });

  it.each([1, 2, 3])('agrees on rate cells, whose denominators add up (seed %i)', async (seed) => {
    const cube = crossedTop(seed);
    const cells = withDenominators(cube, seed);
    const fast = await expectOracle(cells, cube.constraints, randomStatuses(cells, seed));
    expect(fast.intervals.some((x) => x.method === 'tree')).toBe(true);
  });

  it.each([1, 2])('agrees when every cell is suppressed (seed %i)', async (seed) => {
    const cube = crossedTop(seed);
    const cells = seed === 2 ? withDenominators(cube, seed) : cube.cells;
    const fast = await expectOracle(cells, cube.constraints, randomStatuses(cells, seed, 1));
    expect(fast.intervals).toHaveLength(cells.length);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('agrees where hanging parts share their constraint with core cells (seed %i)', async (seed) => {
    const { cells, constraints } = mixedAttachments(seed);
    const split = new HangingSubtrees(buildStructure(cells, constraints), cells);
    expect(split.attachments.map((a) => a.coreParts.length)).toEqual([2, 2]);
    // A small cube: many patterns, so that each attachment is met with its core parts published,
    // hidden, and its total either way.
    for (let pattern = 0; pattern < 12; pattern++) await expectOracle(cells, constraints, randomStatuses(cells, 100 * seed + pattern, 0.15 + 0.05 * pattern));
  });

  it.each([1, 2, 3, 4])('decides a core of age bands down to buurt by max-flow, exactly as HiGHS (seed %i)', async (seed) => {
    const cube = randomCube(seed, { fanout: [[2, 4], [2, 4], [2, 4], [1, 3]], count: streetCount, ageBands: true, bandDepth: 3 });
    const cells = seed % 2 === 0 ? withDenominators(cube, seed) : cube.cells;
    const fast = await expectOracle(cells, cube.constraints, randomStatuses(cells, seed));
    expect(fast.intervals.some((x) => x.method === 'flow')).toBe(true);
    expect(fast.intervals.filter((x) => x.method === 'lp' || x.method === 'direction')).toEqual([]);
    expect(fast.lpCells).toBe(0);
  });

  it('exempts, on a network core, an upper bound the public rules alone imply — and only that', async () => {
    // Buurt b (9 people, primary) has bands y = 8 and o = 1, both primary, and two streets. Anyone
    // knows b ≤ 9 and o ≥ 1, so y ≤ 8 is no disclosure; c's bands, published, give nothing more.
    const values: [string, number][] = [
      ['g', 40], ['g|y', 30], ['g|o', 10],
      ['b', 9], ['b|y', 8], ['b|o', 1],
      ['c', 31], ['c|y', 22], ['c|o', 9],
      ['s1', 5], ['s2', 4],
    ];
    const cells = values.map(([id, value]) => ({ id, value }));
    const constraints = [...twoBuurtenByAge, { total: 'b', parts: ['s1', 's2'] }];
    const hidden = (ids: string[]): Map<string, CellDecision> =>
      new Map(cells.map((c) => [c.id, ids.includes(c.id) ? { status: 'primary', rule: 'count<k' } : { status: 'published' }]));
    const exempt = await expectOracle(cells, constraints, hidden(['b', 'b|y', 'b|o', 'c', 'c|y', 'c|o', 's1', 's2']));
    const y = exempt.intervals.find((x) => x.id === 'b|y')!;
    expect([y.method, y.upper, y.failure]).toEqual(['flow', 8, undefined]);
    // With b|o = 1 published, the rules alone (no rule bounds a published cell from below) allow y up
    // to 9; it is the table that says 8, its value: the primary cell fails — as the LP audit says too.
    const told = hidden(['b', 'b|y', 'c', 'c|y', 'c|o', 's1', 's2']);
    const pinned = await auditCube(cells, constraints, told, { k: K });
    expect(pinned.intervals.find((x) => x.id === 'b|y')).toMatchObject({ method: 'flow', upper: 8, failure: 'upper' });
    expect(pinned.lpSolves).toBe(0);
    expect((await auditCube(cells, constraints, told, { k: K }, { method: 'lp' })).failures.map((x) => [x.id, x.failure])).toContainEqual(['b|y', 'upper']);
  });

  it('falls back to LPs for a core that is no network: a three-way table', async () => {
    // x_ijk for i, j, k in {1, 2}, with every two-way margin and the grand total: each cell lies in
    // three independent constraints, which no network can hold.
    const cells: Cell[] = [];
    const constraints: Constraint[] = [];
    const random = prng(77);
    const value = new Map<string, number>();
    const id = (i: string, j: string, k: string): string => `${i}${j}${k}`;
    for (const i of ['1', '2']) for (const j of ['1', '2']) for (const k of ['1', '2']) value.set(id(i, j, k), 1 + Math.floor(random() * 12));
    const margin = (key: string): number => [...value].filter(([cell]) => [...key].every((c, n) => c === '+' || c === cell[n])).reduce((sum, [, v]) => sum + v, 0);
    const all = ['1', '2', '+'];
    for (const i of all) for (const j of all) for (const k of all) cells.push({ id: id(i, j, k), value: margin(id(i, j, k)) });
    for (const i of all) for (const j of all) for (const k of all) {
      const cell = id(i, j, k);
      [0, 1, 2].forEach((axis) => {
        if (cell[axis] !== '+') return;
        constraints.push({ total: cell, parts: ['1', '2'].map((x) => cell.slice(0, axis) + x + cell.slice(axis + 1)) });
      });
    }
    const statuses = new Map<string, CellDecision>(cells.map((c) => [c.id, { status: c.id.includes('+') ? 'published' : 'secondary' }]));
    for (const c of ['11+', '1+1', '+11']) statuses.set(c, { status: 'secondary' });
    const fast = await expectOracle(cells, constraints, statuses);
    expect(fast.intervals.some((x) => x.method === 'flow')).toBe(false);
    expect(fast.lpCells + fast.intervals.filter((x) => x.method === 'direction').length).toBeGreaterThan(0);
  });

  it('narrows a hanging cell by what the core says of its attachment', async () => {
    // Gemeente g = buurten b + c, crossed with age bands y and o; band o of buurt b splits into two
    // streets, street s1 into two pc6 units. Published: g and c with their bands, b|y and street s2.
    // The core pins b|o = g|o − c|o = 6, so the primary street s1 = 6 − s2 = 3 is disclosed.
    const values: [string, number][] = [
      ['g', 20], ['g|y', 7], ['g|o', 13],
      ['b', 8], ['b|y', 2], ['b|o', 6],
      ['c', 12], ['c|y', 5], ['c|o', 7],
      ['s1', 3], ['s2', 3], ['p1', 1], ['p2', 2],
    ];
    const cells = values.map(([id, value]) => ({ id, value }));
    const constraints = [...twoBuurtenByAge, { total: 'b|o', parts: ['s1', 's2'] }, { total: 's1', parts: ['p1', 'p2'] }];
    const primary = new Set(['s1', 'p1', 'p2']);
    const statuses = new Map<string, CellDecision>(cells.map((c) => [c.id, { status: 'published' }]));
    for (const id of ['b', 'b|o']) statuses.set(id, { status: 'secondary', rule: 'secondary:linear' });
    for (const id of primary) statuses.set(id, { status: 'primary', rule: 'count<k' });
    const audit = await auditCube(cells, constraints, statuses, { k: K });
    const strip = ({ id, lower, upper, method, failure }: CellInterval) => ({ id, lower, upper, method, failure });
    expect(audit.intervals.map(strip)).toEqual([
      { id: 'b', lower: 8, upper: 8, method: 'flow', failure: 'width' },
      { id: 'b|o', lower: 6, upper: 6, method: 'flow', failure: 'width' },
      { id: 's1', lower: 3, upper: 3, method: 'tree', failure: 'width' },
      { id: 'p1', lower: 1, upper: 2, method: 'tree', failure: 'width' },
      { id: 'p2', lower: 1, upper: 2, method: 'tree', failure: 'width' },
    ]);
    await expectOracle(cells, constraints, statuses);
  });
});

describe('protectCube on crossed cubes with hanging subtrees', () => {
  it.each([1, 2, 3, 4])('releases a cube that passes the LP audit and the rank check (seed %i)', async (seed) => {
    const cube = crossedTop(seed);
    const result = await protectCube(cube.cells, cube.constraints, { k: K });
    expect(result.released).toBe(true);
    const ids = cube.cells.map((c) => c.id);
    const published = result.cells.filter((c) => c.status === 'published').map((c) => c.id);
    expect(derivableCells(published, cube.constraints, ids)).toEqual([]);
    const statuses = new Map(result.cells.map((c) => [c.id, c]));
    const audit = await auditCube(cube.cells, cube.constraints, statuses, { k: K }, { method: 'lp' });
    expect(audit.failures).toEqual([]);
    expect(audit.intervals).toHaveLength(result.summary.primary + result.summary.secondary);
  });
});

/**
 * A 2 × 2 crossing (rows r1, r2 and columns k1, k2 over cells x, one grand total over the rows)
 * where row r1 and column k2 also have a hanging part: a small tree of their own.
 */
function mixedAttachments(seed: number): { cells: Cell[]; constraints: Constraint[] } {
  const random = prng(seed);
  const leaf = (): number => streetCount(random);
  const values = new Map<string, number>();
  for (const id of ['x11', 'x12', 'x21', 'x22', 'h11', 'h12', 'h2', 'j1', 'j2']) values.set(id, leaf());
  const constraints: Constraint[] = [
    { total: 'h1', parts: ['h11', 'h12'] },
    { total: 'h', parts: ['h1', 'h2'] },
    { total: 'j', parts: ['j1', 'j2'] },
    { total: 'r1', parts: ['x11', 'x12', 'h'] },
    { total: 'r2', parts: ['x21', 'x22'] },
    { total: 'k1', parts: ['x11', 'x21'] },
    { total: 'k2', parts: ['x12', 'x22', 'j'] },
    { total: 't', parts: ['r1', 'r2'] },
  ];
  for (const c of constraints) values.set(c.total, c.parts.reduce((s, p) => s + values.get(p)!, 0));
  return { cells: [...values].map(([id, value]) => ({ id, value })), constraints };
}
