import type { Principal } from '../auth/principal.js';
import { type PolicyContext, SUBJECT_ACTIONS, type SubjectAttributes, type SubjectName } from './ability.factory.js';
import {
  effectiveFinest,
  isoDay,
  purposeAgreements,
  rolesGranting,
  separationConflict,
  supplyAgreements,
} from './policy-facts.js';
import { GEOGRAPHY_LEVELS, type Grant, levelRank, type PolicySet } from './policy-set.js';

/**
 * Why a request was denied, in words an analyst or a privacy officer can act on: which role, purpose,
 * agreement or level was missing. Asked only after the ability has denied; it never allows anything.
 * About another organisation's batch it says only that the caller may not act on it, so the answer
 * is the same whether or not such a batch exists.
 */
export function denialReason<S extends SubjectName>(
  policies: PolicySet,
  principal: Principal,
  context: PolicyContext,
  action: string,
  subjectType: S,
  attributes: SubjectAttributes[S],
): string {
  const conflict = separationConflict(policies, principal.roles);
  if (conflict) return `roles ${conflict[0]} and ${conflict[1]} cannot be combined (separation of duties)`;
  if (!policies.organisations.some((o) => o.id === principal.organisation)) {
    return `organisation ${principal.organisation} is not defined in the policies`;
  }
  if (!(SUBJECT_ACTIONS[subjectType] as readonly string[] | undefined)?.includes(action)) {
    return `${action} is not an action on ${subjectType}`;
  }
  const missing = (grant: Grant): string | undefined =>
    rolesGranting(policies, principal.roles, grant).length > 0
      ? undefined
      : `no role of the token grants ${grant} (roles: ${principal.roles.join(', ') || 'none'})`;

  switch (subjectType) {
    case 'Batch':
      return missing('supply-data') ?? batchReason(policies, principal, context, action, attributes as SubjectAttributes['Batch']);
    case 'Signal': {
      const { organisation } = attributes as SubjectAttributes['Signal'];
      return missing('report-signals') ?? `organisation ${principal.organisation} may not report signals for organisation ${organisation}`;
    }
    case 'Aggregate':
      return missing('read-aggregates') ?? aggregateReason(policies, principal, context, attributes as SubjectAttributes['Aggregate']);
    case 'AuditLog':
      return missing('read-audit') ?? `no rule allows ${action} on AuditLog`;
    default:
      return missing('manage-clients') ?? `no rule allows ${action} on ${subjectType}`;
  }
}

function batchReason(
  policies: PolicySet,
  principal: Principal,
  context: PolicyContext,
  action: string,
  { organisation, dataset }: SubjectAttributes['Batch'],
): string {
  const own = principal.organisation;
  const opaque = `organisation ${own} may not act on this batch`;
  if (organisation !== own || !['create', 'correct'].includes(action)) return opaque;
  return supplyAgreements(policies, own, context.at, dataset).length === 0
    ? `no agreement active on ${isoDay(context.at)} lets organisation ${own} supply dataset ${dataset}`
    : opaque;
}

function aggregateReason(
  policies: PolicySet,
  principal: Principal,
  context: PolicyContext,
  { purpose, dataset, levelRank: rank }: SubjectAttributes['Aggregate'],
): string {
  const declared = context.purpose;
  if (declared === undefined) return 'no purpose was declared for this request';
  if (!principal.purposes.includes(declared)) return `purpose ${declared} is not among the token's purposes`;
  const definition = policies.purposes.find((p) => p.id === declared);
  if (definition === undefined) return `purpose ${declared} is not defined in the policies`;
  if (purpose !== declared) return `the request is bound to purpose ${declared}, not to ${purpose}`;
  const level = GEOGRAPHY_LEVELS[rank];
  if (level === undefined) return `level rank ${rank} is not a published geography level`;
  const agreements = purposeAgreements(policies, declared, context.at, dataset);
  if (agreements.length === 0) {
    return `no agreement active on ${isoDay(context.at)} permits dataset ${dataset} for purpose ${declared}`;
  }
  const finest = Math.min(...agreements.map((a) => levelRank(effectiveFinest(definition, a))));
  return `level ${level} is finer than ${GEOGRAPHY_LEVELS[finest]}, the finest that purpose ${declared} allows for dataset ${dataset}`;
}
