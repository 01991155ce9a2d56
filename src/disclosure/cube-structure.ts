/**
 * Every cell of an additive cube is the sum of some "inner" cells: the cells that are never the total
 * of a constraint (pc6 units × breakdown categories). Working over inner cells turns each cell into a
 * 0/1 vector and makes the constraints hold by construction, which is how GaussSuppression models a
 * table (SSBtools' model matrix). A cube whose constraints do not decompose that way is rejected.
 */
import type { Cell, Constraint } from './cube.js';

export interface CubeStructure {
  ids: string[];
  /** Cell index by id. */
  index: Map<string, number>;
  /** Sorted inner-cell columns of each cell. */
  vectors: number[][];
  /** Number of inner cells. */
  innerCount: number;
  /** For each inner column, the cells containing it. */
  cellsByColumn: number[][];
  /** Constraints as cell indices. */
  constraints: { total: number; parts: number[] }[];
  /** For each cell, the constraints it appears in (as total or part). */
  constraintsByCell: number[][];
}

export function buildStructure(cells: readonly Cell[], constraints: readonly Constraint[]): CubeStructure {
  const ids = cells.map((c) => c.id);
  const index = new Map(ids.map((id, i) => [id, i]));
  const at = (id: string): number => {
    const i = index.get(id);
    if (i === undefined) throw new Error(`unknown cell ${id}`);
    return i;
  };
  const indexed = constraints.map((c) => ({ total: at(c.total), parts: c.parts.map(at) }));
  const decompositions: number[][][] = ids.map(() => []);
  const constraintsByCell: number[][] = ids.map(() => []);
  indexed.forEach((c, n) => {
    decompositions[c.total]!.push(c.parts);
    constraintsByCell[c.total]!.push(n);
    for (const part of c.parts) constraintsByCell[part]!.push(n);
  });

  const inner: number[] = new Array<number>(ids.length).fill(-1);
  let innerCount = 0;
  ids.forEach((_, i) => {
    if (decompositions[i]!.length === 0) inner[i] = innerCount++;
  });

  const vectors: (number[] | undefined)[] = new Array<number[] | undefined>(ids.length);
  const visiting = new Uint8Array(ids.length);
  // Iterative post-order: hierarchies are deep enough (6 levels × breakdowns) that recursion is fine,
  // but a cyclic constraint set must be reported, not overflow the stack.
  const resolve = (root: number): void => {
    const stack: number[] = [root];
    while (stack.length > 0) {
      const i = stack[stack.length - 1]!;
      if (vectors[i]) {
        stack.pop();
        continue;
      }
      if (inner[i]! >= 0) {
        vectors[i] = [inner[i]!];
        stack.pop();
        continue;
      }
      const first = decompositions[i]![0]!;
      const pending = first.filter((p) => !vectors[p]);
      if (pending.length > 0 && visiting[i] === 0) {
        visiting[i] = 1;
        for (const p of pending) {
          if (visiting[p] === 1) throw new Error(`constraints are cyclic at ${ids[p]}`);
          stack.push(p);
        }
        continue;
      }
      if (pending.length > 0) throw new Error(`constraints are cyclic at ${ids[i]}`);
      vectors[i] = union(first.map((p) => vectors[p]!), ids[i]!);
      visiting[i] = 2;
      stack.pop();
    }
  };
  ids.forEach((_, i) => resolve(i));

  // A total with several decompositions (geography × breakdown) must mean the same inner cells.
  ids.forEach((id, i) => {
    for (const parts of decompositions[i]!.slice(1)) {
      for (const p of parts) resolve(p);
      const other = union(parts.map((p) => vectors[p]!), id);
      if (!sameVector(other, vectors[i]!)) throw new Error(`cell ${id} decomposes inconsistently`);
    }
  });

  const cellsByColumn: number[][] = Array.from({ length: innerCount }, () => []);
  vectors.forEach((v, i) => {
    for (const col of v!) cellsByColumn[col]!.push(i);
  });
  return { ids, index, vectors: vectors as number[][], innerCount, cellsByColumn, constraints: indexed, constraintsByCell };
}

function union(vectors: number[][], id: string): number[] {
  const all = vectors.flat().sort((a, b) => a - b);
  for (let n = 1; n < all.length; n++) {
    if (all[n] === all[n - 1]) throw new Error(`constraint for ${id} counts an inner cell twice`);
  }
  return all;
}

function sameVector(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((x, n) => x === b[n]);
}
