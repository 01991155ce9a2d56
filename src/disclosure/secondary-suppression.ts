/**
 * Secondary suppression in the manner of Statistics Norway's GaussSuppression: exact Gaussian
 * elimination decides which further cells must be hidden so that no suppressed cell is a linear
 * combination of published cells, given the additivity constraints.
 *
 * Greedy over cells in publication preference (large values and totals first, small fine cells
 * last): a cell is published unless publishing it would make a protected cell derivable, in which
 * case it becomes a secondary suppression. Protected = primary cells plus cells the audit forced.
 *
 * Soundness: every protected cell's functional stays non-zero on the hidden space Z
 * (hidden-space.ts), so it is not derivable. A rejected cell c was, at rejection, a combination of a
 * protected cell and published cells, so it stays underivable while that protected cell does; a
 * derivable cell is always published because it reveals nothing new.
 *
 * Singletons: a contributor who is alone in a suppressed cell u knows its value. Stronger than the
 * per-constraint rule ("two suppressed in a constraint, one a singleton → suppress a third"), we
 * require for every singleton u and every other protected p that p stays underivable even when u is
 * known, i.e. their functionals on Z are never parallel. Cells that share the exact same inner
 * vector (a total with one part) are the same number and count as one. Deliberately, a singleton may
 * still work out a non-primary (secondary) cell: that value is not sensitive, and since it follows
 * from what the singleton already knows it cannot help uncover a primary cell.
 *
 * Core and hanging trees. Below the crossed top of a cube (geography × age bands) the streets and
 * pc6 units form trees again (hybrid-audit.ts): each hangs off one constraint of the top, its
 * attachment a, and touches the rest of the cube only through t_a, the sum of the attachment's
 * hanging parts. Eliminating over the latent pc6 × band columns of the whole cube costs seconds; so
 * the top ("core", with one column t_a per attachment) gets the elimination and the trees get the
 * linear-time chain rule of chain-graph.ts. What passes between them is one number per attachment:
 *
 * 1. Trees first look at their own t_a: if knowing it would uncover a protected cell of the tree
 *    (a street that is the buurt's only street, two streets of which one is a singleton), t_a is
 *    protected in the core like a primary cell.
 * 2. The core is suppressed with every t_a unknown. Then each t_a not protected is offered for
 *    publication after the core cells, in the same greedy: the accepted ones (R) may become known,
 *    together, without uncovering any core cell, also to a singleton. A t_a that is not in R never
 *    becomes derivable later (it would have made the next one's publication uncover something).
 * 3. The trees are suppressed with t_a known for a ∈ R (their top closed — what the core reveals
 *    can be no more) and t_a a protected edge for a ∉ R, so the trees never reveal it. When a
 *    singleton of the core can work t_a out, that edge counts as a singleton too: no protected tree
 *    cell may then be in series with it.
 * Every protected cell is thus underivable from everything published, also to any one singleton,
 * and the property tests check it with an independent rank test.
 */
import { ChainGraph, type ChainEdge, OPEN } from './chain-graph.js';
import { type CubeStructure, buildStructure } from './cube-structure.js';
import { type Cell, type Constraint, type Decisions, type SecondaryRule, isSingleton, validateCube } from './cube.js';
import { type SparseVector, directionKey } from './exact-vector.js';
import { HiddenSpace, rewrite } from './hidden-space.js';
import { HangingSubtrees } from './hybrid-audit.js';
import { UnionFind } from './union-find.js';

export interface SecondaryOptions {
  /** Published cells that must be suppressed and protected anyway (the audit's additions). */
  forced?: Iterable<string>;
  /** Protect against a singleton knowing its own value (default true). */
  singletonProtection?: boolean;
  /** The cube's split into core and trees, when the caller suppresses the same cube repeatedly. */
  plan?: SecondaryPlan;
}

