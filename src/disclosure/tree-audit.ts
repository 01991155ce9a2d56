/**
 * The exact audit of a hierarchical cube without crossed breakdowns, in linear time.
 *
 * When every cell is the total of at most one constraint and a part of at most one, the constraints
 * form a tree (gemeente → wijk → buurt → street → pc6). Variables and constraints then make a tree
 * factor graph, and the set of values a cell can take given everything else is the intersection of
 * what its subtree allows and what the rest of the table allows through its parent — each an interval,
 * obtained by adding and subtracting intervals (the projection of a sum of boxes is the Minkowski sum
 * of their intervals). Two passes give every cell's feasible interval, exactly the one the two LPs of
 * lp-audit.ts would find; the constraint matrix of a tree is totally unimodular, so with integer
 * bounds the interval's ends are integers too. A property test compares both on random trees.
 */
import type { Bounds } from './audit-bounds.js';
import type { CubeStructure } from './cube-structure.js';

/** Parent constraint of each cell (or -1) when the constraints form a tree; undefined otherwise. */
export function treeParents(structure: CubeStructure): Int32Array | undefined {
  const parentOf = new Int32Array(structure.ids.length).fill(-1);
  const asTotal = new Uint8Array(structure.ids.length);
  for (const [n, c] of structure.constraints.entries()) {
    if (asTotal[c.total]) return undefined;
    asTotal[c.total] = 1;
    for (const part of c.parts) {
      if (parentOf[part] !== -1) return undefined;
      parentOf[part] = n;
    }
  }
  // Cycles are refused by buildStructure, so one parent and one decomposition per cell is a forest.
  return parentOf;
}

/**
 * Feasible interval of every cell (published cells have point bounds) given the constraints of a
 * tree-shaped cube. `bounds[i]` is what is known of cell i on its own.
 */
export function treeIntervals(structure: CubeStructure, parentOf: Int32Array, bounds: readonly Bounds[]): Bounds[] {
  const cells = structure.ids.length;
  const { childConstraint, order } = postOrder(structure, parentOf);

  // Bottom-up: what each subtree allows for its root.
  const down: Bounds[] = bounds.map((b) => ({ ...b }));
  const sums = structure.constraints.map(() => ({ lower: 0, finiteUpper: 0, infinite: 0 }));
  for (const i of order) {
    const n = childConstraint[i]!;
    if (n >= 0) {
      const s = sums[n]!;
      down[i] = intersect(down[i]!, { lower: s.lower, upper: s.infinite > 0 ? Infinity : s.finiteUpper }, structure.ids[i]!);
    }
    const p = parentOf[i]!;
    if (p >= 0) {
      const s = sums[p]!;
      s.lower += down[i]!.lower;
      if (Number.isFinite(down[i]!.upper)) s.finiteUpper += down[i]!.upper;
      else s.infinite++;
    }
  }

  // Top-down: what the rest of the table allows, through the parent.
  const result: Bounds[] = new Array<Bounds>(cells);
  for (let o = order.length - 1; o >= 0; o--) {
    const i = order[o]!;
    const p = parentOf[i]!;
    if (p < 0) {
      result[i] = down[i]!;
      continue;
    }
    const total = result[structure.constraints[p]!.total]!;
    const s = sums[p]!;
    const own = down[i]!;
    const siblingsLower = s.lower - own.lower;
    const ownInfinite = Number.isFinite(own.upper) ? 0 : 1;
    const siblingsUpper = s.infinite - ownInfinite > 0 ? Infinity : s.finiteUpper - (ownInfinite ? 0 : own.upper);
    const outside: Bounds = {
      lower: Number.isFinite(siblingsUpper) ? total.lower - siblingsUpper : -Infinity,
      upper: total.upper - siblingsLower,
    };
    result[i] = intersect(own, outside, structure.ids[i]!);
  }
  return result;
}

/** The constraint each cell is the total of, and a post-order of the forest (parts before their total); once per structure. */
const orders = new WeakMap<CubeStructure, { childConstraint: Int32Array; order: Int32Array }>();
function postOrder(structure: CubeStructure, parentOf: Int32Array): { childConstraint: Int32Array; order: Int32Array } {
  const known = orders.get(structure);
  if (known) return known;
  const cells = structure.ids.length;
  const childConstraint = new Int32Array(cells).fill(-1);
  structure.constraints.forEach((c, n) => {
    childConstraint[c.total] = n;
  });
  const order: number[] = [];
  const stack: [number, boolean][] = [];
  for (let i = 0; i < cells; i++) if (parentOf[i] === -1) stack.push([i, false]);
  while (stack.length > 0) {
    const [i, expanded] = stack.pop()!;
    if (expanded) {
      order.push(i);
      continue;
    }
    stack.push([i, true]);
    const n = childConstraint[i]!;
    if (n >= 0) for (const part of structure.constraints[n]!.parts) stack.push([part, false]);
  }
  const result = { childConstraint, order: Int32Array.from(order) };
  orders.set(structure, result);
  return result;
}

function intersect(a: Bounds, b: Bounds, id: string): Bounds {
  const lower = Math.max(a.lower, b.lower);
  const upper = Math.min(a.upper, b.upper);
  // The true table lies inside every bound, so an empty intersection means contradictory input.
  if (lower > upper + 1e-9 * Math.max(1, Math.abs(lower))) throw new Error(`the published table contradicts itself at ${id}`);
  return { lower, upper: Math.max(lower, upper) };
}
