import { type AnyMongoAbility, createMongoAbility, subject } from '@casl/ability';
import type { Principal } from '../auth/principal.js';
import {
  type AppAbility,
  compileRules,
  type PolicyContext,
  type SubjectActions,
  type SubjectAttributes,
  type SubjectName,
} from './ability.factory.js';
import { effectiveK, purposeAgreements, separationConflict } from './policy-facts.js';
import { denialReason } from './policy-explain.js';
import { GEOGRAPHY_LEVELS, type GeographyLevel, levelRank, type PolicySet } from './policy-set.js';

/** What the audit log keeps of a decision: who, for what purpose, on what, the outcome and why. */
export interface DecisionRecord {
  readonly actor: string;
  readonly actorKind: Principal['kind'];
  readonly roles: readonly string[];
  readonly organisation: string;
  readonly purpose: string | null;
  readonly action: string;
  /** The subject type and its non-personal attributes (ids of datasets, organisations, levels). */
  readonly resource: { readonly type: string } & Readonly<Record<string, string | number | readonly string[]>>;
  readonly outcome: 'allow' | 'deny';
  /** `agreement:<id>` or `role:<id>` for an allow, `deny:default` or `deny:separation-of-duties`. */
  readonly rule: string;
  readonly reason: string | null;
  readonly policyHash: string;
  /** ISO 8601 instant of the request. */
  readonly at: string;
}

export interface Decision {
  readonly allowed: boolean;
  readonly rule: string;
  readonly reason?: string;
  /** For an allowed Aggregate: the count threshold in force (largest of purpose and agreements). */
  readonly effectiveK?: number;
  readonly record: DecisionRecord;
}

/** Attributes that may go into the audit log, per subject type; anything else a caller passes is dropped. */
const RECORDED: { readonly [S in SubjectName]: readonly (keyof SubjectAttributes[S])[] } = {
  Batch: ['id', 'dataset', 'organisation'],
  Signal: ['id', 'organisation'],
  Aggregate: ['purpose', 'dataset', 'levelRank'],
  AuditLog: ['id'],
  Client: ['id'],
  Agreement: ['id'],
};

/**
 * One authorisation decision, made by the same CASL rules as buildAbility, with the rule that allowed
 * it or the reason for the denial, and the record to audit.
 */
export function decide<S extends SubjectName>(
  policies: PolicySet,
  principal: Principal,
  context: PolicyContext,
  action: SubjectActions[S],
  subjectType: S,
  attributes: SubjectAttributes[S],
): Decision {
  const named = compileRules(policies, principal, context);
  const ability: AnyMongoAbility = createMongoAbility<AppAbility>(named.map((r) => r.rule));
  const rule = ability.relevantRuleFor(action, subject(subjectType, { ...attributes }));
  const resource = recordedResource(subjectType, attributes);
  if (rule === null || rule.inverted) {
    const reason = denialReason(policies, principal, context, action, subjectType, attributes);
    return deny(policies, principal, context, action, resource, reason);
  }
  const ruleName = named.find((r) => r.rule === rule.origin)?.name ?? 'unnamed';
  const effective = subjectType === 'Aggregate' ? aggregateK(policies, context, attributes as SubjectAttributes['Aggregate']) : undefined;
  return {
    allowed: true,
    rule: ruleName,
    ...(effective === undefined ? {} : { effectiveK: effective }),
    record: record(policies, principal, context, action, resource, 'allow', ruleName, null),
  };
}

/**
 * An indicator combines source datasets: it is allowed at `level` only if every source dataset is,
 * and its count threshold is the largest that any of them requires.
 */
export function decideIndicator(
  policies: PolicySet,
  principal: Principal,
  context: PolicyContext,
  datasets: readonly string[],
  level: GeographyLevel,
): Decision {
  const purpose = context.purpose ?? '';
  const resource = { type: 'Aggregate', purpose, datasets: [...datasets], level };
  if (datasets.length === 0) {
    return deny(policies, principal, context, 'read', resource, 'an indicator needs at least one source dataset');
  }
  const parts = datasets.map((dataset) =>
    decide(policies, principal, context, 'read', 'Aggregate', { purpose, dataset, levelRank: levelRank(level) }),
  );
  const denied = parts.filter((d) => !d.allowed);
  if (denied.length > 0) {
    const reason = unique(denied.map((d) => d.reason ?? '')).join('; ');
    return deny(policies, principal, context, 'read', resource, reason);
  }
  const rule = unique(parts.map((d) => d.rule)).join(', ');
  return {
    allowed: true,
    rule,
    effectiveK: Math.max(...parts.map((d) => d.effectiveK ?? 0)),
    record: record(policies, principal, context, 'read', resource, 'allow', rule, null),
  };
}

function aggregateK(policies: PolicySet, context: PolicyContext, { purpose, dataset }: SubjectAttributes['Aggregate']): number {
  const definition = policies.purposes.find((p) => p.id === purpose)!;
  return effectiveK(definition, purposeAgreements(policies, purpose, context.at, dataset));
}

function deny(
  policies: PolicySet,
  principal: Principal,
  context: PolicyContext,
  action: string,
  resource: DecisionRecord['resource'],
  reason: string,
): Decision {
  const rule = separationConflict(policies, principal.roles) ? 'deny:separation-of-duties' : 'deny:default';
  return { allowed: false, rule, reason, record: record(policies, principal, context, action, resource, 'deny', rule, reason) };
}

function record(
  policies: PolicySet,
  principal: Principal,
  context: PolicyContext,
  action: string,
  resource: DecisionRecord['resource'],
  outcome: DecisionRecord['outcome'],
  rule: string,
  reason: string | null,
): DecisionRecord {
  return {
    actor: principal.id,
    actorKind: principal.kind,
    roles: [...principal.roles],
    organisation: principal.organisation,
    purpose: context.purpose ?? null,
    action,
    resource,
    outcome,
    rule,
    reason,
    policyHash: policies.hash,
    at: context.at.toISOString(),
  };
}

function recordedResource<S extends SubjectName>(subjectType: S, attributes: SubjectAttributes[S]): DecisionRecord['resource'] {
  const resource: Record<string, string | number> = { type: subjectType };
  for (const key of (RECORDED[subjectType] ?? []) as readonly string[]) {
    const value = (attributes as Record<string, unknown>)[key];
    if (typeof value === 'string' || typeof value === 'number') resource[key] = value;
  }
  const level = typeof resource.levelRank === 'number' ? GEOGRAPHY_LEVELS[resource.levelRank] : undefined;
  if (level !== undefined) resource.level = level;
  return resource as DecisionRecord['resource'];
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
