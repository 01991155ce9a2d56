/**
 * The whole disclosure control of one cube: primary rules → secondary suppression → LP audit, and
 * more suppression while the audit fails. A cube that still fails after the iteration cap is not
 * released (DESIGN decision 5). The output never carries a suppressed value, nor the audit's
 * intervals (an inner interval is built around the true value).
 */
import { type Cell, type CellStatus, type Constraint, type Decisions, type ProtectionRules, type SuppressionRule, resolveRules, validateCube } from './cube.js';
import { buildStructure } from './cube-structure.js';
import type { Bounds } from './audit-bounds.js';
import { AuditDeadlineExceeded, auditCube } from './lp-audit.js';
import { primarySuppression } from './primary-rules.js';
import { secondarySuppression } from './secondary-suppression.js';

export interface ProtectedCellOutput {
  id: string;
  /** null whenever the cell is suppressed, and for every cell of a cube that is not released. */
  value: number | null;
  status: CellStatus;
  rule?: SuppressionRule;
}

export interface ProtectionSummary {
  cells: number;
  published: number;
  primary: number;
  secondary: number;
  /** Suppressed cells whose interval the audit checked. */
  auditedCells: number;
  /** Of those, how many needed the two LPs (the rest were proved wide by a feasible move). */
  lpAuditedCells: number;
  /** Rounds of secondary suppression + audit. */
  rounds: number;
  released: boolean;
}

export interface ProtectionResult {
  released: boolean;
  reason?: string;
  cells: ProtectedCellOutput[];
  summary: ProtectionSummary;
  /** Wall-clock seconds per stage, for benchmarks and logs (not part of the cube). */
  timings: { primary: number; secondary: number; audit: number };
}

export interface ProtectOptions {
  /** Rounds of "audit fails → suppress a neighbour → redo" before giving up (default 40; the time budget is the real limit). */
  maxRounds?: number;
  /**
   * Wall-clock budget for the whole protection, in milliseconds. A cube that cannot be audited in time
   * is not released (fail closed) — a request can never hold the gateway for minutes.
   */
  timeBudgetMs?: number;
}