/** The split of a cube into its core and hanging trees, independent of what is suppressed. */
export interface SecondaryPlan {
  /** Cube index of each core cell; the t_a's follow them as pseudo cells of the core cube. */
  core: number[];
  coreCells: Cell[];
  coreStructure: CubeStructure;
  /** Index of each attachment's t_a among the core cells. */
  pseudo: number[];
  /** Tree graph: cube index of each hanging edge; edges after those are the t_a's, one per attachment. */
  hangingCells: number[];
  /** The hanging edges in publication preference. */
  hangingOrder: Int32Array;
  edges: ChainEdge[];
  nodeCount: number;
}

/** The plan of a cube split into core and hanging trees (hybrid-audit.ts), as the audit splits it. */
export function planSecondary(cells: readonly Cell[], split: HangingSubtrees): SecondaryPlan {
  const { hanging, structure } = split;
  const n = cells.length;
  const coreCube = split.coreStructure(cells);
  const core = cells.flatMap((_, i) => (hanging[i] ? [] : [i]));

  // Tree nodes: one per constraint with a hanging total, one per attachment (in the split's order).
  const node = new Int32Array(structure.constraints.length).fill(-1);
  let nodeCount = 0;
  for (const [c, constraint] of structure.constraints.entries()) {
    if (hanging[constraint.total] || constraint.parts.some((p) => hanging[p])) node[c] = nodeCount++;
  }
  // Edges: each hanging cell from the node it totals (OPEN for a leaf) to the node it is a part of.
  const hangingList = cells.flatMap((_, i) => (hanging[i] ? [i] : []));
  const edgeOf = new Int32Array(n).fill(-1);
  hangingList.forEach((i, e) => (edgeOf[i] = e));
  const upper = new Int32Array(hangingList.length).fill(OPEN);
  const lower = new Int32Array(hangingList.length).fill(OPEN);
  const identity = new UnionFind(hangingList.length + split.attachments.length);
  for (const [c, constraint] of structure.constraints.entries()) {
    if (node[c]! < 0) continue;
    if (hanging[constraint.total]) lower[edgeOf[constraint.total]!] = node[c]!;
    for (const p of constraint.parts) if (hanging[p]) upper[edgeOf[p]!] = node[c]!;
    if (hanging[constraint.total] && constraint.parts.length === 1) identity.union(edgeOf[constraint.total]!, edgeOf[constraint.parts[0]!]!);
  }
  const edges: ChainEdge[] = hangingList.map((_, e) => ({ upper: upper[e]!, lower: lower[e]!, identity: 0 }));
  split.attachments.forEach((a, m) => {
    const e = hangingList.length + m;
    // t_a: from the open node into the attachment's node, beside its hanging parts.
    edges.push({ upper: upper[edgeOf[a.hangingParts[0]!]!]!, lower: OPEN, identity: 0 });
    if (a.hangingParts.length === 1) identity.union(e, edgeOf[a.hangingParts[0]!]!);
  });
  edges.forEach((edge, e) => (edge.identity = identity.find(e)));
  const hangingOrder = Int32Array.from(hangingList.keys()).sort((x, y) => publishFirst(cells[hangingList[x]!]!, cells[hangingList[y]!]!, 0, 0));
  return {
    core,
    coreCells: coreCube.cells,
    coreStructure: coreCube.structure,
    pseudo: split.attachments.map((_, m) => coreCube.slot[n + m]!),
    hangingCells: hangingList,
    hangingOrder,
    edges,
    nodeCount,
  };
}

