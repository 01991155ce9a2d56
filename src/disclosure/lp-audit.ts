/**
 * The LP audit (DESIGN decision 5): for every suppressed cell, the interval an attacker can prove for
 * its value from the published cells, the additivity constraints, non-negativity and the public rules,
 * found with two LPs (min and max) solved by HiGHS.
 *
 * Scaling: a tree-shaped cube needs no LP at all (tree-audit.ts). Any other cube is split into the
 * subtrees hanging off it and its crossed core (hybrid-audit.ts): the hanging cells get the exact
 * tree passes, the core cells max-flow when the core is a network (geography × age bands is one;
 * network-audit.ts), and LPs otherwise. Published cells are constants, so each LP only needs the
 * suppressed core cells connected to the audited one through shared constraints (its component).
 * Core cells whose interval is already proved wide by a feasible move of the table (audit-bounds.ts)
 * skip the LPs; their reported interval is that proved inner interval (`method: 'direction'`), the
 * exact one is at least as wide.
 *
 * Known relaxation: continuous LP, integer rounding of the bounds afterwards; the "0 or ≥ k" knowledge
 * about non-primary cells is not used.
 */
import { type CubeStructure, buildStructure } from './cube-structure.js';
import { type Bounds, DirectionProbe, entailedValues, priorBounds } from './audit-bounds.js';
import { type Cell, type CellDecision, type Constraint, type ProtectionRules, type ResolvedRules, isMagnitude, resolveRules } from './cube.js';
import { HangingSubtrees } from './hybrid-audit.js';
import type { LinearSystem } from './network-audit.js';
import { UnionFind } from './union-find.js';
import { loadSolver, solveLp } from './solver.js';
import { treeIntervals, treeParents } from './tree-audit.js';

export interface CellInterval {
  id: string;
  lower: number;
  upper: number;
  /**
   * `tree`: exact, from the two passes of tree-audit.ts (a tree-shaped cube, or a subtree hanging off
   * a crossed one); `lp`: exact, two LPs; `flow`: exact, max-flow on a core that is a network
   * (network-audit.ts); `direction`: an inner interval.
   */
  method: 'lp' | 'direction' | 'tree' | 'flow';
  /** Why it fails; absent when the cell passes. */
  failure?: 'width' | 'upper';
}

export interface AuditResult {
  intervals: CellInterval[];
  failures: CellInterval[];
  /** Suppressed cells that needed their two LPs (the others were proved wide by a feasible move, or by the tree passes). */
  lpCells: number;
  /** LPs solved in all. */
  lpSolves: number;
}

export interface AuditOptions {
  /**
   * `fast` (default): a tree-shaped cube gets the exact two-pass audit, any other cube the tree passes
   * for its hanging subtrees and, for its core, feasible moves before LPs. `lp`: every suppressed cell
   * gets its two LPs over its whole component — the independent check tests use.
   */
  method?: 'fast' | 'lp';
  /** A `performance.now()` instant after which the audit gives up (AuditDeadlineExceeded). */
  deadline?: number;
  /** What the cube's shape alone gives, when the caller audits the same cube repeatedly. */
  plan?: AuditPlan;
  /**
   * Intervals of LPs solved before, by their full text: the rounds of one protection re-audit a cube
   * that changed only where cells were added, so most components come back unchanged.
   */
  lpCache?: Map<string, Bounds>;
}

/**
 * What the audit of one cube derives from its shape alone — its structure, whether it is a tree, its
 * hanging subtrees and core network — built once and reused by every round of a protection.
 */
export class AuditPlan {
  private tree?: { parents: Int32Array | undefined };
  private hanging?: HangingSubtrees;

  constructor(
    private readonly cells: readonly Cell[],
    readonly structure: CubeStructure,
  ) {}

  /** Parent constraint of each cell when the cube is a tree, else undefined. */
  get parents(): Int32Array | undefined {
    this.tree ??= { parents: treeParents(this.structure) };
    return this.tree.parents;
  }

