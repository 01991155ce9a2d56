import { describe, expect, it } from '@jest/globals';
import type { Principal } from '../../src/auth/principal.js';
import { decide } from '../../src/policies/policy-decision.js';
import { loadPolicies } from '../../src/policies/policy-loader.js';
import { aPrincipal, FIXTURE_POLICIES } from '../factories/policies.factory.js';

/*
 * Every combination of roles × purposes × datasets × levels × days on the fixture policies, compared
 * with outcomes written out by hand below from test/fixtures/policies. Nothing here calls the code
 * under test to work out what to expect.
 */

const policies = loadPolicies(FIXTURE_POLICIES);

const LEVELS = ['pc6', 'street', 'buurt', 'wijk', 'gemeente'];
const ROLES = ['partner', 'frontline', 'analyst', 'privacy-officer', 'administrator'];
/** From roles.yaml: every pair that may not be combined, in both orders. */
const INCOMPATIBLE = new Set([
  'partner|analyst', 'partner|privacy-officer', 'partner|administrator',
  'analyst|privacy-officer', 'analyst|administrator', 'privacy-officer|administrator',
].flatMap((p) => [p, p.split('|').reverse().join('|')]));

const DAYS = ['2024-06-01', '2026-11-24', '2026-11-25', '2027-01-01'];
const DATASETS = ['bevolking', 'huur', 'incidenten', 'onbekend'];
const ORGANISATIONS = ['gemeente', 'corporatie', 'politie'];

interface Allowance {
  readonly finest: string;
  readonly k: number;
  readonly agreement: string;
}

/**
 * Finest level, threshold and agreement per day, purpose and dataset, read off the fixture by hand:
 * gemeente-bevolking from 2024-01-01; corporatie-huur 2025-01-01..2026-11-24 (wijkaanpak, onderzoek);
 * corporatie-huur-oud 2023-01-01..2024-12-31 (monitoring); politie-incidenten from 2025-01-01
 * (wijkaanpak, monitoring; buurt, k 20); politie-onderzoek from 2027-01-01 (onderzoek). Purposes:
 * wijkaanpak street k 10, onderzoek buurt k 10 (default), monitoring wijk k 12.
 */
const ALLOWED: Record<string, Record<string, Record<string, Allowance>>> = {
  '2024-06-01': {
    wijkaanpak: { bevolking: { finest: 'street', k: 10, agreement: 'gemeente-bevolking' } },
    onderzoek: { bevolking: { finest: 'buurt', k: 10, agreement: 'gemeente-bevolking' } },
    monitoring: {
      bevolking: { finest: 'wijk', k: 12, agreement: 'gemeente-bevolking' },
      huur: { finest: 'wijk', k: 12, agreement: 'corporatie-huur-oud' },
    },
  },
  '2026-11-24': {
    wijkaanpak: {
      bevolking: { finest: 'street', k: 10, agreement: 'gemeente-bevolking' },
      huur: { finest: 'street', k: 10, agreement: 'corporatie-huur' },
      incidenten: { finest: 'buurt', k: 20, agreement: 'politie-incidenten' },
    },
    onderzoek: {
      bevolking: { finest: 'buurt', k: 10, agreement: 'gemeente-bevolking' },
      huur: { finest: 'buurt', k: 10, agreement: 'corporatie-huur' },
    },
    monitoring: {
      bevolking: { finest: 'wijk', k: 12, agreement: 'gemeente-bevolking' },
      incidenten: { finest: 'wijk', k: 20, agreement: 'politie-incidenten' },
    },
  },
  '2026-11-25': {
    wijkaanpak: {
      bevolking: { finest: 'street', k: 10, agreement: 'gemeente-bevolking' },
      incidenten: { finest: 'buurt', k: 20, agreement: 'politie-incidenten' },
    },
    onderzoek: { bevolking: { finest: 'buurt', k: 10, agreement: 'gemeente-bevolking' } },
    monitoring: {
      bevolking: { finest: 'wijk', k: 12, agreement: 'gemeente-bevolking' },
      incidenten: { finest: 'wijk', k: 20, agreement: 'politie-incidenten' },
    },
  },
  '2027-01-01': {
    wijkaanpak: {
      bevolking: { finest: 'street', k: 10, agreement: 'gemeente-bevolking' },
      incidenten: { finest: 'buurt', k: 20, agreement: 'politie-incidenten' },
    },
    onderzoek: {
      bevolking: { finest: 'buurt', k: 10, agreement: 'gemeente-bevolking' },
      incidenten: { finest: 'buurt', k: 10, agreement: 'politie-onderzoek' },
    },
    monitoring: {
      bevolking: { finest: 'wijk', k: 12, agreement: 'gemeente-bevolking' },
      incidenten: { finest: 'wijk', k: 20, agreement: 'politie-incidenten' },
    },
  },
};

