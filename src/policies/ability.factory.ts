import { AbilityBuilder, createMongoAbility, type ForcedSubject, type MongoAbility, type RawRuleOf } from '@casl/ability';
import type { Principal } from '../auth/principal.js';
import {
  effectiveFinest,
  purposeAgreements,
  rolesGranting,
  separationConflict,
  supplyAgreements,
} from './policy-facts.js';
import { levelRank, type PolicySet } from './policy-set.js';

/** What an ability is checked against: attributes of each subject type (no personal data). */
export interface SubjectAttributes {
  readonly Batch: { readonly dataset: string; readonly organisation: string; readonly id?: string };
  readonly Signal: { readonly organisation: string; readonly id?: string };
  /** `levelRank` as in policy-set.ts: 0 = pc6 (finest) … 4 = gemeente. */
  readonly Aggregate: { readonly purpose: string; readonly dataset: string; readonly levelRank: number };
  readonly AuditLog: { readonly id?: string };
  readonly Client: { readonly id?: string };
  readonly Agreement: { readonly id?: string };
}
export type SubjectName = keyof SubjectAttributes;

/** The actions that exist per subject type; anything else is denied without a rule to look for. */
export interface SubjectActions {
  readonly Batch: 'create' | 'read' | 'withdraw' | 'correct';
  readonly Signal: 'create';
  readonly Aggregate: 'read';
  readonly AuditLog: 'read' | 'export';
  readonly Client: 'read' | 'create' | 'update' | 'delete';
  readonly Agreement: 'read' | 'create' | 'update' | 'delete';
}
export type AppAction = SubjectActions[SubjectName];

export const SUBJECT_ACTIONS: { readonly [S in SubjectName]: readonly SubjectActions[S][] } = {
  Batch: ['create', 'read', 'withdraw', 'correct'],
  Signal: ['create'],
  Aggregate: ['read'],
  AuditLog: ['read', 'export'],
  Client: ['read', 'create', 'update', 'delete'],
  Agreement: ['read', 'create', 'update', 'delete'],
};

/** A subject instance as CASL sees it: use `subject('Batch', { … })` from @casl/ability. */
export type TaggedSubject<S extends SubjectName> = SubjectAttributes[S] & ForcedSubject<S>;
export type AppAbilities = { [S in SubjectName]: [SubjectActions[S], S | TaggedSubject<S>] }[SubjectName];
export type AppAbility = MongoAbility<AppAbilities>;

export interface PolicyContext {
  /** The purpose the request declares (analysts); required for any Aggregate. */
  readonly purpose?: string;
  /** The moment of the request: agreements are in force on UTC days, so expiry needs no restart. */
  readonly at: Date;
}

/** A CASL rule and what made it: `agreement:<id>` or `role:<id>`, recorded with every decision. */
export interface NamedRule {
  readonly rule: RawRuleOf<AppAbility>;
  readonly name: string;
}

/** The CASL ability of one principal for one request; deny by default. */
export function buildAbility(policies: PolicySet, principal: Principal, context: PolicyContext): AppAbility {
  return createMongoAbility<AppAbility>(compileRules(policies, principal, context).map((r) => r.rule));
}

/**
 * The rules behind buildAbility, each with its name. A token whose roles include an incompatible pair,
 * or whose organisation the policies do not know, gets no rules at all.
 */
export function compileRules(policies: PolicySet, principal: Principal, context: PolicyContext): NamedRule[] {
  if (separationConflict(policies, principal.roles) !== undefined) return [];
  if (!policies.organisations.some((o) => o.id === principal.organisation)) return [];
  const builder = new AbilityBuilder<AppAbility>(createMongoAbility);
  const named: NamedRule[] = [];
  const name = (label: string): void => {
    named.push({ rule: builder.rules[builder.rules.length - 1]!, name: label });
  };
  const { can } = builder;
  const organisation = principal.organisation;

  for (const role of rolesGranting(policies, principal.roles, 'supply-data')) {
    for (const agreement of supplyAgreements(policies, organisation, context.at)) {
      can(['create', 'correct'], 'Batch', { organisation, dataset: { $in: [...agreement.datasets] } });
      name(`agreement:${agreement.id}`);
    }
    // Seeing and withdrawing what one sent stays possible after an agreement ends (retention, erasure).
    const supplied = policies.datasets.filter((d) => d.supplier === organisation).map((d) => d.id);
    can(['read', 'withdraw'], 'Batch', { organisation, dataset: { $in: supplied } });
    name(`role:${role.id}`);
  }
  for (const role of rolesGranting(policies, principal.roles, 'report-signals')) {
    can('create', 'Signal', { organisation });
    name(`role:${role.id}`);
  }
  if (rolesGranting(policies, principal.roles, 'read-aggregates').length > 0) {
    named.push(...aggregateRules(policies, principal, context));
  }
  for (const role of rolesGranting(policies, principal.roles, 'read-audit')) {
    can(['read', 'export'], 'AuditLog');
    name(`role:${role.id}`);
  }
  for (const role of rolesGranting(policies, principal.roles, 'manage-clients')) {
    can(['read', 'create', 'update', 'delete'], ['Client', 'Agreement']);
    name(`role:${role.id}`);
  }
  return named;
}

/** One rule per (agreement, dataset) for the declared purpose, no finer than both limits allow. */
function aggregateRules(policies: PolicySet, principal: Principal, context: PolicyContext): NamedRule[] {
  const purposeId = context.purpose;
  if (purposeId === undefined || !principal.purposes.includes(purposeId)) return [];
  const purpose = policies.purposes.find((p) => p.id === purposeId);
  if (purpose === undefined) return [];
  const builder = new AbilityBuilder<AppAbility>(createMongoAbility);
  return purposeAgreements(policies, purpose.id, context.at).flatMap((agreement) =>
    agreement.datasets.map((dataset) => {
      builder.can('read', 'Aggregate', {
        purpose: purpose.id,
        dataset,
        levelRank: { $gte: levelRank(effectiveFinest(purpose, agreement)) },
      });
      return { rule: builder.rules[builder.rules.length - 1]!, name: `agreement:${agreement.id}` };
    }),
  );
}
