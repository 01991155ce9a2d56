/**
 * The protected table ("cube") as plain data: cells, the additivity constraints that hold exactly
 * between them, and the public protection rules. Everything in `disclosure/` takes these types and
 * returns plain data, so the whole pipeline can be tested against literature examples.
 */

/** One cell of the cube. `value` is what would be published. */
export interface Cell {
  id: string;
  /**
   * A non-negative integer count; for a magnitude cell (`contributions` given) the non-negative
   * magnitude total. This is the quantity the constraints add up.
   */
  value: number;
  /** Count the value is a rate of (rate cells). Assumed public: it is protected as its own cube. */
  denominator?: number;
  /**
   * Magnitudes of the individual contributions (magnitude cells, p% rule) — all of them, or only the
   * largest ones when `contributors` gives their number (the p% rule needs the two largest and the total).
   */
  contributions?: number[];
  /** Number of non-zero contributions, when `contributions` lists only the largest. */
  contributors?: number;
}

/** `total = sum(parts)`, exactly. */
export interface Constraint {
  total: string;
  parts: string[];
}

export interface ProtectionRules {
  /** Count threshold; never below 5 (DESIGN decision 5). */
  k: number;
  /** Minimum denominator of a rate; defaults to k. */
  rateBaseMin?: number;
  /** A 0% or 100% rate on a smaller denominator discloses the whole group; defaults to 2k. */
  zeroHundredBaseMin?: number;
  /** p of the p% rule; defaults to 10. */
  p?: number;
  /** Magnitude cells with fewer contributors are primary; defaults to 3. */
  minContributors?: number;
  /** A suppressed cell whose feasible interval is narrower than this fails the audit; defaults to 2. */
  minIntervalWidth?: number;
}

export type ResolvedRules = Required<ProtectionRules>;

export type CellStatus = 'published' | 'primary' | 'secondary';

export type PrimaryRule = 'count<k' | 'rate-base<k' | 'p%' | 'min-contributors' | 'group-disclosure';
export type SecondaryRule = 'secondary:linear' | 'secondary:singleton' | 'secondary:audit';
export type SuppressionRule = PrimaryRule | SecondaryRule;

export interface CellDecision {
  status: CellStatus;
  /** Why the cell is suppressed; absent for published cells. */
  rule?: SuppressionRule;
}

/** Decisions keyed by cell id; every cell of the cube has one. */
export type Decisions = Map<string, CellDecision>;

export const DEFAULT_K = 10;
export const MIN_K = 5;

export function resolveRules(rules: Partial<ProtectionRules> = {}): ResolvedRules {
  const k = rules.k ?? DEFAULT_K;
  if (!Number.isInteger(k) || k < MIN_K) throw new RangeError(`k must be an integer of at least ${MIN_K}, got ${k}`);
  const resolved: ResolvedRules = {
    k,
    rateBaseMin: rules.rateBaseMin ?? k,
    zeroHundredBaseMin: rules.zeroHundredBaseMin ?? 2 * k,
    p: rules.p ?? 10,
    minContributors: rules.minContributors ?? 3,
    minIntervalWidth: rules.minIntervalWidth ?? 2,
  };
  // Rules weaker than the count threshold would let a rate or magnitude table undercut k.
  if (resolved.rateBaseMin < k) throw new RangeError('rateBaseMin must not be below k');
  if (resolved.p <= 0 || resolved.minContributors < 1 || resolved.minIntervalWidth < 0) {
    throw new RangeError('p must be positive, minContributors at least 1, minIntervalWidth non-negative');
  }
  return resolved;
}

export function isMagnitude(cell: Cell): boolean {
  return cell.contributions !== undefined;
}

/**
 * A singleton is a suppressed cell about which one person knows everything (its only contributor):
 * a count of 1, or a magnitude with a single contributor. Such a person can subtract their own
 * value, so the suppression pattern must survive that knowledge too.
 */
export function isSingleton(cell: Cell): boolean {
  if (cell.contributions) return contributorCount(cell) === 1;
  return cell.value === 1;
}

export function contributorCount(cell: Cell): number {
  return cell.contributors ?? (cell.contributions ?? []).filter((c) => c > 0).length;
}

/** Rejects data the algorithms cannot reason about, before any of them runs. */
export function validateCube(cells: readonly Cell[], constraints: readonly Constraint[]): Map<string, Cell> {
  const byId = new Map<string, Cell>();
  for (const cell of cells) {
    if (byId.has(cell.id)) throw new Error(`duplicate cell id ${cell.id}`);
    if (!Number.isFinite(cell.value) || cell.value < 0) throw new Error(`cell ${cell.id}: value must be non-negative`);
    if (!isMagnitude(cell) && !Number.isInteger(cell.value)) throw new Error(`cell ${cell.id}: a count must be an integer`);
    byId.set(cell.id, cell);
  }
  for (const constraint of constraints) {
    const total = byId.get(constraint.total);
    if (!total) throw new Error(`constraint names unknown total ${constraint.total}`);
    if (constraint.parts.length === 0) throw new Error(`constraint for ${constraint.total} has no parts`);
    let sum = 0;
    for (const id of constraint.parts) {
      const part = byId.get(id);
      if (!part) throw new Error(`constraint for ${constraint.total} names unknown part ${id}`);
      sum += part.value;
    }
    // The audit assumes the published table is consistent; an inconsistent one is a data error.
    if (Math.abs(sum - total.value) > 1e-9 * Math.max(1, total.value)) {
      throw new Error(`constraint for ${constraint.total} does not add up`);
    }
  }
  return byId;
}
