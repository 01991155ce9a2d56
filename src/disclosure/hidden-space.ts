/**
 * What an attacker cannot see. With cells as sums of inner cells (cube-structure.ts), a published cell
 * c reveals the linear functional z ↦ v_c·z of the unknown inner vector z. The directions the
 * published table leaves open are Z = { z : v_c·z = 0 for every published c }; a suppressed cell s is
 * derivable exactly when v_s·z = 0 on all of Z. We keep an integer basis of Z and shrink it by one
 * dimension per informative publication (Gaussian elimination on the null space).
 *
 * Why the null space and not the span of published vectors: hierarchical tables publish large totals
 * first, and their span in echelon form fills in densely; the null-space basis stays made of sibling
 * differences (e_i − e_j), a handful of entries each.
 */
import { type SparseVector, combine, contentOf, divideBy, exactMul } from './exact-vector.js';

/** How one publication rewrote the basis, so callers can update values they cached over it. */
export interface PublishStep {
  /** Values v_c·z_i of the published functional on the basis vectors it touches. */
  effect: SparseVector;
  /** The basis vector eliminated. */
  pivot: number;
  /** z_i ← (f_pivot·z_i − f_i·z_pivot) / divisor_i for every other i in `effect`. */
  divisors: Map<number, number>;
}

export class HiddenSpace {
  private readonly basis = new Map<number, SparseVector>();
  private readonly byColumn: Set<number>[];

  constructor(innerCount: number) {
    this.byColumn = Array.from({ length: innerCount }, (_, q) => new Set([q]));
    for (let q = 0; q < innerCount; q++) this.basis.set(q, new Map([[q, 1]]));
  }

  get dimension(): number {
    return this.basis.size;
  }

  vector(id: number): SparseVector | undefined {
    return this.basis.get(id);
  }

  basisIds(): IterableIterator<number> {
    return this.basis.keys();
  }

  /** v·z_i for every basis vector z_i where it is non-zero; empty means "v is derivable". */
  effect(columns: readonly number[]): SparseVector {
    const out: SparseVector = new Map();
    for (const q of columns) {
      for (const id of this.byColumn[q]!) {
        const next = (out.get(id) ?? 0) + this.basis.get(id)!.get(q)!;
        if (next === 0) out.delete(id);
        else out.set(id, next);
      }
    }
    return out;
  }

  /**
   * The cheapest pivot: a short basis vector, so the update adds few entries; `cost` lets the caller
   * add its own fill (e.g. how many tracked cells the pivot touches).
   */
  choosePivot(effect: SparseVector, cost: (id: number) => number = () => 0): number {
    let best = -1;
    let bestScore = Infinity;
    for (const id of effect.keys()) {
      const score = this.basis.get(id)!.size + cost(id);
      if (score < bestScore) {
        bestScore = score;
        best = id;
      }
    }
    if (best < 0) throw new Error('nothing to eliminate');
    return best;
  }

  /** Restricts the space to { z : v·z = 0 } for the functional whose effect is given. */
  publish(effect: SparseVector, pivot = this.choosePivot(effect)): PublishStep {
    const fPivot = effect.get(pivot)!;
    const zPivot = this.basis.get(pivot)!;
    const divisors = new Map<number, number>();
    for (const [id, f] of effect) {
      if (id === pivot) continue;
      const old = this.basis.get(id)!;
      const next = combine(fPivot, old, f, zPivot);
      const d = contentOf(next);
      divideBy(next, d);
      divisors.set(id, d);
      for (const q of old.keys()) if (!next.has(q)) this.byColumn[q]!.delete(id);
      for (const q of next.keys()) this.byColumn[q]!.add(id);
      this.basis.set(id, next);
    }
    for (const q of zPivot.keys()) this.byColumn[q]!.delete(pivot);
    this.basis.delete(pivot);
    return { effect, pivot, divisors };
  }
}

/**
 * The same rewrite applied to cached values g_i = v·z_i of another functional. Without divisors
 * (a tentative step) the result is a consistent rescaling, good enough to compare directions.
 */
export function rewrite(g: SparseVector, step: Pick<PublishStep, 'effect' | 'pivot'>, divisors?: Map<number, number>): SparseVector {
  const fPivot = step.effect.get(step.pivot)!;
  const gPivot = g.get(step.pivot) ?? 0;
  const out: SparseVector = new Map();
  const put = (id: number, gi: number, f: number): void => {
    const raw = exactMul(fPivot, gi) - exactMul(f, gPivot);
    if (!Number.isSafeInteger(raw)) throw new RangeError('exact elimination left the safe-integer range');
    if (raw !== 0) out.set(id, raw / (divisors?.get(id) ?? 1));
  };
  // Entries of g outside the effect are untouched; inside it they mix with g's pivot value, which
  // only reaches every entry of the effect when g touches the pivot (choosePivot avoids that).
  for (const [id, gi] of g) {
    if (id === step.pivot) continue;
    const f = step.effect.get(id);
    if (f === undefined) out.set(id, gi);
    else put(id, gi, f);
  }
  if (gPivot !== 0) {
    for (const [id, f] of step.effect) if (id !== step.pivot && !g.has(id)) put(id, 0, f);
  }
  return out;
}
