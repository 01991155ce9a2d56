/**
 * Every cell of an additive cube is the sum of some "inner" cells: the cells that are never the total
 * of a constraint (pc6 units × breakdown categories). Working over inner cells turns each cell into a
 * 0/1 vector and makes the constraints hold by construction, which is how GaussSuppression models a
 * table (SSBtools' model matrix).
 *
 * Partial crossings. A cube may carry its all-ages totals down to pc6 but its age bands only down to
 * buurt: buurt = Σ streets = Σ buurt|band. The first decomposition ends in pc6 cells, the second in
 * buurt|band cells, both inner, and no set of inner cells is the buurt under both. The table that
 * really lies underneath is pc6 × band, which the cube does not contain. So the columns are latent
 * "atoms", found by refining: cells are resolved parts first, and when a cell's decompositions end in
 * different atoms, the atoms only the one reaches (A, the buurt's pc6 units) and those only the other
 * reaches (B, its bands) partition the same remainder of the cell. Each a ∈ A is replaced by the atoms
 * (a, b) for b ∈ B and each b by the (a, b) for a ∈ A — their common refinement. A cell that held a
 * now holds every (a, ·), one that held b every (·, b), so sums and the constraints already checked
 * stay intact, and both decompositions now give the same atoms. Atoms the two decompositions share
 * are left alone (t = a + b = a + c refines only b and c, into the one atom the constraints make them
 * equal to). Atoms are never cells: derivability (hidden-space.ts) and the audit's feasible moves
 * (audit-bounds.ts) work on these vectors unchanged.
 *
 * Why this is exact. Derivability over atoms equals derivability over cells when every assignment of
 * the cells that satisfies the constraints is the sum of some assignment of the atoms (the vectors
 * then obey no linear relation beyond the constraints). Induction over the order of resolution, with
 * every resolved cell the sum of its atoms: at a refinement, the atoms of A and of B have equal sums
 * (two decompositions of one cell, less what they share), and a table with given row sums (A) and
 * column sums (B) exists whenever the two totals agree — a non-negative one when the sums are
 * non-negative (the north-west corner rule). So the refinement realises every table the constraints
 * allow, and every non-negative one with non-negative atoms: the LP audit over cells and constraints
 * (lp-audit.ts) loses nothing by not seeing the atoms either.
 *
 * Rejected, as cubes that do not decompose into atoms: cyclic constraints; a decomposition whose
 * atoms are a strict subset of another's (the rest would be forced to zero); parts that overlap, also
 * when they only overlap once refined.
 *
 * Numbering. Without refinement the columns are the inner cells in cell order. Refined atoms are
 * numbered after them in the order they arise, and the atoms they replace drop out.
 *
 * Size. A refinement replaces |A| + |B| atoms by |A|·|B|: age bands down to buurt multiply the pc6
 * units by the number of bands (4,600 pc6 × 3 bands ≈ 14,000 columns for a gemeente like Almere), a
 * breakdown present only at gemeente level does the same over the whole gemeente, and two breakdowns
 * that meet only above pc6 multiply each other. Every atom lies in one leaf of each hierarchy it was
 * refined from, so the atoms are at most the cross-classification of the hierarchies' finest levels
 * (pc6 × band × …). MAX_LATENT_COLUMNS refuses a cube beyond that scale before its atoms are created.
 */
import type { Cell, Constraint } from './cube.js';

/** The most latent columns a cube may refine into (about 14× a 3-band partial crossing of Almere). */
export const MAX_LATENT_COLUMNS = 200_000;

export interface CubeStructure {
  ids: string[];
  /** Cell index by id. */
  index: Map<string, number>;
  /** Sorted columns (inner cells, or latent atoms where decompositions were refined) of each cell. */
  vectors: number[][];
  /** Number of columns: the inner cells, when no decompositions needed refining. */
  innerCount: number;
  /** For each column, every cell containing it. */
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

  const atoms = new Atoms();
  const inner: number[] = ids.map((_, i) => (decompositions[i]!.length === 0 ? atoms.add() : -1));

