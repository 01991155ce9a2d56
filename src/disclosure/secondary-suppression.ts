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
 */
import { buildStructure } from './cube-structure.js';
import { type Cell, type Constraint, type Decisions, type SecondaryRule, isSingleton, validateCube } from './cube.js';
import { type SparseVector, directionKey } from './exact-vector.js';
import { HiddenSpace, rewrite } from './hidden-space.js';

export interface SecondaryOptions {
  /** Published cells that must be suppressed and protected anyway (the audit's additions). */
  forced?: Iterable<string>;
  /** Protect against a singleton knowing its own value (default true). */
  singletonProtection?: boolean;
}

interface Group {
  cells: number[];
  singleton: boolean;
  g: SparseVector;
  key: string;
}

export function secondarySuppression(
  cells: readonly Cell[],
  constraints: readonly Constraint[],
  primary: Decisions,
  options: SecondaryOptions = {},
): Decisions {
  validateCube(cells, constraints);
  const structure = buildStructure(cells, constraints);
  const forced = new Set(options.forced ?? []);
  const singletons = options.singletonProtection ?? true;
  const space = new HiddenSpace(structure.innerCount);

  const decisions: Decisions = new Map();
  const protectedCells: number[] = [];
  const candidates: number[] = [];
  cells.forEach((cell, i) => {
    const decision = primary.get(cell.id);
    if (decision?.status === 'primary') {
      decisions.set(cell.id, decision);
      protectedCells.push(i);
    } else if (forced.has(cell.id)) {
      decisions.set(cell.id, { status: 'secondary', rule: 'secondary:audit' });
      protectedCells.push(i);
    } else candidates.push(i);
  });

  // Groups of protected cells with identical vectors, their cached g = v·z over the basis, and two
  // indexes: which groups touch a basis vector, and which groups share a direction.
  const groups: Group[] = [];
  const byVector = new Map<string, Group>();
  for (const i of protectedCells) {
    const vector = structure.vectors[i]!;
    const vectorKey = vector.join(',');
    const existing = byVector.get(vectorKey);
    if (existing) {
      existing.cells.push(i);
      existing.singleton ||= isSingleton(cells[i]!);
      continue;
    }
    const g = space.effect(vector);
    const group: Group = { cells: [i], singleton: isSingleton(cells[i]!), g, key: directionKey(g) };
    byVector.set(vectorKey, group);
    groups.push(group);
  }
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

  const order = candidates.sort((a, b) => publishFirst(cells[a]!, cells[b]!, structure.vectors[a]!.length, structure.vectors[b]!.length));
  for (const c of order) {
    const effect = space.effect(structure.vectors[c]!);
    if (effect.size === 0) {
      decisions.set(cells[c]!.id, { status: 'published' }); // derivable already: reveals nothing new
      continue;
    }
    const affected = new Set<number>();
    for (const id of effect.keys()) for (const n of touching.get(id) ?? []) affected.add(n);
    const pivot = space.choosePivot(effect, (id) => 4 * (touching.get(id)?.size ?? 0));
    const rejection = check(affected, effect, pivot);
    if (rejection) {
      decisions.set(cells[c]!.id, { status: 'secondary', rule: rejection });
      continue;
    }
    const step = space.publish(effect, pivot);
    for (const n of affected) {
      index(n, false);
      const group = groups[n]!;
      group.g = rewrite(group.g, step, step.divisors);
      group.key = directionKey(group.g);
      index(n, true);
    }
    decisions.set(cells[c]!.id, { status: 'published' });
  }
  return decisions;

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
