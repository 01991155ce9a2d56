/**
 * Hanging subtree reduction: the exact audit of a crossed cube whose lower levels are pure trees.
 *
 * A crossed cube (geography × age bands) is no tree, so lp-audit.ts needs LPs for it. But the
 * crossing usually stops part-way down, and below it every cell is a part of one constraint and the
 * total of at most one: the streets and pc6 units under a buurt (or under one age band of a buurt)
 * form a tree again. LPs over those trees too would span thousands of variables each. Instead only
 * the crossed top ("core") gets LPs, and the trees get the two passes of tree-audit.ts.
 *
 * A cell hangs when it is a part of exactly one constraint, the total of at most one, and its parts
 * (if any) hang too. A hanging cell and everything below it then touch the rest of the cube only
 * through the one constraint it is a part of. A constraint whose total does not hang but which has
 * hanging parts is an attachment a, and t_a is the sum of its hanging parts (published ones too).
 * Every cell that does not hang is a core cell.
 *
 * Why this is exact. Split the variables of the audit LP into the core cells x and the hanging
 * subtrees T_j, with roots r_j. The constraints inside T_j involve T_j only, and r_j appears in just
 * one other constraint, its attachment a(j), and there only through t_a. So the feasible set is
 *   { (x, T) : (x, t) satisfies the core constraints, t_a = Σ_{j∈a} r_j, T_j ∈ S_j(r_j) },
 * S_j(r) being the values of T_j that its own constraints and bounds allow with root value r. The
 * set of r for which S_j(r) is not empty is the interval D_j of the bottom-up pass of tree-audit.ts,
 * and a sum of independent variables ranging over intervals ranges over the Minkowski sum of the
 * intervals. Projected onto (x, t), the feasible set is therefore the core LP: the core constraints
 * with each t_a one variable bounded by Σ_{j∈a} D_j. Its min and max LPs give every core cell its
 * exact interval, and each t_a its exact interval I_a. Conversely, for any value of t_a in I_a the
 * rest of the table can be completed, and the hanging parts of a and their subtrees are constrained
 * by nothing else than t_a = Σ r_j and their own trees: a tree-shaped cube whose root t_a ranges
 * over I_a. The top-down pass of tree-audit.ts from I_a gives each hanging cell its exact interval —
 * the argument of tree-audit.ts, with the whole core summarised by I_a. As with the LPs, the passes
 * run on continuous intervals and counts are rounded inwards at the end, so the result is the
 * interval the two LPs over the whole cube would give, cell by cell.
 *
 * When every core part of an attachment is published, t_a is its total minus constants, and I_a is
 * the total's interval shifted: no LP of its own.
 */
import type { Bounds } from './audit-bounds.js';
import { type CubeStructure, buildStructure } from './cube-structure.js';
import type { Cell, Constraint } from './cube.js';
import { CoreNetwork } from './network-audit.js';
import { treeIntervals, treeParents } from './tree-audit.js';

/** A constraint of the core with hanging parts. */
export interface Attachment {
  total: number;
  coreParts: number[];
  /** The roots of the subtrees hanging from it: their sum is t_a. */
  hangingParts: number[];
  /** Value of t_a: public when all its hanging parts are published. */
  value: number;
}

export interface HangingIntervals {
  /** Interval of a hanging cell, by cube index. */
  cell: (i: number) => Bounds;
  /** Interval of t_a, by attachment index. */
  sum: (a: number) => Bounds;
}

/** A cube split into its core and the subtrees hanging off it. */
export class HangingSubtrees {
  /** 1 for every cell of a hanging subtree. */
  readonly hanging: Uint8Array;
  readonly attachments: Attachment[] = [];
  /**
   * The constraints whose total is core, as cell indices, with the hanging parts of attachment a
   * replaced by the one index `cells.length + a` (the variable t_a).
   */
  readonly core: { total: number; parts: number[] }[] = [];
  /** Forest index of each hanging cell (−1 for core cells); the roots come after the hanging cells. */
  private readonly slot: Int32Array;
  private readonly rootSlot: number[] = [];
  /** The hanging cells as a tree-shaped cube of their own, with t_a as the root above each attachment's parts. */
  private readonly forestCells: Cell[] = [];
  private readonly forestConstraints: Constraint[] = [];
  private forestCache?: { structure: CubeStructure; parents: Int32Array };

  constructor(
    readonly structure: CubeStructure,
    cells: readonly Cell[],
  ) {
    const count = structure.ids.length;
    this.hanging = hangingCells(structure);
    this.slot = new Int32Array(count).fill(-1);
    const { forestCells, forestConstraints } = this;
    for (let i = 0; i < count; i++) {
      if (!this.hanging[i]) continue;
      this.slot[i] = forestCells.length;
      forestCells.push(cells[i]!);
    }
    const taken = new Set(forestCells.map((c) => c.id));
    for (const [n, c] of structure.constraints.entries()) {
      const parts = c.parts.map((p) => structure.ids[p]!);
      if (this.hanging[c.total]) {
        forestConstraints.push({ total: structure.ids[c.total]!, parts });
        continue;
      }
      const hangingParts = c.parts.filter((p) => this.hanging[p]);
      const coreParts = c.parts.filter((p) => !this.hanging[p]);
      if (hangingParts.length === 0) {
        this.core.push(c);
        continue;
      }
      const a = this.attachments.length;
      const value = hangingParts.reduce((s, p) => s + cells[p]!.value, 0);
      this.attachments.push({ total: c.total, coreParts, hangingParts, value });
      this.core.push({ total: c.total, parts: [...coreParts, count + a] });
      let id = `${structure.ids[c.total]!}: hanging parts of constraint ${n}`;
      while (taken.has(id)) id += "'";
      taken.add(id);
      // t_a as the root cell of its attachment's subtrees.
      this.rootSlot.push(forestCells.length);
      forestCells.push({ id, value });
      forestConstraints.push({ total: id, parts: hangingParts.map((p) => structure.ids[p]!) });
    }
  }