  // Atoms of each resolved cell, as of its resolution: refinements later may have split some of them.
  const vectors: (number[] | undefined)[] = new Array<number[] | undefined>(ids.length);
  const current = (i: number): number[] => {
    const vector = vectors[i]!;
    return atoms.anySplit(vector) ? (vectors[i] = atoms.current(vector)) : vector;
  };
  const sum = (parts: readonly number[], id: string): number[] => union(parts.map(current), id);
  const visiting = new Uint8Array(ids.length);
  // Iterative post-order over all decompositions, so that a cell is refined after everything below
  // it: hierarchies are shallow (6 levels × breakdowns), but a cyclic constraint set must be
  // reported, not overflow the stack.
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
      const pending = decompositions[i]!.flat().filter((p) => !vectors[p]);
      if (pending.length > 0 && visiting[i] === 0) {
        visiting[i] = 1;
        for (const p of pending) {
          if (visiting[p] === 1) throw new Error(`constraints are cyclic at ${ids[p]}`);
          stack.push(p);
        }
        continue;
      }
      if (pending.length > 0) throw new Error(`constraints are cyclic at ${ids[i]}`);
      const [first, ...others] = decompositions[i]!;
      let vector = sum(first!, ids[i]!);
      for (const parts of others) {
        const other = sum(parts, ids[i]!);
        if (sameVector(other, vector)) continue;
        atoms.refine(vector, other, ids[i]!);
        vector = atoms.current(vector);
      }
      vectors[i] = vector;
      visiting[i] = 2;
      stack.pop();
    }
  };
  ids.forEach((_, i) => resolve(i));

  const columns = atoms.columns();
  const final = atoms.refined ? vectors.map((v, i) => atoms.final(v!, columns, ids[i]!)) : (vectors as number[][]);
  const cellsByColumn: number[][] = Array.from({ length: columns.count }, () => []);
  final.forEach((v, i) => {
    for (const col of v) cellsByColumn[col]!.push(i);
  });
  return { ids, index, vectors: final, innerCount: columns.count, cellsByColumn, constraints: indexed, constraintsByCell };
}

/** The atoms and how refinement split them: an atom that was split is replaced by its `parts`. */
class Atoms {
  private readonly parts: (number[] | undefined)[] = [];
  private live = 0;

  get refined(): boolean {
    return this.live !== this.parts.length;
  }

  add(): number {
    this.parts.push(undefined);
    this.live++;
    return this.parts.length - 1;
  }

  anySplit(vector: readonly number[]): boolean {
    return vector.some((a) => this.parts[a] !== undefined);
  }

  /** The atoms a vector of possibly split atoms consists of now, sorted. */
  current(vector: readonly number[]): number[] {
    const out: number[] = [];
    const stack = [...vector];
    while (stack.length > 0) {
      const a = stack.pop()!;
      const parts = this.parts[a];
      if (!parts) out.push(a);
      else for (const part of parts) stack.push(part);
    }
    return out.sort((x, y) => x - y);
  }

  /** Splits the atoms that only one of two decompositions of `id` reaches into their common refinement. */
  refine(one: readonly number[], other: readonly number[], id: string): void {
    const onlyOne = difference(one, other);
    const onlyOther = difference(other, one);
    if (onlyOne.length === 0 || onlyOther.length === 0) throw new Error(`cell ${id} decomposes inconsistently`);
    const added = onlyOne.length * onlyOther.length;
    if (this.live - onlyOne.length - onlyOther.length + added > MAX_LATENT_COLUMNS) {
      throw new RangeError(`refining cell ${id} would need more than ${MAX_LATENT_COLUMNS} latent columns`);
    }
    const base = this.parts.length;
    for (let n = 0; n < added; n++) this.add();
    const width = onlyOther.length;
    onlyOne.forEach((a, m) => (this.parts[a] = onlyOther.map((_, n) => base + m * width + n)));
    onlyOther.forEach((b, n) => (this.parts[b] = onlyOne.map((_, m) => base + m * width + n)));
    this.live -= onlyOne.length + onlyOther.length;
  }

  /** Column number of every atom that was never split (−1 for split ones), and how many there are. */
  columns(): { of: Int32Array; count: number } {
    const of = new Int32Array(this.parts.length).fill(-1);
    let count = 0;
    this.parts.forEach((p, a) => {
      if (!p) of[a] = count++;
    });
    return { of, count };
  }

  /** A cell's final columns, sorted; refined parts that overlap show up here as a column counted twice. */
  final(vector: readonly number[], columns: { of: Int32Array }, id: string): number[] {
    const out = this.current(vector).map((a) => columns.of[a]!);
    for (let n = 1; n < out.length; n++) {
      if (out[n] === out[n - 1]) throw new Error(`cell ${id} counts a latent cell twice: its parts overlap once refined`);
    }
    return out;
  }
}

/** Elements of sorted `a` not in sorted `b`. */
function difference(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let m = 0;
  for (const x of a) {
    while (m < b.length && b[m]! < x) m++;
    if (b[m] !== x) out.push(x);
  }
  return out;
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
