/**
 * The LP audit (DESIGN decision 5): for every suppressed cell, the interval an attacker can prove for
 * its value from the published cells, the additivity constraints, non-negativity and the public rules,
 * found with two LPs (min and max) solved by HiGHS.
 *
 * Scaling: published cells are constants, so each LP only needs the suppressed cells connected to the
 * audited one through shared constraints (its component). Cells whose interval is already proved wide
 * by a feasible move of the table (audit-bounds.ts) skip the LPs; their reported interval is that
 * proved inner interval (`method: 'direction'`), the exact one is at least as wide.
 *
 * Known relaxation: continuous LP, integer rounding of the bounds afterwards; the "0 or ≥ k" knowledge
 * about non-primary cells is not used.
 */
import { buildStructure } from './cube-structure.js';
import { type Bounds, DirectionProbe, entailedValues, priorBounds } from './audit-bounds.js';
import { type Cell, type CellDecision, type Constraint, type ProtectionRules, type ResolvedRules, isMagnitude, resolveRules } from './cube.js';
import { loadSolver, solveLp } from './solver.js';
import { treeIntervals, treeParents } from './tree-audit.js';

export interface CellInterval {
  id: string;
  lower: number;
  upper: number;
  /** `tree`: exact, from the two passes of tree-audit.ts; `lp`: exact, two LPs; `direction`: an inner interval. */
  method: 'lp' | 'direction' | 'tree';
  /** Why it fails; absent when the cell passes. */
  failure?: 'width' | 'upper';
}

export interface AuditResult {
  intervals: CellInterval[];
  failures: CellInterval[];
  /** Suppressed cells that needed their two LPs (the others were proved wide by a feasible move). */
  lpCells: number;
  /** LPs solved in all. */
  lpSolves: number;
}

export interface AuditOptions {
  /**
   * `fast` (default): a tree-shaped cube gets the exact two-pass audit, any other cube tries feasible
   * moves before LPs. `lp`: every suppressed cell gets its two LPs — the independent check tests use.
   */
  method?: 'fast' | 'lp';
  /** A `performance.now()` instant after which the audit gives up (AuditDeadlineExceeded). */
  deadline?: number;
}

/** The audit ran out of its time budget: its cube cannot be shown to be safe, so it is not released. */
export class AuditDeadlineExceeded extends Error {
  constructor() {
    super('the audit did not finish within its time budget');
    this.name = 'AuditDeadlineExceeded';
  }
}

const EPS = 1e-6;