/** Per day and organisation: the datasets it may deliver, and under which agreement. */
const SUPPLY: Record<string, Record<string, Record<string, string>>> = {
  '2024-06-01': { gemeente: { bevolking: 'gemeente-bevolking' }, corporatie: { huur: 'corporatie-huur-oud' }, politie: {} },
  '2026-11-24': {
    gemeente: { bevolking: 'gemeente-bevolking' },
    corporatie: { huur: 'corporatie-huur' },
    politie: { incidenten: 'politie-incidenten' },
  },
  '2026-11-25': { gemeente: { bevolking: 'gemeente-bevolking' }, corporatie: {}, politie: { incidenten: 'politie-incidenten' } },
  '2027-01-01': {
    gemeente: { bevolking: 'gemeente-bevolking' },
    corporatie: {},
    politie: { incidenten: 'politie-onderzoek' },
  },
};
/** datasets/*.yaml: who supplies what. */
const SUPPLIER: Record<string, string> = { bevolking: 'gemeente', huur: 'corporatie', incidenten: 'politie' };

interface Expected {
  readonly allowed: boolean;
  readonly rule: string;
  readonly reason?: string;
  readonly effectiveK?: number;
}

/** The token's roles: each alone, and every pair. */
const ROLE_SETS: string[][] = [...ROLES.map((r) => [r]), ...ROLES.flatMap((a, i) => ROLES.slice(i + 1).map((b) => [a, b]))];
const ROLE_CASES: [string, string[]][] = ROLE_SETS.map((roles) => [roles.join('+'), roles]);

function conflict(roles: readonly string[]): Expected | undefined {
  for (const [i, a] of roles.entries()) {
    for (const b of roles.slice(i + 1)) {
      if (INCOMPATIBLE.has(`${a}|${b}`)) {
        return { allowed: false, rule: 'deny:separation-of-duties', reason: `roles ${a} and ${b} cannot be combined (separation of duties)` };
      }
    }
  }
  return undefined;
}

function lacking(roles: readonly string[], role: string, grant: string): Expected | undefined {
  return roles.includes(role) ? undefined : { allowed: false, rule: 'deny:default', reason: `no role of the token grants ${grant} (roles: ${roles.join(', ')})` };
}

const deny = (reason: string): Expected => ({ allowed: false, rule: 'deny:default', reason });

function expectedAggregate(roles: string[], tokenPurposes: string[], purpose: string | undefined, dataset: string, level: string, day: string): Expected {
  const early = conflict(roles) ?? lacking(roles, 'analyst', 'read-aggregates');
  if (early) return early;
  if (purpose === undefined) return deny('no purpose was declared for this request');
  if (!tokenPurposes.includes(purpose)) return deny(`purpose ${purpose} is not among the token's purposes`);
  if (!['wijkaanpak', 'onderzoek', 'monitoring'].includes(purpose)) return deny(`purpose ${purpose} is not defined in the policies`);
  const allowance = ALLOWED[day]![purpose]![dataset];
  if (allowance === undefined) return deny(`no agreement active on ${day} permits dataset ${dataset} for purpose ${purpose}`);
  if (LEVELS.indexOf(level) < LEVELS.indexOf(allowance.finest)) {
    return deny(`level ${level} is finer than ${allowance.finest}, the finest that purpose ${purpose} allows for dataset ${dataset}`);
  }
  return { allowed: true, rule: `agreement:${allowance.agreement}`, effectiveK: allowance.k };
}

function expectedBatch(roles: string[], own: string, action: string, organisation: string, dataset: string, day: string): Expected {
  const early = conflict(roles) ?? lacking(roles, 'partner', 'supply-data');
  if (early) return early;
  const opaque = deny(`organisation ${own} may not act on this batch`);
  if (organisation !== own) return opaque;
  if (action === 'read' || action === 'withdraw') return SUPPLIER[dataset] === own ? { allowed: true, rule: 'role:partner' } : opaque;
  const agreement = SUPPLY[day]![own]![dataset];
  return agreement
    ? { allowed: true, rule: `agreement:${agreement}` }
    : deny(`no agreement active on ${day} lets organisation ${own} supply dataset ${dataset}`);
}

function outcome(decision: ReturnType<typeof decide>): Expected {
  const { allowed, rule, reason, effectiveK } = decision;
  return { allowed, rule, ...(reason === undefined ? {} : { reason }), ...(effectiveK === undefined ? {} : { effectiveK }) };
}

