/**
 * Primary suppression: the public rules that decide, cell by cell, what may never be published.
 *
 * Decisions documented here because an attacker knows them too (the LP audit encodes them):
 * - A count of 0 IS published: "nobody here" is not a person-level disclosure by itself, and
 *   hiding zeros would make every empty pc6 unit look sensitive. Counts 1..k-1 are primary.
 * - A rate cell (denominator given) is primary when its numerator is 1..k-1 (`count<k`), when its
 *   denominator is below rateBaseMin (`rate-base<k`), or when it is 0% or 100% on a denominator below
 *   zeroHundredBaseMin (`group-disclosure`: everybody, or nobody, in a small group has the attribute).
 * - A magnitude cell (contributions given) is primary with fewer than minContributors contributors,
 *   or when it fails the p% rule; the count threshold does not apply to its value (not a count).
 */
import {
  type Cell,
  type Decisions,
  type PrimaryRule,
  type ProtectionRules,
  type ResolvedRules,
  contributorCount,
  isMagnitude,
  resolveRules,
} from './cube.js';

/**
 * p% rule: the second-largest contributor knows its own value; subtracting it from the total gives
 * an upper bound on the largest one. The cell is safe only if the remainder (everything but the two
 * largest) exceeds p% of the largest.
 */
export function failsPPercent(contributions: readonly number[], p: number): boolean {
  const sorted = [...contributions].sort((a, b) => b - a);
  const largest = sorted[0] ?? 0;
  if (largest <= 0) return false;
  const remainder = sorted.slice(2).reduce((sum, x) => sum + x, 0);
  return remainder <= (p / 100) * largest;
}

export function primaryRuleFor(cell: Cell, rules: ResolvedRules): PrimaryRule | undefined {
  if (isMagnitude(cell)) {
    const contributors = contributorCount(cell);
    if (contributors === 0) return undefined; // an empty cell: nobody to protect
    if (contributors < rules.minContributors) return 'min-contributors';
    // The total is the sum of every contribution, so the remainder needs only the two largest.
    const [largest = 0, second = 0] = [...(cell.contributions ?? [])].sort((a, b) => b - a);
    return largest > 0 && cell.value - largest - second <= (rules.p / 100) * largest ? 'p%' : undefined;
  }
  if (cell.value > 0 && cell.value < rules.k) return 'count<k';
  if (cell.denominator !== undefined) {
    if (cell.denominator < rules.rateBaseMin) return 'rate-base<k';
    const zeroOrAll = cell.value === 0 || cell.value === cell.denominator;
    if (zeroOrAll && cell.denominator < rules.zeroHundredBaseMin) return 'group-disclosure';
  }
  return undefined;
}

/** Every cell gets a decision: `primary` with the rule that applied, or `published` for now. */
export function primarySuppression(cells: readonly Cell[], rules: Partial<ProtectionRules> = {}): Decisions {
  const resolved = resolveRules(rules);
  const decisions: Decisions = new Map();
  for (const cell of cells) {
    const rule = primaryRuleFor(cell, resolved);
    decisions.set(cell.id, rule ? { status: 'primary', rule } : { status: 'published' });
  }
  return decisions;
}