export async function auditCube(
  cells: readonly Cell[],
  constraints: readonly Constraint[],
  statuses: ReadonlyMap<string, CellDecision>,
  rules: Partial<ProtectionRules> = {},
  options: AuditOptions = {},
): Promise<AuditResult> {
  const resolved = resolveRules(rules);
  if (options.deadline !== undefined && performance.now() >= options.deadline) throw new AuditDeadlineExceeded();
  const structure = buildStructure(cells, constraints);
  const suppressed = cells.map((c) => (statuses.get(c.id)?.status ?? 'published') !== 'published');
  const bounds: (Bounds | undefined)[] = cells.map((cell, i) =>
    suppressed[i] ? priorBounds(cell, statuses.get(cell.id)!, resolved) : undefined,
  );
  const values = cells.map((c) => c.value);
  // The yardstick of each suppressed cell: the rules, narrowed by what published extremes entail.
  const entailed = entailedValues(structure, cells, suppressed.map((s) => !s));
  const known = (i: number): Bounds => {
    const pinned = entailed[i];
    return pinned === undefined ? bounds[i]! : { lower: pinned, upper: pinned };
  };
  const fast = options.method !== 'lp';
  const intervals: CellInterval[] = [];
  let lpSolves = 0;
  let highsNow: Awaited<ReturnType<typeof loadSolver>> | undefined;

  const parentOf = fast ? treeParents(structure) : undefined;
  if (parentOf) {
    const exact = treeIntervals(structure, parentOf, cells.map((cell, i) => bounds[i] ?? { lower: cell.value, upper: cell.value }));
    // What the rules alone tell, every cell unknown: no suppression pattern can do better than that.
    const rulesOnly = treeIntervals(
      structure,
      parentOf,
      cells.map((cell) => priorBounds(cell, statuses.get(cell.id) ?? { status: 'published' }, resolved)),
    );
    for (const [i, cell] of cells.entries()) {
      if (!suppressed[i]) continue;
      const interval: CellInterval = { id: cell.id, ...rounded(cell, exact[i]!), method: 'tree' };
      const pinned = entailed[i];
      const yardstick = pinned === undefined ? rounded(cell, rulesOnly[i]!) : { lower: pinned, upper: pinned };
      const failure = judge(cell, statuses.get(cell.id)!, interval, yardstick, resolved);
      if (failure) interval.failure = failure;
      intervals.push(interval);
    }
    return { intervals, failures: intervals.filter((x) => x.failure), lpCells: 0, lpSolves };
  }

  const probe = fast ? new DirectionProbe(structure, values, bounds, suppressed.map((s) => !s)) : undefined;
  const needLp: number[] = [];
  cells.forEach((cell, i) => {
    if (!suppressed[i]) return;
    if (probe) {
      const inner = rounded(cell, probe.inner(i));
      const interval: CellInterval = { id: cell.id, ...inner, method: 'direction' };
      if (!judge(cell, statuses.get(cell.id)!, interval, known(i), resolved)) {
        intervals.push(interval);
        return;
      }
    }
    needLp.push(i);
  });

  if (needLp.length > 0) {
    const highs = (highsNow = await loadSolver());
    const component = components(structure, suppressed);
    const byComponent = new Map<number, { total: number; parts: number[] }[]>();
    for (const c of structure.constraints) {
      const hidden = [c.total, ...c.parts].find((j) => suppressed[j]);
      if (hidden === undefined) continue;
      const root = component(hidden);
      const list = byComponent.get(root);
      if (list) list.push(c);
      else byComponent.set(root, [c]);
    }
    const lpCache = new Map<number, string>();
    for (const i of needLp) {
      if (options.deadline !== undefined && performance.now() > options.deadline) throw new AuditDeadlineExceeded();
      // LPs are solved synchronously: let other requests through now and then.
      if (lpSolves % 32 === 0) await new Promise((resolve) => setImmediate(resolve));
      const root = component(i);
      let body = lpCache.get(root);
      if (body === undefined) {
        body = lpBody(byComponent.get(root) ?? [], cells, (j) => suppressed[j]!, (j) => bounds[j]!, i);
        lpCache.set(root, body);
      }
      const min = solveLp(highs, `Minimize\n obj: x${i}\n${body}`, 'min').value;
      const max = solveLp(highs, `Maximize\n obj: x${i}\n${body}`, 'max').value;
      lpSolves += 2;
      const cell = cells[i]!;
      await judged(i, { id: cell.id, ...rounded(cell, { lower: min, upper: max }), method: 'lp' });
    }
  }
  return { intervals, failures: intervals.filter((x) => x.failure), lpCells: needLp.length, lpSolves };

  /** Records an exact interval with its verdict. */
  async function judged(i: number, interval: CellInterval): Promise<void> {
    const cell = cells[i]!;
    let failure = judge(cell, statuses.get(cell.id)!, interval, known(i), resolved);
    if (failure === 'upper' && interval.upper >= (await rulesOnlyUpper(i))) failure = undefined;
    if (failure) interval.failure = failure;
    intervals.push(interval);
  }

  /**
   * An upper bound equal to the value is no disclosure when the public rules alone imply it (a total
   * of 9 flagged primary with a primary part ≥ 1 bounds the other part by 8, whatever is published).
   * Over the cell's own constraints only, with no cell published: fewer constraints give a bound at
   * least as high as the rules-only one, so this errs towards failing.
   */
  async function rulesOnlyUpper(s: number): Promise<number> {
    highsNow ??= await loadSolver();
    const own = structure.constraintsByCell[s]!.map((n) => structure.constraints[n]!);
    const prior = (j: number): Bounds => priorBounds(cells[j]!, statuses.get(cells[j]!.id) ?? { status: 'published' }, resolved);
    const body = lpBody(own, cells, () => true, prior, s);
    lpSolves++;
    return Math.floor(solveLp(highsNow, `Maximize\n obj: x${s}\n${body}`, 'max').value + EPS);
  }
}

