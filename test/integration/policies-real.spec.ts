import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { projectRoot } from '../../src/common/project-root.js';
import { decideIndicator } from '../../src/policies/policy-decision.js';
import { loadPolicies } from '../../src/policies/policy-loader.js';
import { aPrincipal } from '../factories/policies.factory.js';

const dir = path.join(projectRoot(), 'policies');

describe('the real policies/ directory', () => {
  it('loads without problems', () => {
    expect(() => loadPolicies(dir)).not.toThrow();
  });

  it('holds the Almere organisations, roles, purposes and datasets', () => {
    const policies = loadPolicies(dir);
    expect(policies.organisations.map((o) => o.id).sort()).toEqual(
      ['cbs', 'gemeente-almere', 'jeugdwerk', 'onderwijs', 'politie', 'schuldhulp', 'sozawe', 'wijkzorg', 'woningcorporatie'],
    );
    expect(policies.roles.map((r) => r.id)).toEqual(['partner', 'frontline', 'analyst', 'privacy-officer', 'administrator']);
    expect(policies.purposes.map((p) => p.id)).toEqual(['wijkaanpak', 'beleidsonderzoek', 'schuldpreventie', 'monitoring']);
    expect(policies.datasets.map((d) => d.id).sort()).toEqual(
      ['bevolking', 'huurachterstand', 'incidenten', 'inkomen', 'jeugdzorg', 'schooluitval', 'schuldhulp', 'uitkeringen'],
    );
  });

  it('registers no keys in the repository', () => {
    expect(loadPolicies(dir).clients.flatMap((c) => c.keys)).toEqual([]);
  });

  it('lets an analyst see rent arrears per street for the wijkaanpak, and police incidents no finer than buurt', () => {
    const policies = loadPolicies(dir);
    const analyst = aPrincipal({ organisation: 'gemeente-almere', roles: ['analyst'], purposes: ['wijkaanpak'] });
    const context = { purpose: 'wijkaanpak', at: new Date('2026-11-24T12:00:00Z') };
    expect(decideIndicator(policies, analyst, context, ['huurachterstand', 'bevolking'], 'street').allowed).toBe(true);
    expect(decideIndicator(policies, analyst, context, ['incidenten'], 'street').allowed).toBe(false);
    expect(decideIndicator(policies, analyst, context, ['incidenten'], 'buurt')).toMatchObject({ allowed: true, effectiveK: 15 });
  });
});