export function secondarySuppression(
  cells: readonly Cell[],
  constraints: readonly Constraint[],
  primary: Decisions,
  options: SecondaryOptions = {},
): Decisions {
  // A plan passed in was made from a cube validated by its caller.
  if (!options.plan) validateCube(cells, constraints);
  const plan = options.plan ?? planSecondary(cells, new HangingSubtrees(buildStructure(cells, constraints), cells));
  const forced = new Set(options.forced ?? []);
  const singletons = options.singletonProtection ?? true;
  const decisions: Decisions = new Map();
  const isProtected = (i: number): boolean => {
    const cell = cells[i]!;
    const decision = primary.get(cell.id);
    if (decision?.status === 'primary') {
      decisions.set(cell.id, decision);
      return true;
    }
    if (forced.has(cell.id)) {
      decisions.set(cell.id, { status: 'secondary', rule: 'secondary:audit' });
      return true;
    }
    return false;
  };
  const singleton = (i: number): boolean => singletons && isSingleton(cells[i]!);

  // 1. What each tree's own t_a would uncover.
  const hangingCount = plan.hangingCells.length;
  const protectedIdentities = new Map<number, boolean>();
  const hangingProtected = plan.hangingCells.map((i, e) => {
    const guarded = isProtected(i);
    if (guarded) {
      const identity = plan.edges[e]!.identity;
      protectedIdentities.set(identity, (protectedIdentities.get(identity) ?? false) || singleton(i));
    }
    return guarded;
  });
  const graph = new ChainGraph(plan.nodeCount, plan.edges, protectedIdentities);
  const treeNeeds = plan.pseudo.map((_, a) => graph.wouldReject(hangingCount + a) !== undefined);
  const treeSingleton = plan.pseudo.map((_, a) => protectedIdentities.get(plan.edges[hangingCount + a]!.identity) ?? false);

  // 2. The core, then the t_a's it can afford to reveal.
  const roles: CoreRole[] = plan.core.map((i) => (isProtected(i) ? { kind: 'protected', singleton: singleton(i) } : { kind: 'candidate' }));
  plan.pseudo.forEach((_, a) => roles.push(treeNeeds[a] ? { kind: 'protected', singleton: treeSingleton[a]! } : { kind: 'pseudo' }));
  const core = eliminate(plan.coreCells, plan.coreStructure, roles, plan.core.length, singletons);
  core.rules.forEach((rule, slot) => {
    if (slot < plan.core.length && roles[slot]!.kind === 'candidate') {
      const id = cells[plan.core[slot]!]!.id;
      decisions.set(id, rule === undefined ? { status: 'published' } : { status: 'secondary', rule });
    }
  });

  // 3. The trees, with t_a known for a ∈ R and protected otherwise (a singleton when one can work it out).
  const known = (members: number[]): void => {
    for (const m of members) {
      if (m >= hangingCount) continue;
      if (hangingProtected[m]) throw new Error('a protected cell became derivable');
      decisions.set(cells[plan.hangingCells[m]!]!.id, { status: 'published' });
    }
  };
  plan.pseudo.forEach((pseudo, a) => {
    if (core.revealed.has(pseudo)) known(graph.remove(hangingCount + a));
    else graph.guard(hangingCount + a, core.knownToSingleton.has(pseudo));
  });
  for (const e of plan.hangingOrder) {
    const i = plan.hangingCells[e]!;
    if (hangingProtected[e] || !graph.isLive(e)) continue;
    const rule = graph.wouldReject(e);
    if (rule) decisions.set(cells[i]!.id, { status: 'secondary', rule });
    else known(graph.remove(e));
  }
  return decisions;
}

type CoreRole = { kind: 'protected'; singleton: boolean } | { kind: 'candidate' } | { kind: 'pseudo' };

interface Group {
  cells: number[];
  singleton: boolean;
  g: SparseVector;
  key: string;
}

/**
 * The elimination over the core: protected cells and candidates as usual, then the pseudo cells
 * (t_a's, from `firstPseudo` on) offered last. Returns each slot's rule (undefined: published), the pseudo cells accepted,
 * and the pseudo cells left hidden that a singleton can work out.
 */