  /** The forest's own structure, built on first use (secondary suppression does not need it). */
  private get forest(): { structure: CubeStructure; parents: Int32Array } {
    if (!this.forestCache) {
      const structure = buildStructure(this.forestCells, this.forestConstraints);
      const parents = treeParents(structure);
      if (!parents) throw new Error('hanging subtrees must form a forest');
      this.forestCache = { structure, parents };
    }
    return this.forestCache;
  }

  private coreCache?: { cells: Cell[]; structure: CubeStructure; slot: Int32Array };
  private networkCache?: { network: CoreNetwork | undefined };

  /** The core as a flow network (network-audit.ts), when it is one. Recognised once. */
  network(cellCount: number): CoreNetwork | undefined {
    this.networkCache ??= { network: CoreNetwork.recognise(this.core, cellCount + this.attachments.length) };
    return this.networkCache.network;
  }

  /**
   * The core as a cube of its own: its cells in cube order, then one cell per attachment for t_a,
   * with the core constraints. `slot` maps a cube index (or `cells.length + a` for t_a) to its index
   * there, −1 for hanging cells. Built once.
   */
  coreStructure(cells: readonly Cell[]): { cells: Cell[]; structure: CubeStructure; slot: Int32Array } {
    if (this.coreCache) return this.coreCache;
    const n = cells.length;
    const slot = new Int32Array(n + this.attachments.length).fill(-1);
    const coreCells: Cell[] = [];
    for (let i = 0; i < n; i++) if (!this.hanging[i]) slot[i] = coreCells.push(cells[i]!) - 1;
    const taken = new Set(coreCells.map((c) => c.id));
    this.attachments.forEach((a, m) => {
      let id = `t_${m}`;
      while (taken.has(id)) id += "'";
      slot[n + m] = coreCells.push({ id, value: a.value }) - 1;
    });
    const id = (j: number): string => coreCells[slot[j]!]!.id;
    const constraints = this.core.map((c) => ({ total: id(c.total), parts: c.parts.map(id) }));
    this.coreCache = { cells: coreCells, structure: buildStructure(coreCells, constraints), slot };
    return this.coreCache;
  }

  /**
   * Exact intervals of the hanging cells and the sums t_a, given what is known of each cell on its
   * own and of each t_a from the core (unbounded: what the subtrees alone allow, Σ D_j).
   */
  intervals(bounds: (i: number) => Bounds, sumBounds: (a: number) => Bounds): HangingIntervals {
    const forest = this.forest;
    const forestBounds: Bounds[] = new Array<Bounds>(forest.structure.ids.length);
    this.slot.forEach((s, i) => {
      if (s >= 0) forestBounds[s] = bounds(i);
    });
    this.rootSlot.forEach((s, a) => {
      forestBounds[s] = sumBounds(a);
    });
    const result = treeIntervals(forest.structure, forest.parents, forestBounds);
    return { cell: (i) => result[this.slot[i]!]!, sum: (a) => result[this.rootSlot[a]!]! };
  }
}

/** Marks the cells that hang: a part once, a total at most once, all parts hanging (parts first). */
function hangingCells(structure: CubeStructure): Uint8Array {
  const count = structure.ids.length;
  // The one constraint a cell is a part of / the total of: −1 none, −2 several.
  const partOf = new Int32Array(count).fill(-1);
  const totalOf = new Int32Array(count).fill(-1);
  for (const [n, c] of structure.constraints.entries()) {
    totalOf[c.total] = totalOf[c.total] === -1 ? n : -2;
    for (const p of c.parts) partOf[p] = partOf[p] === -1 ? n : -2;
  }
  const hanging = new Uint8Array(count);
  const decided = new Uint8Array(count);
  for (let start = 0; start < count; start++) {
    // Depth-first through single decompositions; buildStructure has refused cycles.
    const stack = [start];
    while (stack.length > 0) {
      const i = stack[stack.length - 1]!;
      if (decided[i]) {
        stack.pop();
        continue;
      }
      const n = totalOf[i]!;
      const parts = n >= 0 ? structure.constraints[n]!.parts : [];
      const pending = parts.filter((p) => !decided[p]);
      if (partOf[i]! >= 0 && n !== -2 && pending.length > 0) {
        stack.push(...pending);
        continue;
      }
      hanging[i] = partOf[i]! >= 0 && n !== -2 && parts.every((p) => hanging[p]) ? 1 : 0;
      decided[i] = 1;
      stack.pop();
    }
  }
  return hanging;
}
