/**
 * Exact intervals without LPs for a core that is a network.
 *
 * Geography × age bands with the bands hierarchical and the all-ages totals on top is, once the
 * constraints the others imply are left out, a flow network (Cox's model for two-way tables with one
 * hierarchical dimension): the all-ages totals flow from the outside node down the geography, each
 * finest unit splits into its bands, and the band cells flow up their own hierarchy back out through
 * the root total. A constraint is then the conservation of flow at one node, and every cell an arc.
 *
 * The true table is a feasible flow. How far a suppressed arc a = (u → v) can go up is how much more
 * can flow round a cycle through it: the maximum flow from v back to u in the residual network of the
 * other arcs (unknown arcs only: a published one is a constant), capped by a's own bound — max-flow
 * min-cut on circulations, so exactly the optimum of the LP "maximise x_a" over the same constraints
 * and bounds, and the same for going down. Capacities are what the bounds leave of each cell.
 *
 * Recognition is generic and only ever loses speed, never exactness: cells that a one-part
 * constraint makes equal are one arc (their bounds intersected); constraints implied by the others
 * (an exact rank test, bottom-up, so that the all-ages splits of the coarser units are the ones left
 * out) are dropped; what remains must hold every variable at most twice and admit signs that make
 * each variable leave one node and enter another. Anything else is not a network, and the caller
 * falls back to LPs.
 */
import type { Bounds } from './audit-bounds.js';
import { exactMul, gcd } from './exact-vector.js';
import { UnionFind } from './union-find.js';

interface Row {
  total: number;
  parts: number[];
}

/**
 * Linear equalities `total = Σ parts` over numbered variables — the cube's cells, and for the core of
 * a crossed cube also one variable per attachment after them (hybrid-audit.ts) — with what is known.
 */
export interface LinearSystem {
  constraints: readonly Row[];
  size: number;
  unknown: (i: number) => boolean;
  /** Value of every variable (the true table). */
  value: (i: number) => number;
  /** Bounds of an unknown variable. */
  bounds: (i: number) => Bounds;
}

export class CoreNetwork {
  private constructor(
    /** Arc of each variable (−1: in no kept constraint). */
    private readonly arcOf: Int32Array,
    /** Variables of each arc: cells a one-part constraint made equal. */
    private readonly members: number[][],
    private readonly tail: Int32Array,
    private readonly head: Int32Array,
    private readonly nodeCount: number,
  ) {}