describe('policy matrix on the fixture policies', () => {
  const TOKEN_PURPOSES = [
    ['wijkaanpak', 'onderzoek', 'monitoring', 'bestaatniet'],
    ['onderzoek'],
  ];
  const PURPOSES = [undefined, 'wijkaanpak', 'onderzoek', 'monitoring', 'bestaatniet'];

  describe.each(DAYS)('Aggregate on %s', (day) => {
    it.each(ROLE_CASES)('roles %s', (_name, roles) => {
      const mismatches: string[] = [];
      let allowed = 0;
      for (const tokenPurposes of TOKEN_PURPOSES) {
        const principal = aPrincipal({ roles, purposes: tokenPurposes });
        for (const purpose of PURPOSES) {
          const context = { ...(purpose === undefined ? {} : { purpose }), at: new Date(`${day}T12:00:00Z`) };
          for (const dataset of DATASETS) {
            for (const level of LEVELS) {
              const attributes = { purpose: purpose ?? 'wijkaanpak', dataset, levelRank: LEVELS.indexOf(level) };
              const actual = outcome(decide(policies, principal, context, 'read', 'Aggregate', attributes));
              const expected = expectedAggregate(roles, tokenPurposes, purpose, dataset, level, day);
              if (expected.allowed) allowed += 1;
              if (JSON.stringify(actual) !== JSON.stringify(expected)) {
                mismatches.push(`${tokenPurposes.join(',')} ${purpose} ${dataset} ${level}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`);
              }
            }
          }
        }
      }
      expect(mismatches).toEqual([]);
      // The matrix must exercise allows as well as denials wherever an analyst may act.
      expect(allowed > 0).toBe(roles.includes('analyst') && conflict(roles) === undefined);
    });
  });

  describe.each(DAYS)('Batch on %s', (day) => {
    it.each(ROLE_CASES)('roles %s', (_name, roles) => {
      const mismatches: string[] = [];
      for (const own of ORGANISATIONS) {
        const principal = aPrincipal({ kind: 'client', organisation: own, roles });
        for (const action of ['create', 'correct', 'read', 'withdraw'] as const) {
          for (const organisation of ORGANISATIONS) {
            for (const dataset of DATASETS) {
              const at = new Date(`${day}T23:59:59.999Z`);
              const actual = outcome(decide(policies, principal, { at }, action, 'Batch', { organisation, dataset }));
              const expected = expectedBatch(roles, own, action, organisation, dataset, day);
              if (JSON.stringify(actual) !== JSON.stringify(expected)) {
                mismatches.push(`${own} ${action} ${organisation}/${dataset}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`);
              }
            }
          }
        }
      }
      expect(mismatches).toEqual([]);
    });
  });

  /** Grants without conditions: which role opens which (action, subject). */
  const PLAIN: readonly (readonly [string, 'AuditLog' | 'Client' | 'Agreement', string, string])[] = [
    ['read', 'AuditLog', 'privacy-officer', 'read-audit'],
    ['export', 'AuditLog', 'privacy-officer', 'read-audit'],
    ...(['read', 'create', 'update', 'delete'] as const).flatMap((action) =>
      (['Client', 'Agreement'] as const).map((type) => [action, type, 'administrator', 'manage-clients'] as const),
    ),
  ];

  it.each(ROLE_CASES)('audit log, clients, agreements and signals for roles %s', (_name, roles) => {
    const mismatches: string[] = [];
    const principal: Principal = aPrincipal({ organisation: 'politie', roles, purposes: ['wijkaanpak'] });
    const context = { purpose: 'wijkaanpak', at: new Date('2026-11-24T12:00:00Z') };
    for (const [action, type, role, grant] of PLAIN) {
      const actual = outcome(decide(policies, principal, context, action as 'read', type, {}));
      const expected = conflict(roles) ?? lacking(roles, role, grant) ?? { allowed: true, rule: `role:${role}` };
      if (JSON.stringify(actual) !== JSON.stringify(expected)) mismatches.push(`${action} ${type}: ${JSON.stringify(actual)}`);
    }
    for (const organisation of ORGANISATIONS) {
      const actual = outcome(decide(policies, principal, context, 'create', 'Signal', { organisation }));
      const expected =
        conflict(roles) ??
        lacking(roles, 'frontline', 'report-signals') ??
        (organisation === 'politie'
          ? { allowed: true, rule: 'role:frontline' }
          : deny(`organisation politie may not report signals for organisation ${organisation}`));
      if (JSON.stringify(actual) !== JSON.stringify(expected)) mismatches.push(`Signal ${organisation}: ${JSON.stringify(actual)}`);
    }
    expect(mismatches).toEqual([]);
  });
});