  get split(): HangingSubtrees {
    this.hanging ??= new HangingSubtrees(this.structure, this.cells);
    return this.hanging;
  }
}

/** The audit ran out of its time budget: its cube cannot be shown to be safe, so it is not released. */
export class AuditDeadlineExceeded extends Error {
  constructor() {
    super('the audit did not finish within its time budget');
    this.name = 'AuditDeadlineExceeded';
  }
}

const EPS = 1e-6;
/** LPs between two yields to the event loop. */
const YIELD_EVERY = 32;

type Highs = Awaited<ReturnType<typeof loadSolver>>;

export async function auditCube(
  cells: readonly Cell[],
  constraints: readonly Constraint[],
  statuses: ReadonlyMap<string, CellDecision>,
  rules: Partial<ProtectionRules> = {},
  options: AuditOptions = {},
): Promise<AuditResult> {
  const resolved = resolveRules(rules);
  if (options.deadline !== undefined && performance.now() >= options.deadline) throw new AuditDeadlineExceeded();
  const plan = options.plan ?? new AuditPlan(cells, buildStructure(cells, constraints));
  const structure = plan.structure;
  const suppressed = cells.map((c) => (statuses.get(c.id)?.status ?? 'published') !== 'published');
  const bounds: (Bounds | undefined)[] = cells.map((cell, i) =>
    suppressed[i] ? priorBounds(cell, statuses.get(cell.id)!, resolved) : undefined,
  );
  // What is known of each cell on its own: a published cell is a point.
  const own = (i: number): Bounds => bounds[i] ?? { lower: cells[i]!.value, upper: cells[i]!.value };
  // What the public rules alone tell of any cell, as if nothing were published.
  const prior = (i: number): Bounds => priorBounds(cells[i]!, statuses.get(cells[i]!.id) ?? { status: 'published' }, resolved);
  // The yardstick of each suppressed cell: the rules, narrowed by what published extremes entail.
  const entailed = entailedValues(structure, cells, suppressed.map((s) => !s));
  const known = (i: number): Bounds => {
    const pinned = entailed[i];
    return pinned === undefined ? bounds[i]! : { lower: pinned, upper: pinned };
  };
  const fast = options.method !== 'lp';
  const byCell: (CellInterval | undefined)[] = new Array<CellInterval | undefined>(cells.length);
  let lpCells = 0;
  let lpSolves = 0;
  let nextYield = 0;
  let highsNow: Highs | undefined;
  let rulesOnlyFlow: ((i: number) => number) | undefined;

  const parentOf = fast ? plan.parents : undefined;
  if (parentOf) {
    const exact = treeIntervals(structure, parentOf, cells.map((_, i) => own(i)));
    // What the rules alone tell, every cell unknown: no suppression pattern can do better than that.
    const rulesOnly = treeIntervals(structure, parentOf, cells.map((_, i) => prior(i)));
    for (let i = 0; i < cells.length; i++) if (suppressed[i]) treeJudged(i, exact[i]!, rulesOnly[i]!);
    return result();
  }

  if (!fast) {
    // The oracle: two LPs over the whole component of every suppressed cell.
    const cellSystem: LinearSystem = {
      constraints: structure.constraints,
      size: cells.length,
      unknown: (j) => suppressed[j]!,
      value: (j) => cells[j]!.value,
      bounds: (j) => bounds[j]!,
    };
    const all = cells.flatMap((_, i) => (suppressed[i] ? [i] : []));
    const lps = all.length > 0 ? new ComponentLps((highsNow = await loadSolver()), cellSystem) : undefined;
    for (const i of all) await judged(i, { id: cells[i]!.id, ...rounded(cells[i]!, await exactInterval(lps!, i)), method: 'lp' });
    return result();
  }

  // A crossed cube: tree passes for the hanging subtrees, max-flow or LPs for the core (hybrid-audit.ts).
  const split = plan.split;
  const n = cells.length;
  const attachments = split.attachments;
  const unbounded: Bounds = { lower: -Infinity, upper: Infinity };
  // Σ D_j of each attachment: what its subtrees allow for t_a.
  const subtreeSums = split.intervals(own, () => unbounded);
  // t_a is a constant when all hanging parts are published.
  const sumUnknown = attachments.map((a) => a.hangingParts.some((j) => suppressed[j]));
  const system: LinearSystem = {
    constraints: split.core,
    size: n + attachments.length,
    unknown: (j) => (j < n ? suppressed[j]! : sumUnknown[j - n]!),
    value: (j) => (j < n ? cells[j]!.value : attachments[j - n]!.value),
    bounds: (j) => (j < n ? bounds[j]! : subtreeSums.sum(j - n)),
  };

  // Where the exact interval of each unknown t_a comes from: with every core part published it is
  // the total's interval shifted (a point when the total is published too), else its own LPs.
  const viaTotal = attachments.map((a, m) => sumUnknown[m]! && a.coreParts.every((j) => !suppressed[j]));
  const lpObjectives = new Set<number>();
  attachments.forEach((a, m) => {
    if (!sumUnknown[m]) return;
    if (!viaTotal[m]) lpObjectives.add(n + m);
    else if (suppressed[a.total]) lpObjectives.add(a.total);
  });
  const coreSuppressed = cells.flatMap((_, i) => (suppressed[i] && !split.hanging[i] ? [i] : []));
  const exactOf = new Map<number, Bounds>();
  const network = split.network(n);
  if (network) {
    // A network core: every interval exactly, by max-flow, and no LP at all (network-audit.ts).
    const wanted = [...new Set([...coreSuppressed, ...lpObjectives])];
    for (const [j, b] of network.intervals(system, wanted.filter((j) => network.covers(j)))) exactOf.set(j, b);
    for (const j of wanted) if (!network.covers(j)) exactOf.set(j, system.unknown(j) ? system.bounds(j) : { lower: system.value(j), upper: system.value(j) });
    // The rules alone, for the "upper bound is just the rule" exemption: the same network with
    // nothing published, every cell within its public bounds and t_a within what its subtrees allow.
    let rulesSystem: LinearSystem | undefined;
    rulesOnlyFlow = (i) => {
      if (!network.covers(i)) return prior(i).upper;
      if (!rulesSystem) {
        const rulesSums = split.intervals(prior, () => unbounded);
        rulesSystem = { ...system, unknown: () => true, bounds: (j) => (j < n ? prior(j) : rulesSums.sum(j - n)) };
      }
      return network.intervals(rulesSystem, [i]).get(i)!.upper;
    };
    for (const i of coreSuppressed) await judged(i, { id: cells[i]!.id, ...rounded(cells[i]!, exactOf.get(i)!), method: 'flow' });
  } else {
    const probed = coreSuppressed.filter((i) => !lpObjectives.has(i));
    // Feasible moves of the core alone, t_a within what its subtrees allow: any such core table
    // completes to a whole one (hybrid-audit.ts), and the core has far fewer columns than the cube.
    const core = probed.length > 0 ? split.coreStructure(cells) : undefined;
    const probe = core && coreProbe(core.structure, core.slot);
    for (const i of probed) {
      const cell = cells[i]!;
      const interval: CellInterval = { id: cell.id, ...rounded(cell, probe!.inner(core!.slot[i]!)), method: 'direction' };
      if (!judge(cell, statuses.get(cell.id)!, interval, known(i), resolved)) byCell[i] = interval;
      else lpObjectives.add(i);
    }
    if (lpObjectives.size > 0) {
      const lps = new ComponentLps((highsNow = await loadSolver()), system, options.lpCache);
      for (const j of lpObjectives) exactOf.set(j, await exactInterval(lps, j));
    }
    for (const i of coreSuppressed) {
      const exact = exactOf.get(i);
      if (exact) await judged(i, { id: cells[i]!.id, ...rounded(cells[i]!, exact), method: 'lp' });
    }
  }

  const sumInterval = (m: number): Bounds => {
    const a = attachments[m]!;
    const subtrees = subtreeSums.sum(m);
    if (!sumUnknown[m]) return subtrees;
    const offset = viaTotal[m] ? a.coreParts.reduce((s, j) => s + cells[j]!.value, 0) : 0;
    const lp = viaTotal[m] ? (exactOf.get(a.total) ?? own(a.total)) : exactOf.get(n + m)!;
    // I_a lies within Σ D_j; clamping only removes the solver's rounding noise.
    const lower = Math.min(Math.max(lp.lower - offset, subtrees.lower), subtrees.upper);
    return { lower, upper: Math.max(lower, Math.min(lp.upper - offset, subtrees.upper)) };
  };
  const exact = split.intervals(own, sumInterval);
  // The rules alone, as in the tree audit, with the core reduced to what its rules say of t_a: a
  // relaxation, so a yardstick at least as wide as the exact one, which errs towards failing.
  const rulesOnly = split.intervals(prior, (m) => {
    const a = attachments[m]!;
    const total = prior(a.total);
    const core = a.coreParts.map(prior);
    return {
      lower: total.lower - core.reduce((s, b) => s + b.upper, 0),
      upper: total.upper - core.reduce((s, b) => s + b.lower, 0),
    };
  });
  for (let i = 0; i < n; i++) if (suppressed[i] && split.hanging[i]) treeJudged(i, exact.cell(i), rulesOnly.cell(i));
  return result();

  function coreProbe(coreStructure: CubeStructure, slot: Int32Array): DirectionProbe {
    const size = coreStructure.ids.length;
    const coreValues = new Array<number>(size);
    const coreBounds = new Array<Bounds | undefined>(size);
    const corePublished = new Array<boolean>(size);
    for (let j = 0; j < system.size; j++) {
      const k = slot[j]!;
      if (k < 0) continue;
      coreValues[k] = system.value(j);
      corePublished[k] = !system.unknown(j);
      coreBounds[k] = corePublished[k] ? undefined : system.bounds(j);
    }
    return new DirectionProbe(coreStructure, coreValues, coreBounds, corePublished);
  }

  function result(): AuditResult {
    const intervals = byCell.filter((x) => x !== undefined);
    return { intervals, failures: intervals.filter((x) => x.failure), lpCells, lpSolves };
  }

  /** Min and max LPs of variable j, between checks of the deadline. */
  async function exactInterval(lps: ComponentLps, j: number): Promise<Bounds> {
    if (options.deadline !== undefined && performance.now() > options.deadline) throw new AuditDeadlineExceeded();
    // LPs are solved synchronously: let other requests through now and then.
    if (lpSolves >= nextYield) {
      nextYield = lpSolves + YIELD_EVERY;
      await new Promise((resolve) => setImmediate(resolve));
    }
    lpSolves += 2;
    return lps.interval(j);
  }

  /** Records an interval from the tree passes, measured against what the rules alone allow there. */
  function treeJudged(i: number, exact: Bounds, rulesOnly: Bounds): void {
    const cell = cells[i]!;
    const interval: CellInterval = { id: cell.id, ...rounded(cell, exact), method: 'tree' };
    const pinned = entailed[i];
    const yardstick = pinned === undefined ? rounded(cell, rulesOnly) : { lower: pinned, upper: pinned };
    const failure = judge(cell, statuses.get(cell.id)!, interval, yardstick, resolved);
    if (failure) interval.failure = failure;
    byCell[i] = interval;
  }

  /** Records an exact LP interval with its verdict. */
  async function judged(i: number, interval: CellInterval): Promise<void> {
    const cell = cells[i]!;
    if (interval.method === 'lp') lpCells++;
    let failure = judge(cell, statuses.get(cell.id)!, interval, known(i), resolved);
    if (failure === 'upper' && interval.upper >= (await rulesOnlyUpper(i))) failure = undefined;
    if (failure) interval.failure = failure;
    byCell[i] = interval;
  }

  /**
   * An upper bound equal to the value is no disclosure when the public rules alone imply it (a total
   * of 9 flagged primary with a primary part ≥ 1 bounds the other part by 8, whatever is published).
   * On a network core exactly, by max-flow with nothing published; in the oracle (`lp`) exactly, by an
   * LP over the whole table; otherwise by an LP over the cell's own constraints only: fewer
   * constraints give a bound at least as high as the rules-only one, so this errs towards failing.
   */
  async function rulesOnlyUpper(s: number): Promise<number> {
    if (rulesOnlyFlow) return Math.floor(rulesOnlyFlow(s) + EPS);
    highsNow ??= await loadSolver();
    // The oracle is exact: the whole table with nothing published, not a relaxation.
    const ownConstraints = fast ? structure.constraintsByCell[s]!.map((c) => structure.constraints[c]!) : structure.constraints;
    const nonePublished: LinearSystem = { constraints: ownConstraints, size: cells.length, unknown: () => true, value: (j) => cells[j]!.value, bounds: prior };
    const body = lpBody(ownConstraints, nonePublished, s);
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

/** Min and max LPs of single variables, each over its component; a component's LP text is built once. */
class ComponentLps {
  private readonly component: (i: number) => number;
  private readonly byComponent = new Map<number, { total: number; parts: number[] }[]>();
  private readonly bodies = new Map<number, string>();

  constructor(
    private readonly highs: Highs,
    private readonly system: LinearSystem,
    private readonly cache?: Map<string, Bounds>,
  ) {
    this.component = components(system);
    for (const c of system.constraints) {
      const hidden = [c.total, ...c.parts].find((j) => system.unknown(j));
      if (hidden === undefined) continue;
      const root = this.component(hidden);
      const list = this.byComponent.get(root);
      if (list) list.push(c);
      else this.byComponent.set(root, [c]);
    }
  }

  interval(i: number): Bounds {
    const root = this.component(i);
    let body = this.bodies.get(root);
    if (body === undefined) {
      body = lpBody(this.byComponent.get(root) ?? [], this.system, i);
      this.bodies.set(root, body);
    }
    const key = `x${i}\n${body}`;
    const known = this.cache?.get(key);
    if (known) return known;
    const min = solveLp(this.highs, `Minimize\n obj: x${i}\n${body}`, 'min').value;
    const max = solveLp(this.highs, `Maximize\n obj: x${i}\n${body}`, 'max').value;
    this.cache?.set(key, { lower: min, upper: max });
    return { lower: min, upper: max };
  }
}

/** Union-find over unknown variables that share a constraint. */
function components(system: LinearSystem): (i: number) => number {
  const sets = new UnionFind(system.size);
  for (const c of system.constraints) {
    const hidden = [c.total, ...c.parts].filter((i) => system.unknown(i));
    for (const other of hidden.slice(1)) sets.union(other, hidden[0]!);
  }
  return (i) => sets.find(i);
}

/** Constraints and bounds in CPLEX LP format (everything after the objective); `x{i}` is variable i. */
function lpBody(constraints: readonly { total: number; parts: number[] }[], system: LinearSystem, objective: number): string {
  const rows: string[] = [];
  const members = new Set<number>([objective]);
  constraints.forEach((c, n) => {
    // total − Σ parts = 0, known (published) cells moved to the right-hand side.
    let rhs = 0;
    const terms: string[] = [];
    const term = (i: number, sign: 1 | -1): void => {
      if (system.unknown(i)) {
        members.add(i);
        terms.push(`${sign > 0 ? '+' : '-'} x${i}`);
      } else rhs -= sign * system.value(i);
    };
    term(c.total, 1);
    for (const p of c.parts) term(p, -1);
    if (terms.length > 0) rows.push(` c${n}: ${terms.join(' ')} = ${rhs}`);
  });
  const lines = [...members].map((i) => {
    const b = system.bounds(i);
    return Number.isFinite(b.upper) ? ` ${b.lower} <= x${i} <= ${b.upper}` : ` x${i} >= ${b.lower}`;
  });
  return `Subject To\n${rows.length > 0 ? rows.join('\n') : ` c_none: x${objective} >= 0`}\nBounds\n${lines.join('\n')}\nEnd\n`;
}