  /** The network the constraints form over `size` variables, or undefined when they form none. */
  static recognise(constraints: readonly Row[], size: number): CoreNetwork | undefined {
    // 1. One-part constraints make two variables the same number.
    const same = new UnionFind(size);
    const find = (i: number): number => same.find(i);
    for (const c of constraints) if (c.parts.length === 1) same.union(c.total, c.parts[0]!);
    const rows: Map<number, number>[] = [];
    const heights = new Int32Array(size);
    const ordered = [...constraints].filter((c) => c.parts.length > 1);
    for (const c of ordered) {
      const row = new Map<number, number>();
      for (const [v, coefficient] of [[c.total, 1], ...c.parts.map((p) => [p, -1])] as [number, number][]) {
        const r = find(v);
        if (row.has(r)) return undefined; // a variable twice in one constraint: no arc
        row.set(r, coefficient);
      }
      rows.push(row);
    }
    // Height of a variable: how many decompositions lie below it; constraints bottom-up.
    let changed = true;
    for (let pass = 0; changed && pass <= ordered.length; pass++) {
      changed = false;
      for (const c of ordered) {
        const h = 1 + Math.max(...c.parts.map((p) => heights[find(p)]!));
        const t = find(c.total);
        if (h > heights[t]!) {
          heights[t] = h;
          changed = true;
        }
      }
    }
    if (changed) return undefined;
    const order = rows.map((_, n) => n).sort((a, b) => heights[find(ordered[a]!.total)]! - heights[find(ordered[b]!.total)]! || a - b);

    // 2. Leave out the constraints the kept ones imply (exact elimination over the rows).
    const pivots = new Map<number, Map<number, number>>();
    const kept: Map<number, number>[] = [];
    for (const n of order) {
      const reduced = reduce(rows[n]!, pivots);
      if (reduced.size === 0) continue;
      let pivot = -1;
      for (const v of reduced.keys()) if (pivot < 0 || v > pivot) pivot = v;
      pivots.set(pivot, reduced);
      kept.push(rows[n]!);
    }

    // 3. Every variable in at most two kept constraints, signs that make it an arc.
    const appearances: [number, number][][] = Array.from({ length: size }, () => []);
    kept.forEach((row, r) => {
      for (const [v, coefficient] of row) appearances[v]!.push([r, coefficient]);
    });
    const flip = new Int8Array(kept.length); // 0 unknown, ±1
    const adjacency: [number, number][][] = kept.map(() => []);
    for (const list of appearances) {
      if (list.length > 2) return undefined;
      if (list.length === 2) {
        const [[r1, c1], [r2, c2]] = list as [[number, number], [number, number]];
        // flip(r1)·c1 = −flip(r2)·c2
        const relation = -c1 * c2;
        adjacency[r1]!.push([r2, relation]);
        adjacency[r2]!.push([r1, relation]);
      }
    }
    for (let start = 0; start < kept.length; start++) {
      if (flip[start] !== 0) continue;
      flip[start] = 1;
      const stack = [start];
      while (stack.length > 0) {
        const r = stack.pop()!;
        for (const [o, relation] of adjacency[r]!) {
          const wanted = flip[r]! * relation;
          if (flip[o] === 0) {
            flip[o] = wanted;
            stack.push(o);
          } else if (flip[o] !== wanted) return undefined;
        }
      }
    }

    // 4. Arcs: coefficient +1 enters the node, −1 leaves it; the outside node is kept.length.
    const outside = kept.length;
    const arcOf = new Int32Array(size).fill(-1);
    const members: number[][] = [];
    const tails: number[] = [];
    const heads: number[] = [];
    for (let v = 0; v < size; v++) {
      if (find(v) !== v || appearances[v]!.length === 0) continue;
      let tail = outside;
      let head = outside;
      for (const [r, coefficient] of appearances[v]!) {
        if (coefficient * flip[r]! > 0) head = r;
        else tail = r;
      }
      arcOf[v] = members.length;
      members.push([]);
      tails.push(tail);
      heads.push(head);
    }
    for (let v = 0; v < size; v++) {
      const arc = arcOf[find(v)]!;
      arcOf[v] = arc;
      if (arc >= 0) members[arc]!.push(v);
    }
    return new CoreNetwork(arcOf, members, Int32Array.from(tails), Int32Array.from(heads), outside + 1);
  }

  /** Whether the network decides variable i (else it lies in no constraint and only its bounds do). */
  covers(i: number): boolean {
    return this.arcOf[i]! >= 0;
  }

