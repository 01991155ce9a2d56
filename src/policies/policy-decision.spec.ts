import { describe, expect, it } from '@jest/globals';
import { aPrincipal, FIXTURE_POLICIES } from '../../test/factories/policies.factory.js';
import { decide, decideIndicator } from './policy-decision.js';
import { loadPolicies } from './policy-loader.js';
import { levelRank } from './policy-set.js';

const policies = loadPolicies(FIXTURE_POLICIES);
const at = new Date('2026-11-24T10:00:00Z');
const analyst = aPrincipal({ id: 'employee-7', roles: ['analyst'], purposes: ['wijkaanpak', 'onderzoek', 'monitoring'] });
const partner = aPrincipal({ kind: 'client', id: 'corporatie-etl', organisation: 'corporatie', roles: ['partner'] });
const aggregate = (dataset: string, level: 'pc6' | 'street' | 'buurt' | 'wijk', purpose = 'wijkaanpak') => ({
  purpose,
  dataset,
  levelRank: levelRank(level),
});

describe('decide', () => {
  it('names the agreement that allowed an aggregate and the threshold in force', () => {
    const decision = decide(policies, analyst, { purpose: 'wijkaanpak', at }, 'read', 'Aggregate', aggregate('incidenten', 'buurt'));
    expect(decision).toMatchObject({ allowed: true, rule: 'agreement:politie-incidenten', effectiveK: 20 });
    expect(decision.reason).toBeUndefined();
  });

  it('says which level was too fine, and what the finest allowed is', () => {
    const decision = decide(policies, analyst, { purpose: 'wijkaanpak', at }, 'read', 'Aggregate', aggregate('incidenten', 'street'));
    expect(decision).toMatchObject({
      allowed: false,
      rule: 'deny:default',
      reason: 'level street is finer than buurt, the finest that purpose wijkaanpak allows for dataset incidenten',
    });
  });

  it('says on which day no agreement permitted the dataset for the purpose', () => {
    const decision = decide(policies, analyst, { purpose: 'wijkaanpak', at: new Date('2026-11-25T00:00:00Z') }, 'read', 'Aggregate', aggregate('huur', 'wijk'));
    expect(decision.reason).toBe('no agreement active on 2026-11-25 permits dataset huur for purpose wijkaanpak');
  });

  it("says that a purpose is not among the token's purposes", () => {
    const decision = decide(policies, { ...analyst, purposes: ['onderzoek'] }, { purpose: 'wijkaanpak', at }, 'read', 'Aggregate', aggregate('huur', 'wijk'));
    expect(decision.reason).toBe("purpose wijkaanpak is not among the token's purposes");
  });

  it('says that roles cannot be combined, and gives the separation-of-duties rule', () => {
    const decision = decide(policies, { ...analyst, roles: ['analyst', 'privacy-officer'] }, { purpose: 'wijkaanpak', at }, 'read', 'AuditLog', {});
    expect(decision).toMatchObject({
      allowed: false,
      rule: 'deny:separation-of-duties',
      reason: 'roles analyst and privacy-officer cannot be combined (separation of duties)',
    });
  });

  it("answers the same about another organisation's batch whether or not it could exist", () => {
    const reasons = ['incidenten', 'bestaat-niet'].flatMap((dataset) =>
      (['read', 'withdraw', 'correct'] as const).map(
        (action) => decide(policies, partner, { at }, action, 'Batch', { organisation: 'politie', dataset, id: 'b-1' }).reason,
      ),
    );
    expect(new Set(reasons)).toEqual(new Set(['organisation corporatie may not act on this batch']));
  });

  it('records the decision with the policy hash and non-personal attributes only', () => {
    const attributes = { organisation: 'corporatie', dataset: 'huur', id: 'batch-1', bsn: '999999990' };
    const decision = decide(policies, partner, { at }, 'withdraw', 'Batch', attributes);
    expect(decision.record).toEqual({
      actor: 'corporatie-etl',
      actorKind: 'client',
      roles: ['partner'],
      organisation: 'corporatie',
      purpose: null,
      action: 'withdraw',
      resource: { type: 'Batch', id: 'batch-1', dataset: 'huur', organisation: 'corporatie' },
      outcome: 'allow',
      rule: 'role:partner',
      reason: null,
      policyHash: policies.hash,
      at: '2026-11-24T10:00:00.000Z',
    });
  });

  it('records a denial with its reason and the level by name', () => {
    const decision = decide(policies, analyst, { purpose: 'onderzoek', at }, 'read', 'Aggregate', aggregate('huur', 'street', 'onderzoek'));
    expect(decision.record).toMatchObject({
      outcome: 'deny',
      purpose: 'onderzoek',
      resource: { type: 'Aggregate', purpose: 'onderzoek', dataset: 'huur', levelRank: 1, level: 'street' },
      reason: 'level street is finer than buurt, the finest that purpose onderzoek allows for dataset huur',
    });
  });
});

describe('decideIndicator', () => {
  const context = { purpose: 'wijkaanpak', at };

  it('allows only at a level every source dataset allows, with the largest threshold', () => {
    expect(decideIndicator(policies, analyst, context, ['huur', 'bevolking'], 'street')).toMatchObject({
      allowed: true,
      effectiveK: 10,
      rule: 'agreement:corporatie-huur, agreement:gemeente-bevolking',
    });
    const mixed = decideIndicator(policies, analyst, context, ['huur', 'incidenten'], 'street');
    expect(mixed).toMatchObject({
      allowed: false,
      reason: 'level street is finer than buurt, the finest that purpose wijkaanpak allows for dataset incidenten',
    });
    expect(decideIndicator(policies, analyst, context, ['huur', 'incidenten'], 'buurt')).toMatchObject({ allowed: true, effectiveK: 20 });
  });

  it('denies when one source dataset has no agreement, and records every source', () => {
    const decision = decideIndicator(policies, analyst, { purpose: 'monitoring', at }, ['bevolking', 'huur'], 'wijk');
    expect(decision.reason).toBe('no agreement active on 2026-11-24 permits dataset huur for purpose monitoring');
    expect(decision.record.resource).toEqual({ type: 'Aggregate', purpose: 'monitoring', datasets: ['bevolking', 'huur'], level: 'wijk' });
  });

  it('denies an indicator without source datasets', () => {
    expect(decideIndicator(policies, analyst, context, [], 'wijk').allowed).toBe(false);
  });
});
