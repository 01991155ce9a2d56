/**
 * What an attacker knows about a suppressed cell before looking at the table, and a cheap way to prove
 * that its feasible interval is wide without solving an LP.
 */
import type { CubeStructure } from './cube-structure.js';
import { type Cell, type CellDecision, type ResolvedRules, isMagnitude } from './cube.js';
import { HiddenSpace } from './hidden-space.js';
import { primaryRuleFor } from './primary-rules.js';

export interface Bounds {
  lower: number;
  upper: number;
}

/**
 * The rules are public, so a cell flagged primary under `count<k` is known to hold 1..k-1. When the
 * decision carries no rule (a stored cube keeps statuses only) the rule is recomputed from the cell,
 * so the bound always contains the truth. Denominators are public: a rate's numerator is at most its
 * denominator. Secondary cells are only known to be non-negative: an attacker who also uses that a
 * non-primary count is "0 or ≥ k" solves a disjunctive problem the LP relaxation does not see (the
 * same relaxation tau-ARGUS audits with; see lp-audit.ts).
 */
export function priorBounds(cell: Cell, decision: CellDecision, rules: ResolvedRules): Bounds {
  const upper = cell.denominator ?? Infinity;
  if (decision.status !== 'primary' || isMagnitude(cell)) return { lower: 0, upper };
  const rule = decision.rule ?? primaryRuleFor(cell, rules);
  if (rule === 'count<k' && cell.value > 0 && cell.value < rules.k) return { lower: 1, upper: Math.min(upper, rules.k - 1) };
  return { lower: 0, upper };
}

/**
 * Inner bounds from single directions: every basis vector z of the hidden space is a way to change
 * suppressed cells without changing any published one. Moving the true table along z as far as the
 * bounds allow gives feasible tables, so the interval they span lies inside the LP interval. When that
 * inner interval already passes the audit, the two LPs are unnecessary. z lives on the columns of
 * cube-structure.ts, latent ones included: cell c changes by v_c·z, summed over cellsByColumn, which
 * lists every cell a column lies in, so the moved table satisfies every constraint by construction.
 */
export class DirectionProbe {
  private readonly space: HiddenSpace;

  constructor(
    private readonly structure: CubeStructure,
    private readonly values: readonly number[],
    private readonly bounds: readonly (Bounds | undefined)[],
    published: readonly boolean[],
  ) {
    this.space = new HiddenSpace(structure.innerCount);
    published.forEach((isPublished, i) => {
      if (!isPublished) return;
      const effect = this.space.effect(structure.vectors[i]!);
      if (effect.size > 0) this.space.publish(effect);
    });
  }

  /** The hull of the feasible moves of cell `s` along up to `limit` directions. */
  inner(s: number, limit = 6): Bounds {
    const x = this.values[s]!;
    let lower = x;
    let upper = x;
    const directions = [...this.space.effect(this.structure.vectors[s]!).keys()].slice(0, limit);
    for (const id of directions) {
      const y = new Map<number, number>();
      for (const [q, coefficient] of this.space.vector(id)!) {
        for (const c of this.structure.cellsByColumn[q]!) y.set(c, (y.get(c) ?? 0) + coefficient);
      }
      let tMin = -Infinity;
      let tMax = Infinity;
      for (const [c, yc] of y) {
        if (yc === 0) continue;
        const b = this.bounds[c];
        if (!b) return { lower: x, upper: x }; // a published cell moved: cannot happen, be safe
        const toLower = (b.lower - this.values[c]!) / yc;
        const toUpper = (b.upper - this.values[c]!) / yc;
        tMin = Math.max(tMin, Math.min(toLower, toUpper));
        tMax = Math.min(tMax, Math.max(toLower, toUpper));
      }
      const ys = y.get(s) ?? 0;
      if (ys === 0 || tMin > tMax) continue;
      lower = Math.min(lower, x + Math.min(tMin * ys, tMax * ys));
      upper = Math.max(upper, x + Math.max(tMin * ys, tMax * ys));
    }
    return { lower, upper };
  }
}

/**
 * What published cells at an extreme entail, whatever else is suppressed: every cell inside a
 * published zero (or inside a rate's public denominator of 0) is zero, every rate cell inside a published 100% is 100%. Such a cell's interval is
 * a point, yet hiding more cannot widen it and it tells nothing the published cell did not — which
 * passed the primary rules on its own base (a 0% street of 37 households says that none of its pc6
 * units has arrears). The audit measures a cell against this knowledge, as it does against the rules.
 * Returns the pinned value per cell, or undefined.
 */
export function entailedValues(structure: CubeStructure, cells: readonly Cell[], published: readonly boolean[]): (number | undefined)[] {
  const zero = new Uint8Array(structure.innerCount);
  const full = new Uint8Array(structure.innerCount);
  cells.forEach((cell, i) => {
    // A rate on a denominator of 0 is 0 for anyone: the denominator is public.
    if (cell.denominator === 0) for (const q of structure.vectors[i]!) zero[q] = 1;
    if (!published[i]) return;
    if (cell.value === 0) for (const q of structure.vectors[i]!) zero[q] = 1;
    else if (cell.denominator !== undefined && cell.value === cell.denominator) for (const q of structure.vectors[i]!) full[q] = 1;
  });
  return cells.map((cell, i) => {
    const vector = structure.vectors[i]!;
    if (vector.every((q) => zero[q] === 1)) return 0;
    if (cell.denominator !== undefined && vector.every((q) => full[q] === 1)) return cell.denominator;
    return undefined;
  });
}
