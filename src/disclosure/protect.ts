/**
 * The whole disclosure control of one cube: primary rules → secondary suppression → LP audit, and
 * more suppression while the audit fails. A cube that still fails after the iteration cap is not
 * released (DESIGN decision 5). The output never carries a suppressed value, nor the audit's
 * intervals (an inner interval is built around the true value).
 */
import { type Cell, type CellStatus, type Constraint, type Decisions, type ProtectionRules, type SuppressionRule, resolveRules, validateCube } from './cube.js';
import { buildStructure } from './cube-structure.js';
import type { Bounds } from './audit-bounds.js';
import { AuditDeadlineExceeded, AuditPlan, type CellInterval, auditCube } from './lp-audit.js';
import { primarySuppression } from './primary-rules.js';
import { planSecondary, secondarySuppression } from './secondary-suppression.js';

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
  const auditPlan = new AuditPlan(cells, structure);
  const plan = planSecondary(cells, auditPlan.split);
  const forced = new Set<string>();
  const maxRounds = options.maxRounds ?? 40;
  let decisions: Decisions = primary;
  let audited = { cells: 0, lp: 0 };
  let reason: string | undefined = `the audit still fails after ${maxRounds} rounds`;
  let rounds = 0;
  const lpCache = new Map<string, Bounds>();
  /** Cells that failed in an earlier round: a too narrow one is widened on its other side next. */
  const failedBefore = new Set<string>();
  const deadline = options.timeBudgetMs === undefined ? undefined : performance.now() + options.timeBudgetMs;
  while (rounds < maxRounds) {
    rounds++;
    decisions = timed('secondary', () => secondarySuppression(cells, constraints, primary, { forced, plan }));
    const start = performance.now();
    let audit;
    try {
      audit = await auditCube(cells, constraints, decisions, resolved, deadline === undefined ? { lpCache, plan: auditPlan } : { deadline, lpCache, plan: auditPlan });
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
      const retry = failedBefore.has(failure.id);
      failedBefore.add(failure.id);
      const neighbour = publishedNeighbour(failure, repaired, retry);
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
   * A published cell to hide so that the failing one gets room, in the direction it lacks: to go up,
   * a sibling must be able to go down (non-zero) or its total or a part of it up (any value, a hidden
   * zero can grow); to go down, the other way round. Among the useful neighbours the smallest that can
   * move by the interval width asked. When none is useful, look one constraint further out, through
   * the suppressed cells, and so on, zeros last. `null`: a constraint on the way was repaired this
   * round already, so wait for the next audit.
   */
  function publishedNeighbour(failure: CellInterval, repaired: Set<number>, retry: boolean): string | undefined | null {
    const start = structure.index.get(failure.id)!;
    const value = byId.get(failure.id)!.value;
    // Too narrow: widen on the tighter side first; if that did not help, on the other.
    const tighterAbove = failure.upper - value <= value - failure.lower;
    const up = failure.failure === 'upper' || tighterAbove !== retry;
    const seen = new Set<number>([start]);
    let frontier = [start];
    let fallback: { cell: Cell; constraint: number } | undefined;
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
              continue;
            }
            // Does hiding j give the failing cell room in the direction it needs? Only known for its
            // own constraints; further out, a zero is kept as the last resort.
            const sibling = i === start && j !== c.total && i !== c.total;
            const growsIt = i === start ? (sibling ? !up : up) : false;
            const useful = cell.value > 0 || growsIt;
            if (!useful) {
              fallback ??= { cell, constraint: n };
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
    return fallback && choose(fallback.cell, fallback.constraint);
  }
}

/**
 * Which published neighbour to hide: one that can move by the interval width the audit asks for first
 * (a hidden 1 gives one unit of room, often not enough, and the cell fails again next round), then
 * other non-zero ones, zeros last; the smallest within each class.
 */
function preferred(a: Cell, b: Cell, width: number): boolean {
  const roomA = a.value >= width ? 0 : a.value > 0 ? 1 : 2;
  const roomB = b.value >= width ? 0 : b.value > 0 ? 1 : 2;
  if (roomA !== roomB) return roomA < roomB;
  return a.value < b.value || (a.value === b.value && a.id < b.id);
}
