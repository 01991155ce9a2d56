import { describe, expect, it } from '@jest/globals';
import { type TestCube, randomCube, streetCount } from '../../test/fixtures/disclosure/random-cube.js';
import { derivable, derivableCells } from '../../test/fixtures/disclosure/rank-check.js';
import { auditCube } from './lp-audit.js';
import { protectCube } from './protect.js';

const K = 10;
const cubes: [string, TestCube][] = [];
for (let seed = 1; seed <= 12; seed++) {
  const ageBands = seed % 3 === 0;
  cubes.push([`seed ${seed}${ageBands ? ' × age bands' : ''}`, randomCube(seed, { fanout: [[2, 6], [2, 6], [2, 6]], count: streetCount, ageBands })]);
}

describe('protectCube', () => {
  it.each(cubes)('protects a random hierarchical cube (%s)', async (_, cube) => {
    const result = await protectCube(cube.cells, cube.constraints, { k: K });
    const ids = cube.cells.map((c) => c.id);
    const truth = new Map(cube.cells.map((c) => [c.id, c.value]));
    expect(result.released).toBe(true);

    // Published values are the truth; suppressed values never leave.
    expect(result.cells.map((c) => c.value)).toEqual(result.cells.map((c) => (c.status === 'published' ? truth.get(c.id) : null)));
    const published = result.cells.filter((c) => c.status === 'published').map((c) => c.id);

    // No suppressed cell is derivable (independent exact rational check).
    expect(derivableCells(published, cube.constraints, ids)).toEqual([]);
    // No primary cell is derivable even by a single person who knows their own singleton cell.
    const primary = new Set(result.cells.filter((c) => c.status === 'primary').map((c) => c.id));
    const singletons = [...primary].filter((id) => truth.get(id) === 1);
    for (const u of singletons.slice(0, 5)) {
      expect(derivableCells([...published, u], cube.constraints, ids).filter((id) => id !== u && primary.has(id))).toEqual([]);
    }

    // Every suppressed cell's exact LP interval passes.
    const statuses = new Map(result.cells.map((c) => [c.id, c]));
    const audit = await auditCube(cube.cells, cube.constraints, statuses, { k: K }, { method: 'lp' });
    expect(audit.failures).toEqual([]);
    expect(audit.intervals).toHaveLength(result.summary.primary + result.summary.secondary);

    // The root total is published when it reaches k.
    expect(statuses.get(cube.root)?.status).toBe(truth.get(cube.root)! >= K ? 'published' : 'primary');

    // The summary counts what the cells say, including the secondary suppressions.
    const count = (status: string): number => result.cells.filter((c) => c.status === status).length;
    expect(result.summary).toMatchObject({
      cells: cube.cells.length,
      published: count('published'),
      primary: count('primary'),
      secondary: count('secondary'),
      released: true,
    });
    expect(result.summary.secondary).toBeGreaterThan(0);
  });

  it('does not release a cube that still fails the audit after the last round, and then shows no value', async () => {
    let tried = 0;
    for (const [, cube] of cubes) {
      const full = await protectCube(cube.cells, cube.constraints, { k: K });
      if (full.summary.rounds < 2) continue;
      tried++;
      const capped = await protectCube(cube.cells, cube.constraints, { k: K }, { maxRounds: 1 });
      expect(capped.released).toBe(false);
      expect(capped.reason).toMatch(/audit still fails/);
      expect(capped.cells.every((c) => c.value === null)).toBe(true);
      break;
    }
    expect(tried).toBe(1);
  });

  it('checks its own test oracle: the rank check sees through a published total', () => {
    const constraints = [{ total: 't', parts: ['a', 'b'] }];
    expect(derivable('a', ['t', 'b'], constraints, ['t', 'a', 'b'])).toBe(true);
    expect(derivable('a', ['t'], constraints, ['t', 'a', 'b'])).toBe(false);
  });
});

describe('protectCube under a time budget', () => {
  it('withholds a cube it cannot audit in time, showing no values', async () => {
    const cube = randomCube(5, { fanout: [[3, 6], [3, 6], [3, 6]], count: streetCount, ageBands: false });
    const result = await protectCube(cube.cells, cube.constraints, { k: K }, { timeBudgetMs: 0 });
    expect(result.released).toBe(false);
    expect(result.reason).toMatch(/time budget/);
    expect(result.cells.every((c) => c.value === null)).toBe(true);
  });

  it('releases the same cube when the budget suffices', async () => {
    const cube = randomCube(5, { fanout: [[3, 6], [3, 6], [3, 6]], count: streetCount, ageBands: false });
    expect((await protectCube(cube.cells, cube.constraints, { k: K }, { timeBudgetMs: 60_000 })).released).toBe(true);
  });
});
