import { ForbiddenError, subject } from '@casl/ability';
import { describe, expect, it } from '@jest/globals';
import { aPrincipal, FIXTURE_POLICIES } from '../../test/factories/policies.factory.js';
import { type AppAbility, buildAbility, SUBJECT_ACTIONS, type SubjectName } from './ability.factory.js';
import { loadPolicies } from './policy-loader.js';
import { levelRank } from './policy-set.js';

const policies = loadPolicies(FIXTURE_POLICIES);
const at = new Date('2026-06-01T12:00:00Z');
const analyst = aPrincipal({ roles: ['analyst'], purposes: ['wijkaanpak', 'onderzoek', 'monitoring'] });
const partner = aPrincipal({ kind: 'client', id: 'corporatie-etl', organisation: 'corporatie', roles: ['partner'] });

/** Every (action, subject type) pair the ability allows for some object of that type. */
function typeGrants(ability: AppAbility): string[] {
  return (Object.keys(SUBJECT_ACTIONS) as SubjectName[]).flatMap((type) =>
    (SUBJECT_ACTIONS[type] as readonly string[]).filter((action) => ability.can(action as never, type as never)).map((action) => `${action} ${type}`),
  );
}

describe('buildAbility', () => {
  it('denies everything to a principal without roles', () => {
    expect(buildAbility(policies, aPrincipal(), { at }).rules).toEqual([]);
  });

  it('lets a partner create batches only of datasets it supplies under an active agreement', () => {
    const ability = buildAbility(policies, partner, { at });
    expect(ability.can('create', subject('Batch', { organisation: 'corporatie', dataset: 'huur' }))).toBe(true);
    expect(ability.can('create', subject('Batch', { organisation: 'corporatie', dataset: 'incidenten' }))).toBe(false);
    expect(ability.can('create', subject('Batch', { organisation: 'politie', dataset: 'huur' }))).toBe(false);
  });

  it("lets a partner read and withdraw only its own organisation's batches", () => {
    const ability = buildAbility(policies, partner, { at });
    for (const action of ['read', 'withdraw'] as const) {
      expect(ability.can(action, subject('Batch', { organisation: 'corporatie', dataset: 'huur' }))).toBe(true);
      expect(ability.can(action, subject('Batch', { organisation: 'politie', dataset: 'incidenten' }))).toBe(false);
    }
  });

  it('lets a partner still read and withdraw, but not create or correct, after its agreement ends', () => {
    const ability = buildAbility(policies, partner, { at: new Date('2026-12-01T00:00:00Z') });
    const batch = subject('Batch', { organisation: 'corporatie', dataset: 'huur' });
    expect(['create', 'correct', 'read', 'withdraw'].filter((a) => ability.can(a as 'read', batch))).toEqual(['read', 'withdraw']);
  });

  it('binds aggregates to the declared purpose and the level the agreement allows', () => {
    const ability = buildAbility(policies, analyst, { purpose: 'wijkaanpak', at });
    const aggregate = (dataset: string, level: 'street' | 'buurt', purpose = 'wijkaanpak') =>
      subject('Aggregate', { purpose, dataset, levelRank: levelRank(level) });
    expect(ability.can('read', aggregate('huur', 'street'))).toBe(true);
    expect(ability.can('read', aggregate('incidenten', 'street'))).toBe(false);
    expect(ability.can('read', aggregate('incidenten', 'buurt'))).toBe(true);
    expect(ability.can('read', aggregate('huur', 'buurt', 'onderzoek'))).toBe(false);
  });

  it('gives an analyst nothing without a declared purpose, or with one the token does not carry', () => {
    expect(buildAbility(policies, analyst, { at }).rules).toEqual([]);
    const narrow = aPrincipal({ roles: ['analyst'], purposes: ['onderzoek'] });
    expect(buildAbility(policies, narrow, { purpose: 'wijkaanpak', at }).rules).toEqual([]);
    expect(buildAbility(policies, { ...analyst, purposes: ['bestaatniet'] }, { purpose: 'bestaatniet', at }).rules).toEqual([]);
  });

  it('works with ForbiddenError for services', () => {
    const ability = buildAbility(policies, analyst, { purpose: 'onderzoek', at });
    expect(() =>
      ForbiddenError.from(ability).throwUnlessCan('read', subject('Aggregate', { purpose: 'onderzoek', dataset: 'huur', levelRank: 1 })),
    ).toThrow(ForbiddenError);
    expect(() =>
      ForbiddenError.from(ability).throwUnlessCan('read', subject('Aggregate', { purpose: 'onderzoek', dataset: 'huur', levelRank: 2 })),
    ).not.toThrow();
  });

  it('gives a token from an organisation the policies do not know nothing', () => {
    expect(buildAbility(policies, { ...partner, organisation: 'onbekend' }, { at }).rules).toEqual([]);
  });
});

describe('separation of duties', () => {
  it.each([
    ['analyst', 'privacy-officer'],
    ['analyst', 'administrator'],
    ['partner', 'analyst'],
    ['privacy-officer', 'administrator'],
    ['partner', 'administrator'],
  ])('a token with %s and %s gets nothing at all', (a, b) => {
    const principal = aPrincipal({ roles: [a, b, 'frontline'], purposes: ['wijkaanpak'] });
    const ability = buildAbility(policies, principal, { purpose: 'wijkaanpak', at });
    expect(ability.rules).toEqual([]);
    expect(typeGrants(ability)).toEqual([]);
  });

  it('an administrator manages clients and agreements and nothing else', () => {
    const ability = buildAbility(policies, aPrincipal({ roles: ['administrator'], purposes: ['wijkaanpak'] }), { purpose: 'wijkaanpak', at });
    expect(typeGrants(ability)).toEqual([
      'read Client', 'create Client', 'update Client', 'delete Client',
      'read Agreement', 'create Agreement', 'update Agreement', 'delete Agreement',
    ]);
  });

  it('a privacy officer reads and exports the audit log and nothing else', () => {
    const ability = buildAbility(policies, aPrincipal({ roles: ['privacy-officer'], purposes: ['wijkaanpak'] }), { purpose: 'wijkaanpak', at });
    expect(typeGrants(ability)).toEqual(['read AuditLog', 'export AuditLog']);
  });

  it('a frontline system reports signals for its own organisation only', () => {
    const ability = buildAbility(policies, aPrincipal({ organisation: 'politie', roles: ['frontline'] }), { at });
    expect(typeGrants(ability)).toEqual(['create Signal']);
    expect(ability.can('create', subject('Signal', { organisation: 'politie' }))).toBe(true);
    expect(ability.can('create', subject('Signal', { organisation: 'gemeente' }))).toBe(false);
  });
});

describe('expiry', () => {
  const principal = aPrincipal({ roles: ['analyst'], purposes: ['wijkaanpak'] });
  const huur = subject('Aggregate', { purpose: 'wijkaanpak', dataset: 'huur', levelRank: levelRank('street') });

  it('an agreement valid through 2026-11-24 allows all of that UTC day and denies from 2026-11-25, without reloading', () => {
    const can = (iso: string) => buildAbility(policies, principal, { purpose: 'wijkaanpak', at: new Date(iso) }).can('read', huur);
    expect(can('2026-11-24T00:00:00.000Z')).toBe(true);
    expect(can('2026-11-24T23:59:59.999Z')).toBe(true);
    expect(can('2026-11-25T00:00:00.000Z')).toBe(false);
    expect(can('2024-12-31T23:59:59.999Z')).toBe(false);
    expect(can('2025-01-01T00:00:00.000Z')).toBe(true);
  });
});