export async function protectCube(
  cells: readonly Cell[],
  constraints: readonly Constraint[],
  rules: Partial<ProtectionRules> = {},
  options: ProtectOptions = {},
): Promise<ProtectionResult> {
  const resolved = resolveRules(rules);
  const byId = validateCube(cells, constraints);
  const timings = { primary: 0, secondary: 0, audit: 0 };
  const timed = <T>(stage: keyof typeof timings, work: () => T): T => {
    const start = performance.now();
    try {
      return work();
    } finally {
      timings[stage] += (performance.now() - start) / 1000;
    }
  };

  const primary = timed('primary', () => primarySuppression(cells, resolved));
  const structure = buildStructure(cells, constraints);
  const forced = new Set<string>();
  const maxRounds = options.maxRounds ?? 40;
  let decisions: Decisions = primary;
  let audited = { cells: 0, lp: 0 };
  let reason: string | undefined = `the audit still fails after ${maxRounds} rounds`;
  let rounds = 0;
  const lpCache = new Map<string, Bounds>();
  const deadline = options.timeBudgetMs === undefined ? undefined : performance.now() + options.timeBudgetMs;
  while (rounds < maxRounds) {
    rounds++;
    decisions = timed('secondary', () => secondarySuppression(cells, constraints, primary, { forced }));
    const start = performance.now();
    let audit;
    try {
      audit = await auditCube(cells, constraints, decisions, resolved, deadline === undefined ? { lpCache } : { deadline, lpCache });
    } catch (error) {
      if (!(error instanceof AuditDeadlineExceeded)) throw error;
      timings.audit += (performance.now() - start) / 1000;
      reason = error.message;
      break;
    }
    timings.audit += (performance.now() - start) / 1000;
    audited = { cells: audit.intervals.length, lp: audit.lpCells };
    if (audit.failures.length === 0) {
      reason = undefined;
      break;
    }
    // One repair per constraint and round: failures that share a root cause (a pinned street and
    // its pc6 units) are all helped by the same added cell; the next round shows what is left.
    const repaired = new Set<number>();
    let added = 0;
    let blocked = 0;
    for (const failure of audit.failures) {
      const neighbour = publishedNeighbour(failure.id, repaired);
      if (neighbour === null) blocked++;
      else if (neighbour !== undefined) {
        forced.add(neighbour);
        added++;
      }
    }
    if (added === 0 && blocked === 0) {
      reason = 'the audit fails and no published neighbour is left to suppress';
      break;
    }
  }
  const released = reason === undefined;

  const output: ProtectedCellOutput[] = cells.map((cell) => {
    const decision = decisions.get(cell.id) ?? { status: 'published' as const };
    const value = released && decision.status === 'published' ? cell.value : null;
    return decision.rule ? { id: cell.id, value, status: decision.status, rule: decision.rule } : { id: cell.id, value, status: decision.status };
  });
  const count = (status: CellStatus): number => output.filter((c) => c.status === status).length;
  const summary: ProtectionSummary = {
    cells: cells.length,
    published: count('published'),
    primary: count('primary'),
    secondary: count('secondary'),
    auditedCells: audited.cells,
    lpAuditedCells: audited.lp,
    rounds,
    released,
  };
  return reason === undefined ? { released, cells: output, summary, timings } : { released, reason, cells: output, summary, timings };

  /**
   * The smallest published non-zero cell sharing a constraint with the failing one. When there is
   * none, look one constraint further out, through the suppressed cells, and so on; a zero only when
   * nothing else is left. `null`: a constraint on the way
   * was repaired this round already, so wait for the next audit.
   */
  function publishedNeighbour(id: string, repaired: Set<number>): string | undefined | null {
    const seen = new Set<number>([structure.index.get(id)!]);
    let frontier = [...seen];
    let zero: { cell: Cell; constraint: number } | undefined;
    const choose = (cell: Cell, constraint: number): string => {
      for (const n of structure.constraintsByCell[structure.index.get(cell.id)!]!) repaired.add(n);
      repaired.add(constraint);
      return cell.id;
    };
    while (frontier.length > 0) {
      let best: Cell | undefined;
      let bestConstraint = -1;
      const next: number[] = [];
      for (const i of frontier) {
        for (const n of structure.constraintsByCell[i]!) {
          if (repaired.has(n)) return null;
          const c = structure.constraints[n]!;
          for (const j of [c.total, ...c.parts]) {
            const cell = byId.get(structure.ids[j]!)!;
            if (decisions.get(cell.id)?.status !== 'published' || forced.has(cell.id)) {
              if (!seen.has(j)) {
                seen.add(j);
                next.push(j);
              }
            } else if (cell.value === 0) {
              // A hidden zero can only grow: it gives no room to a cell pinned from above. Keep it as
              // the last resort and look further out for a cell that can move both ways.
              zero ??= { cell, constraint: n };
            } else if (!best || preferred(cell, best, resolved.minIntervalWidth)) {
              best = cell;
              bestConstraint = n;
            }
          }
        }
      }
      if (best) return choose(best, bestConstraint);
      frontier = next;
    }
    return zero && choose(zero.cell, zero.constraint);
  }
}

/**
 * Which published non-zero neighbour to hide: one that can move by the interval width the audit asks
 * for first (a hidden 1 gives one unit of room, often not enough, and the cell fails again next
 * round), the smallest within each class.
 */
function preferred(a: Cell, b: Cell, width: number): boolean {
  const roomA = a.value >= width ? 0 : 1;
  const roomB = b.value >= width ? 0 : 1;
  if (roomA !== roomB) return roomA < roomB;
  return a.value < b.value || (a.value === b.value && a.id < b.id);
}
