import {
  type Agreement,
  type GeographyLevel,
  type Grant,
  levelRank,
  type PolicySet,
  type Purpose,
  type RoleDefinition,
} from './policy-set.js';

/**
 * Plain questions about a PolicySet that both the CASL rules and the explanations of a denial ask,
 * so that the two can never disagree.
 */

/** The UTC calendar day of an instant, as agreements state their validity (YYYY-MM-DD). */
export function isoDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Validity is inclusive on both ends: an agreement valid to 2026-11-24 still holds all of that UTC day. */
export function isActive(agreement: Agreement, at: Date): boolean {
  const day = isoDay(at);
  return agreement.validFrom <= day && (agreement.validTo === null || day <= agreement.validTo);
}

/** The first pair of the token's roles that may not be combined, if any. */
export function separationConflict(policies: PolicySet, roles: readonly string[]): readonly [string, string] | undefined {
  for (const [i, role] of roles.entries()) {
    const definition = policies.roles.find((r) => r.id === role);
    const clash = roles.slice(i + 1).find((other) => definition?.incompatibleWith.includes(other));
    if (clash !== undefined) return [role, clash];
  }
  return undefined;
}

/** The token's known roles that carry a grant; unknown role ids grant nothing. */
export function rolesGranting(policies: PolicySet, roles: readonly string[], grant: Grant): RoleDefinition[] {
  return policies.roles.filter((r) => roles.includes(r.id) && r.grants.includes(grant));
}

/** Active agreements under which `organisation` supplies `dataset`. */
export function supplyAgreements(policies: PolicySet, organisation: string, at: Date, dataset?: string): Agreement[] {
  return policies.agreements.filter(
    (a) => a.partner === organisation && isActive(a, at) && (dataset === undefined || a.datasets.includes(dataset)),
  );
}

/** Active agreements that let `dataset` be used for `purpose` (all datasets when omitted). */
export function purposeAgreements(policies: PolicySet, purpose: string, at: Date, dataset?: string): Agreement[] {
  return policies.agreements.filter(
    (a) => a.purposes.includes(purpose) && isActive(a, at) && (dataset === undefined || a.datasets.includes(dataset)),
  );
}

/** The coarser of the purpose's and the agreement's finest level: both limits hold. */
export function effectiveFinest(purpose: Purpose, agreement: Agreement): GeographyLevel {
  const limit = agreement.finestLevel;
  return limit !== undefined && levelRank(limit) > levelRank(purpose.finestLevel) ? limit : purpose.finestLevel;
}

/** The largest count threshold of the purpose and the agreements: the strictest one holds. */
export function effectiveK(purpose: Purpose, agreements: readonly Agreement[]): number {
  return Math.max(purpose.k, ...agreements.map((a) => a.k ?? purpose.k));
}