function eliminate(
  cells: readonly Cell[],
  structure: CubeStructure,
  roles: readonly CoreRole[],
  firstPseudo: number,
  singletons: boolean,
): { rules: (SecondaryRule | undefined)[]; revealed: Set<number>; knownToSingleton: Set<number> } {
  const space = new HiddenSpace(structure.innerCount);
  const rules: (SecondaryRule | undefined)[] = new Array<SecondaryRule | undefined>(cells.length);
  const candidates: number[] = [];
  const pseudo: number[] = [];

  // Groups of protected cells with identical vectors, their cached g = v·z over the basis, and two
  // indexes: which groups touch a basis vector, and which groups share a direction.
  const groups: Group[] = [];
  const byVector = new Map<string, Group>();
  roles.forEach((role, i) => {
    if (role.kind === 'candidate') candidates.push(i);
    if (role.kind === 'pseudo') pseudo.push(i);
    if (role.kind !== 'protected') return;
    const vector = structure.vectors[i]!;
    const vectorKey = vector.join(',');
    const existing = byVector.get(vectorKey);
    if (existing) {
      existing.cells.push(i);
      existing.singleton ||= role.singleton;
      return;
    }
    const g = space.effect(vector);
    const group: Group = { cells: [i], singleton: role.singleton, g, key: directionKey(g) };
    byVector.set(vectorKey, group);
    groups.push(group);
  });
  const touching = new Map<number, Set<number>>();
  const byDirection = new Map<string, Set<number>>();
  const index = (n: number, add: boolean): void => {
    const group = groups[n]!;
    for (const id of group.g.keys()) {
      let set = touching.get(id);
      if (!set) touching.set(id, (set = new Set()));
      if (add) set.add(n);
      else set.delete(n);
    }
    let set = byDirection.get(group.key);
    if (!set) byDirection.set(group.key, (set = new Set()));
    if (add) set.add(n);
    else set.delete(n);
  };
  groups.forEach((_, n) => index(n, true));

  const offer = (c: number): SecondaryRule | undefined => {
    const effect = space.effect(structure.vectors[c]!);
    if (effect.size === 0) return undefined; // derivable already: reveals nothing new
    const affected = new Set<number>();
    for (const id of effect.keys()) for (const n of touching.get(id) ?? []) affected.add(n);
    const pivot = space.choosePivot(effect, (id) => 4 * (touching.get(id)?.size ?? 0));
    const rejection = check(affected, effect, pivot);
    if (rejection) return rejection;
    const step = space.publish(effect, pivot);
    for (const n of affected) {
      index(n, false);
      const group = groups[n]!;
      group.g = rewrite(group.g, step, step.divisors);
      group.key = directionKey(group.g);
      index(n, true);
    }
    return undefined;
  };
  const byPreference = (list: number[]): number[] =>
    list.sort((a, b) => publishFirst(cells[a]!, cells[b]!, structure.vectors[a]!.length, structure.vectors[b]!.length));
  for (const c of byPreference(candidates)) rules[c] = offer(c);
  const revealed = new Set<number>();
  for (const c of byPreference(pseudo)) if (offer(c) === undefined) revealed.add(c);

  // A t_a left hidden that some singleton can work out (also one protected with a singleton's vector).
  const singletonDirections = new Set(groups.filter((g) => g.singleton).map((g) => g.key));
  const knownToSingleton = new Set<number>();
  for (let c = firstPseudo; c < cells.length; c++) {
    if (!revealed.has(c) && singletonDirections.has(directionKey(space.effect(structure.vectors[c]!)))) knownToSingleton.add(c);
  }
  return { rules, revealed, knownToSingleton };

  function check(affected: Set<number>, effect: SparseVector, pivot: number): SecondaryRule | undefined {
    const tentative = new Map<number, string>();
    for (const n of affected) {
      const g = rewrite(groups[n]!.g, { effect, pivot });
      if (g.size === 0) return 'secondary:linear';
      tentative.set(n, directionKey(g));
    }
    if (!singletons) return undefined;
    const sameDirection = new Map<string, number[]>();
    for (const [n, key] of tentative) {
      let list = sameDirection.get(key);
      if (!list) sameDirection.set(key, (list = []));
      list.push(n);
    }
    for (const [key, members] of sameDirection) {
      const all = [...members, ...[...(byDirection.get(key) ?? [])].filter((n) => !affected.has(n))];
      if (all.length >= 2 && all.some((n) => groups[n]!.singleton)) return 'secondary:singleton';
    }
    return undefined;
  }
}

/** Publication preference: zeros (cheap to publish, useless to hide), then large values, then coarse cells. */
function publishFirst(a: Cell, b: Cell, sizeA: number, sizeB: number): number {
  const zeroA = a.value === 0 ? 0 : 1;
  const zeroB = b.value === 0 ? 0 : 1;
  if (zeroA !== zeroB) return zeroA - zeroB;
  if (a.value !== b.value) return b.value - a.value;
  if (sizeA !== sizeB) return sizeB - sizeA;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