  /** The exact interval of each objective, given what is known and the bounds of what is not. */
  intervals(system: LinearSystem, objectives: Iterable<number>): Map<number, Bounds> {
    const arcs = this.members.length;
    const flow = new Float64Array(arcs);
    const lower = new Float64Array(arcs);
    const upper = new Float64Array(arcs);
    this.members.forEach((list, a) => {
      flow[a] = system.value(list[0]!);
      let lo = -Infinity;
      let hi = Infinity;
      for (const v of list) {
        if (!system.unknown(v)) {
          lo = hi = system.value(v);
          break;
        }
        const b = system.bounds(v);
        lo = Math.max(lo, b.lower);
        hi = Math.min(hi, b.upper);
      }
      lower[a] = lo;
      upper[a] = hi;
    });
    // Residual network: arc 2a runs tail → head with what a can still go up, 2a+1 back with what it can go down.
    const out: number[][] = Array.from({ length: this.nodeCount }, () => []);
    const capacity = new Float64Array(2 * arcs);
    for (let a = 0; a < arcs; a++) {
      capacity[2 * a] = Math.max(0, upper[a]! - flow[a]!);
      capacity[2 * a + 1] = Math.max(0, flow[a]! - lower[a]!);
      if (capacity[2 * a] === 0 && capacity[2 * a + 1] === 0) continue;
      out[this.tail[a]!]!.push(2 * a);
      out[this.head[a]!]!.push(2 * a + 1);
    }
    const from = (e: number): number => (e % 2 === 0 ? this.tail[e >> 1]! : this.head[e >> 1]!);
    const to = (e: number): number => (e % 2 === 0 ? this.head[e >> 1]! : this.tail[e >> 1]!);

    const result = new Map<number, Bounds>();
    // One residual array for all queries; each query undoes what it pushed.
    const residual = Float64Array.from(capacity);
    const via = new Int32Array(this.nodeCount);
    const queue = new Int32Array(this.nodeCount);
    const touched: number[] = [];
    for (const i of objectives) {
      const a = this.arcOf[i]!;
      const x = flow[a]!;
      if (lower[a] === upper[a]) {
        result.set(i, { lower: x, upper: x });
        continue;
      }
      // Up: round the cycle head → … → tail, then a itself; down the other way.
      const up = Math.min(capacity[2 * a]!, maxFlow(this.head[a]!, this.tail[a]!, a, capacity[2 * a]!));
      const down = Math.min(capacity[2 * a + 1]!, maxFlow(this.tail[a]!, this.head[a]!, a, capacity[2 * a + 1]!));
      result.set(i, { lower: x - down, upper: x + up });
    }
    return result;

    /** Edmonds–Karp from s to t without arc `skip`, stopping once `enough` has been pushed. */
    function maxFlow(s: number, t: number, skip: number, enough: number): number {
      if (enough === 0) return 0;
      if (s === t) return Infinity;
      residual[2 * skip] = 0;
      residual[2 * skip + 1] = 0;
      let total = 0;
      while (total < enough) {
        via.fill(-1);
        via[s] = -2;
        queue[0] = s;
        let size = 1;
        for (let q = 0; q < size && via[t] === -1; q++) {
          for (const e of out[queue[q]!]!) {
            const next = to(e);
            if (residual[e]! > 0 && via[next] === -1) {
              via[next] = e;
              queue[size++] = next;
            }
          }
        }
        if (via[t] === -1) break;
        let push = Infinity;
        for (let node = t; node !== s; node = from(via[node]!)) push = Math.min(push, residual[via[node]!]!);
        if (push === Infinity) {
          total = Infinity;
          break;
        }
        for (let node = t; node !== s; node = from(via[node]!)) {
          const e = via[node]!;
          residual[e]! -= push;
          residual[e ^ 1]! += push;
          touched.push(e);
        }
        total += push;
      }
      for (const e of touched) {
        residual[e] = capacity[e]!;
        residual[e ^ 1] = capacity[e ^ 1]!;
      }
      touched.length = 0;
      residual[2 * skip] = capacity[2 * skip]!;
      residual[2 * skip + 1] = capacity[2 * skip + 1]!;
      return total;
    }
  }
}

/**
 * Reduces a row by the stored rows, each stored under its largest variable: while the row's largest
 * variable is one of those, eliminate it (exactly, in integers). Empty: the row is implied.
 */
function reduce(row: Map<number, number>, pivots: Map<number, Map<number, number>>): Map<number, number> {
  let current = new Map(row);
  for (;;) {
    let top = -1;
    for (const v of current.keys()) if (v > top) top = v;
    const other = top < 0 ? undefined : pivots.get(top);
    if (!other) return current;
    const a = other.get(top)!;
    const b = current.get(top)!;
    // a·current − b·other removes the top variable; divide by the gcd to keep the numbers small.
    const next = new Map<number, number>();
    for (const [v, c] of current) next.set(v, exactMul(a, c));
    for (const [v, c] of other) {
      const value = (next.get(v) ?? 0) - exactMul(b, c);
      if (value === 0) next.delete(v);
      else next.set(v, value);
    }
    let d = 0;
    for (const c of next.values()) d = gcd(d, c);
    if (d > 1) for (const [v, c] of next) next.set(v, c / d);
    current = next;
  }
}
