import type { Principal } from '../auth/principal.js';
import { decide } from './policy-decision.js';
import { GEOGRAPHY_LEVELS, type GeographyLevel, levelRank, type PolicySet } from './policy-set.js';

/** What one role may read for one purpose from one dataset on a given day; null: nothing. */
export interface AggregateCell {
  readonly role: string;
  readonly purpose: string;
  readonly dataset: string;
  readonly allowed: { readonly finest: GeographyLevel; readonly k: number; readonly rule: string } | null;
}

export interface SupplyCell {
  readonly organisation: string;
  readonly dataset: string;
  /** The agreement that lets the organisation deliver the dataset that day, or null. */
  readonly rule: string | null;
}

export interface EffectiveMatrix {
  readonly day: string;
  readonly aggregates: readonly AggregateCell[];
  readonly supply: readonly SupplyCell[];
}

/**
 * The policies as they act on one day, computed through `decide` itself (not re-derived), so that
 * the table a reviewer reads is what the gateway will do.
 */
export function effectiveMatrix(policies: PolicySet, at: Date): EffectiveMatrix {
  const organisation = policies.organisations[0]?.id ?? '';
  const aggregates = policies.roles
    .filter((role) => role.grants.includes('read-aggregates'))
    .flatMap((role) =>
      policies.purposes.flatMap((purpose) =>
        policies.datasets.map((dataset): AggregateCell => {
          const principal = probe(organisation, [role.id], [purpose.id]);
          const context = { purpose: purpose.id, at };
          for (const level of GEOGRAPHY_LEVELS) {
            const attributes = { purpose: purpose.id, dataset: dataset.id, levelRank: levelRank(level) };
            const decision = decide(policies, principal, context, 'read', 'Aggregate', attributes);
            if (decision.allowed) {
              const allowed = { finest: level, k: decision.effectiveK ?? purpose.k, rule: decision.rule };
              return { role: role.id, purpose: purpose.id, dataset: dataset.id, allowed };
            }
          }
          return { role: role.id, purpose: purpose.id, dataset: dataset.id, allowed: null };
        }),
      ),
    );
  const suppliers = policies.roles.filter((role) => role.grants.includes('supply-data')).map((r) => r.id);
  const supply = policies.datasets.map((dataset): SupplyCell => {
    const principal = probe(dataset.supplier, suppliers.slice(0, 1), []);
    const decision = decide(policies, principal, { at }, 'create', 'Batch', { organisation: dataset.supplier, dataset: dataset.id });
    return { organisation: dataset.supplier, dataset: dataset.id, rule: decision.allowed ? decision.rule : null };
  });
  return { day: at.toISOString().slice(0, 10), aggregates, supply };
}

function probe(organisation: string, roles: readonly string[], purposes: readonly string[]): Principal {
  return { kind: 'person', id: 'policies-check', organisation, roles, purposes, tokenId: 'policies-check' };
}
