import { Injectable } from '@nestjs/common';
import type { components } from '../generated/openapi.js';
import { PolicyDecisionPoint } from '../policies/policy-decision-point.js';
import { GEOGRAPHY_LEVELS, levelRank } from '../policies/policy-set.js';
import { PolicyStore } from '../policies/policy-store.js';
import type { Principal } from './principal.js';

type Me = components['schemas']['Me'];
type Permissions = Me['permissions'];

/**
 * The caller's identity and what the policies in force today let it do, computed through the same
 * decisions the guards make — so a partner or analyst can see why a request would be refused.
 */
@Injectable()
export class MeService {
  constructor(
    private readonly store: PolicyStore,
    private readonly pdp: PolicyDecisionPoint,
  ) {}

  describe(principal: Principal): Me {
    const { kind, id, organisation, roles, purposes } = principal;
    return { kind, id, organisation, roles: [...roles], purposes: [...purposes], permissions: this.permissions(principal) };
  }

  private permissions(principal: Principal): Permissions {
    const datasets = this.store.policies.datasets.map((d) => d.id);
    const supply = datasets.flatMap((dataset) => {
      const decision = this.pdp.decide(principal, 'create', 'Batch', { organisation: principal.organisation, dataset });
      return decision.allowed ? [{ dataset, rule: decision.rule }] : [];
    });
    const aggregates = principal.purposes.flatMap((purpose) =>
      datasets.flatMap((dataset) => {
        for (const level of GEOGRAPHY_LEVELS) {
          const attributes = { purpose, dataset, levelRank: levelRank(level) };
          const decision = this.pdp.decide(principal, 'read', 'Aggregate', attributes, purpose);
          if (decision.allowed) return [{ purpose, dataset, finestLevel: level, k: decision.effectiveK ?? 10 }];
        }
        return [];
      }),
    );
    return {
      policyHash: this.store.hash,
      supply,
      aggregates,
      reportSignals: this.pdp.decide(principal, 'create', 'Signal', { organisation: principal.organisation }).allowed,
      readAuditLog: this.pdp.decide(principal, 'read', 'AuditLog', {}).allowed,
      manageClients: this.pdp.decide(principal, 'read', 'Client', {}).allowed,
    };
  }
}
