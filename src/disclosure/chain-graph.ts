/**
 * Secondary suppression on tree-shaped parts of a cube in linear time, as a graph problem.
 *
 * In a tree of constraints (every cell a part of one constraint and the total of at most one) each
 * constraint is a node and each cell an edge: from the node it is the total of (or the open node O
 * for a leaf, which nothing constrains) to the node it is a part of (or O above the top). The
 * constraints are then the flow conservation of that graph, and the unknowns an attacker cannot pin
 * down are the circulations on the hidden edges H. So a hidden cell is derivable exactly when it is a
 * bridge of H, and a cell p becomes derivable once another cell u is known exactly when every cycle
 * through p runs through u: p and u are "in series". Every cycle passes O (the rest is a tree), and
 * when H has no bridges every branch reaches O, so edges are in series exactly when they lie on one
 * path whose inner nodes have degree 2 in H: a chain. We keep H free of bridges (a bridge is
 * derivable: publishing it tells nothing new) and the chains in a union-find:
 *
 * - publishing c removes c's whole chain from H (the rest of the chain becomes derivable with it), so
 *   it is refused when that chain holds a protected cell ('secondary:linear');
 * - where a chain ended at a node of degree 3, the two chains left there join; a joined chain that
 *   holds a singleton (whose one contributor knows it) and another protected cell would let that
 *   person derive the other, so that is refused too ('secondary:singleton').
 *
 * Cells that are the same number (a total with one part) share an identity and count as one.
 */
import type { SecondaryRule } from './cube.js';

/** The open node: outside every constraint. */
export const OPEN = -1;

export interface ChainEdge {
  /** The node whose constraint the edge is a part of, or OPEN. */
  upper: number;
  /** The node whose constraint the edge is the total of, or OPEN for a leaf. */
  lower: number;
  /** Edges that are the same number share an identity. */
  identity: number;
}

interface Chain {
  /** The nodes the chain ends at (degree ≠ 2, or OPEN). */
  ends: [number, number];
  /** Members as a linked list through `next`, and how many. */
  first: number;
  last: number;
  size: number;
  /** Protected identities on the chain (null: none). */
  guarded: Set<number> | null;
  singleton: boolean;
}

export class ChainGraph {
  private readonly live: Uint8Array;
  private readonly degree: Int32Array;
  private readonly incident: number[][];
  private readonly root: Int32Array;
  private readonly next: Int32Array;
  private readonly chains: (Chain | undefined)[];

  /**
   * @param protectedIdentities identity → whether it is a singleton, for every protected identity.
   * Every node must start with degree 2 or more: H starts without bridges.
   */
  constructor(
    nodeCount: number,
    private readonly edges: readonly ChainEdge[],
    protectedIdentities: ReadonlyMap<number, boolean>,
  ) {
    this.live = new Uint8Array(edges.length).fill(1);
    this.degree = new Int32Array(nodeCount);
    this.incident = Array.from({ length: nodeCount }, () => []);
    this.root = new Int32Array(edges.length);
    this.next = new Int32Array(edges.length).fill(-1);
    this.chains = new Array<Chain | undefined>(edges.length);
    edges.forEach((edge, e) => {
      this.root[e] = e;
      const singleton = protectedIdentities.get(edge.identity);
      this.chains[e] = {
        ends: [edge.upper, edge.lower],
        first: e,
        last: e,
        size: 1,
        guarded: singleton === undefined ? null : new Set([edge.identity]),
        singleton: singleton ?? false,
      };
      if (edge.upper !== OPEN) {
        this.degree[edge.upper]!++;
        this.incident[edge.upper]!.push(e);
      }
      if (edge.lower !== OPEN) {
        this.degree[edge.lower]!++;
        this.incident[edge.lower]!.push(e);
      }
    });
    for (let node = 0; node < nodeCount; node++) {
      if (this.degree[node] === 1) throw new Error('a tree constraint has a single cell');
      if (this.degree[node] === 2) {
        const [x, y] = this.incident[node]!;
        this.join(this.find(x!), this.find(y!), node);
      }
    }
  }