/**
 * Too narrow: width under minIntervalWidth — or under the width the public rules alone leave, when
 * that is smaller (a rate on a denominator of 1 is 0 or 1 for anyone: no suppression can widen it, and
 * it is as protected as it can be). For a primary cell also: the upper bound is not above the
 * value, unless that bound is just the public rule (a count of k-1 is "at most k-1" for everyone).
 * A magnitude cell needs upward uncertainty of p% of its largest contribution (its p% protection).
 */
function judge(cell: Cell, decision: CellDecision, interval: Bounds, prior: Bounds, rules: ResolvedRules): 'width' | 'upper' | undefined {
  if (interval.upper - interval.lower < Math.min(rules.minIntervalWidth, prior.upper - prior.lower)) return 'width';
  if (decision.status !== 'primary') return undefined;
  if (isMagnitude(cell)) {
    const largest = Math.max(0, ...(cell.contributions ?? []));
    return interval.upper < cell.value + (rules.p / 100) * largest ? 'upper' : undefined;
  }
  return interval.upper <= cell.value && interval.upper < prior.upper ? 'upper' : undefined;
}

/** Counts are integers and the attacker knows it: round the bounds inwards to integers. */
function rounded(cell: Cell, b: Bounds): Bounds {
  if (isMagnitude(cell)) return b;
  // `+ 0` turns a -0 from the solver into 0.
  return { lower: Math.ceil(b.lower - EPS) + 0, upper: Math.floor(b.upper + EPS) + 0 };
}

/** Union-find over suppressed cells that share a constraint. */
function components(structure: ReturnType<typeof buildStructure>, suppressed: readonly boolean[]): (i: number) => number {
  const parent = suppressed.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  for (const c of structure.constraints) {
    const hidden = [c.total, ...c.parts].filter((i) => suppressed[i]);
    for (const other of hidden.slice(1)) parent[find(other)] = find(hidden[0]!);
  }
  return find;
}

/** Constraints and bounds in CPLEX LP format (everything after the objective); `x{i}` is cell i. */
function lpBody(
  constraints: readonly { total: number; parts: number[] }[],
  cells: readonly Cell[],
  unknown: (i: number) => boolean,
  bounds: (i: number) => Bounds,
  objective: number,
): string {
  const rows: string[] = [];
  const members = new Set<number>([objective]);
  constraints.forEach((c, n) => {
    // total − Σ parts = 0, known (published) cells moved to the right-hand side.
    let rhs = 0;
    const terms: string[] = [];
    const term = (i: number, sign: 1 | -1): void => {
      if (unknown(i)) {
        members.add(i);
        terms.push(`${sign > 0 ? '+' : '-'} x${i}`);
      } else rhs -= sign * cells[i]!.value;
    };
    term(c.total, 1);
    for (const p of c.parts) term(p, -1);
    if (terms.length > 0) rows.push(` c${n}: ${terms.join(' ')} = ${rhs}`);
  });
  const lines = [...members].map((i) => {
    const b = bounds(i);
    return Number.isFinite(b.upper) ? ` ${b.lower} <= x${i} <= ${b.upper}` : ` x${i} >= ${b.lower}`;
  });
  return `Subject To\n${rows.length > 0 ? rows.join('\n') : ` c_none: x${objective} >= 0`}\nBounds\n${lines.join('\n')}\nEnd\n`;
}
