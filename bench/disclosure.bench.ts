/**
 * Disclosure control of one cube the size of Almere's: 1 gemeente, 71 wijken, 238 buurten, ~2,100
 * street units and ~4,600 pc6 units, with street-like counts (many pc6 cells below 10). Times
 * protectCube (primary → secondary → LP audit, repeated while the audit fails).
 *
 *   npm run bench:disclosure
 *
 * Prints one JSON line. Synthetic data, seeded: the same cube every run.
 */
import { protectCube } from '../src/disclosure/protect.js';
import type { Cell, Constraint } from '../src/disclosure/cube.js';
import { prng } from '../test/fixtures/disclosure/random-cube.js';

/** Splits `count` children over `parents`, each parent at least one, unevenly like real areas. */
function spread(random: () => number, parents: number, count: number): number[] {
  const sizes = Array.from({ length: parents }, () => 1);
  for (let n = parents; n < count; n++) sizes[Math.floor(random() ** 1.5 * parents)]! += 1;
  return sizes;
}

function almereLikeCube(seed: number): { cells: Cell[]; constraints: Constraint[] } {
  const random = prng(seed);
  const levels = [71, 238, 2100, 4600];
  const cells: Cell[] = [];
  const constraints: Constraint[] = [];
  let parents = ['GM0034'];
  for (const [depth, count] of levels.entries()) {
    const sizes = spread(random, parents.length, count);
    const next: string[] = [];
    parents.forEach((parent, n) => {
      const kids = Array.from({ length: sizes[n]! }, (_, m) => `${parent}/${depth}.${m}`);
      constraints.push({ total: parent, parts: kids });
      next.push(...kids);
    });
    parents = next;
  }
  // pc6 counts (e.g. households with rent arrears): a third zero, half 1–9, the rest 10–40.
  const values = new Map<string, number>();
  for (const pc6 of parents) {
    const u = random();
    values.set(pc6, u < 0.3 ? 0 : u < 0.8 ? 1 + Math.floor(random() * 9) : 10 + Math.floor(random() * 31));
  }
  for (const c of [...constraints].reverse()) values.set(c.total, c.parts.reduce((s, p) => s + values.get(p)!, 0));
  for (const [id, value] of values) cells.push({ id, value });
  return { cells, constraints };
}

async function main(): Promise<void> {
  const { cells, constraints } = almereLikeCube(2025);
  const start = performance.now();
  const result = await protectCube(cells, constraints, { k: 10 });
  const seconds = (performance.now() - start) / 1000;
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  console.log(
    JSON.stringify({
      bench: 'disclosure',
      cells: result.summary.cells,
      primary: result.summary.primary,
      secondary: result.summary.secondary,
      released: result.released,
      rounds: result.summary.rounds,
      lp_cells: result.summary.lpAuditedCells,
      seconds: round(seconds),
      secondary_seconds: round(result.timings.secondary),
      audit_seconds: round(result.timings.audit),
      target_seconds: 1,
    }),
  );
}

await main();