  isLive(e: number): boolean {
    return this.live[e] === 1;
  }

  /** Why publishing edge e would disclose a protected cell, or undefined when it is safe. */
  wouldReject(e: number): SecondaryRule | undefined {
    const r = this.find(e);
    const chain = this.chains[r]!;
    if (chain.guarded) return 'secondary:linear';
    for (const end of chain.ends) {
      const pair = this.joinedAt(end, r);
      if (pair && violates(this.chains[pair[0]]!, this.chains[pair[1]]!)) return 'secondary:singleton';
    }
    return undefined;
  }

  /** Protects edge e from now on (its chain holds its identity), as a singleton or not. */
  guard(e: number, singleton: boolean): void {
    const chain = this.chains[this.find(e)]!;
    (chain.guarded ??= new Set()).add(this.edges[e]!.identity);
    chain.singleton ||= singleton;
  }

  /** Publishes edge e: removes its chain from H and returns the chain's edges (all now known). */
  remove(e: number): number[] {
    const r = this.find(e);
    const chain = this.chains[r]!;
    const pairs = chain.ends.map((end) => [end, this.joinedAt(end, r)] as const);
    const members: number[] = [];
    for (let m = chain.first; m >= 0; m = this.next[m]!) {
      members.push(m);
      this.live[m] = 0;
      const edge = this.edges[m]!;
      if (edge.upper !== OPEN) this.degree[edge.upper]!--;
      if (edge.lower !== OPEN) this.degree[edge.lower]!--;
    }
    this.chains[r] = undefined;
    for (const [end, pair] of pairs) if (pair) this.join(this.find(pair[0]), this.find(pair[1]), end);
    return members;
  }

  /** The chains of the two edges left at `node` if chain r (ending there) were removed and two remain. */
  private joinedAt(node: number, r: number): [number, number] | undefined {
    if (node === OPEN || this.degree[node] !== 3) return undefined;
    const list = this.incident[node]!;
    let write = 0;
    const others: number[] = [];
    for (const e of list) {
      if (!this.live[e]) continue;
      list[write++] = e;
      const c = this.find(e);
      if (c !== r) others.push(c);
    }
    list.length = write;
    if (others.length !== 2) throw new Error('chain bookkeeping is inconsistent');
    return [others[0]!, others[1]!];
  }

  private join(x: number, y: number, at: number): void {
    const a = this.chains[x]!;
    const b = this.chains[y]!;
    const [big, small, keep, drop] = a.size >= b.size ? [a, b, x, y] : [b, a, y, x];
    big.ends = [otherEnd(a, at), otherEnd(b, at)];
    this.next[big.last] = small.first;
    big.last = small.last;
    big.size += small.size;
    if (small.guarded) {
      if (big.guarded) for (const g of small.guarded) big.guarded.add(g);
      else big.guarded = small.guarded;
    }
    big.singleton ||= small.singleton;
    this.root[drop] = keep;
    this.chains[drop] = undefined;
  }

  private find(e: number): number {
    let r = e;
    while (this.root[r] !== r) r = this.root[r]!;
    while (this.root[e] !== r) {
      const next = this.root[e]!;
      this.root[e] = r;
      e = next;
    }
    return r;
  }
}

function otherEnd(chain: Chain, at: number): number {
  const [p, q] = chain.ends;
  if (p === at) return q;
  if (q === at) return p;
  throw new Error('chain does not end at the node it is joined at');
}

/** A joined chain with a singleton and another protected identity lets that person derive it. */
function violates(a: Chain, b: Chain): boolean {
  if (!a.singleton && !b.singleton) return false;
  let size = a.guarded?.size ?? 0;
  for (const g of b.guarded ?? []) if (!a.guarded?.has(g)) size++;
  return size >= 2;
}
