import { afterEach, describe, expect, it } from '@jest/globals';
import { FIXTURE_POLICIES, PolicyCopy } from '../../test/factories/policies.factory.js';
import { loadPolicies, PolicyError } from './policy-loader.js';

let copy: PolicyCopy;

afterEach(() => copy?.dispose());

function problemsOf(dir: string): readonly string[] {
  try {
    loadPolicies(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return (error as PolicyError).problems;
  }
  throw new Error('loadPolicies accepted broken policies');
}

/** Breaks one thing in a fresh copy of the fixture and returns every problem reported. */
function broken(change: (c: PolicyCopy) => void): readonly string[] {
  copy = new PolicyCopy();
  change(copy);
  return problemsOf(copy.dir);
}

describe('loadPolicies on the fixture', () => {
  it('loads every kind with its values', () => {
    const policies = loadPolicies(FIXTURE_POLICIES);
    expect(policies.organisations.map((o) => o.id)).toEqual(['gemeente', 'corporatie', 'politie']);
    expect(policies.roles.map((r) => r.id)).toEqual(['partner', 'frontline', 'analyst', 'privacy-officer', 'administrator']);
    expect(policies.datasets.map((d) => d.id).sort()).toEqual(['bevolking', 'huur', 'incidenten']);
    expect(policies.agreements).toHaveLength(5);
    expect(policies.clients.find((c) => c.id === 'corporatie-etl')?.keys[0]).toMatchObject({ kty: 'EC', kid: 'corporatie-2026' });
    expect(policies.agreements.find((a) => a.id === 'politie-incidenten')).toMatchObject({ finestLevel: 'buurt', k: 20, validTo: null });
  });

  it('gives a purpose without k the default of 10 and keeps a stated k', () => {
    const purposes = loadPolicies(FIXTURE_POLICIES).purposes;
    expect(purposes.find((p) => p.id === 'onderzoek')?.k).toBe(10);
    expect(purposes.find((p) => p.id === 'monitoring')?.k).toBe(12);
  });

  it('loads the signal taxonomy in file order', () => {
    const categories = loadPolicies(FIXTURE_POLICIES).signalCategories;
    expect(categories.map((c) => c.id)).toEqual(['overlast-jongeren', 'vernieling', 'verwaarlozing-woning', 'zorgen-bewoner']);
    expect(categories[3]).toEqual({ id: 'zorgen-bewoner', title: 'Zorgen over een bewoner (zonder details)', domain: 'sociaal' });
  });

  it('includes the signal taxonomy in the hash', () => {
    copy = new PolicyCopy();
    const hash = loadPolicies(copy.dir).hash;
    copy.edit('signal-categories.yaml', 'title: Vernieling of vandalisme', 'title: Vernieling');
    expect(loadPolicies(copy.dir).hash).not.toBe(hash);
  });

  it('keeps the extra keys of a dataset file', () => {
    const bevolking = loadPolicies(FIXTURE_POLICIES).datasets.find((d) => d.id === 'bevolking');
    expect(bevolking?.fields).toEqual([{ name: 'leeftijdsklasse', type: 'string' }]);
  });

  it('returns frozen data', () => {
    const policies = loadPolicies(FIXTURE_POLICIES);
    expect(Object.isFrozen(policies.agreements[0]!.datasets)).toBe(true);
    expect(() => (policies.purposes as unknown as unknown[]).push({})).toThrow(TypeError);
  });

  it('hashes the files: the same bytes give the same hash, one changed byte another', () => {
    const hash = loadPolicies(FIXTURE_POLICIES).hash;
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    copy = new PolicyCopy();
    expect(loadPolicies(copy.dir).hash).toBe(hash);
    copy.edit('agreements/politie-onderzoek.yaml', 'retentionMonths: 24', 'retentionMonths: 25');
    expect(loadPolicies(copy.dir).hash).not.toBe(hash);
  });

  it('includes the file names in the hash', () => {
    copy = new PolicyCopy();
    const hash = loadPolicies(copy.dir).hash;
    copy.write('agreements/politie-onderzoek-2.yaml', copy.read('agreements/politie-onderzoek.yaml')).remove('agreements/politie-onderzoek.yaml');
    expect(loadPolicies(copy.dir).hash).not.toBe(hash);
  });
});

describe('loadPolicies refuses broken policies, naming file and field', () => {
  it('an agreement naming an unknown dataset', () => {
    const problems = broken((c) => c.edit('agreements/politie-incidenten.yaml', 'datasets: [incidenten]', 'datasets: [incidenten, incidentn]'));
    expect(problems).toEqual(['agreements/politie-incidenten.yaml: datasets[1]: unknown dataset "incidentn"']);
  });

  it('an agreement naming an unknown purpose', () => {
    const problems = broken((c) => c.edit('agreements/politie-incidenten.yaml', 'purposes: [wijkaanpak, monitoring]', 'purposes: [wijkaanpak, handhaving]'));
    expect(problems).toEqual(['agreements/politie-incidenten.yaml: purposes[1]: unknown purpose "handhaving"']);
  });

  it('an agreement with an unknown partner', () => {
    const problems = broken((c) => c.edit('agreements/gemeente-bevolking.yaml', 'partner: gemeente', 'partner: provincie'));
    expect(problems).toContain('agreements/gemeente-bevolking.yaml: partner: unknown organisation "provincie"');
  });

  it('an agreement for a dataset that its partner does not supply', () => {
    const problems = broken((c) => c.edit('agreements/politie-incidenten.yaml', 'datasets: [incidenten]', 'datasets: [incidenten, huur]'));
    expect(problems).toEqual([
      'agreements/politie-incidenten.yaml: datasets[1]: dataset "huur" is supplied by corporatie, not by the partner politie',
    ]);
  });

  it('an agreement that ends before it starts', () => {
    const problems = broken((c) => c.edit('agreements/corporatie-huur.yaml', 'validTo: 2026-11-24', 'validTo: 2024-12-31'));
    expect(problems).toEqual(['agreements/corporatie-huur.yaml: validTo: 2024-12-31 is before validFrom 2025-01-01']);
  });

  it('a date that does not exist', () => {
    const problems = broken((c) => c.edit('agreements/corporatie-huur.yaml', 'validTo: 2026-11-24', 'validTo: 2026-02-30'));
    expect(problems).toEqual(['agreements/corporatie-huur.yaml: validTo: must be a real date written YYYY-MM-DD (got "2026-02-30")']);
  });

  it('a date in another notation', () => {
    const problems = broken((c) => c.edit('agreements/corporatie-huur.yaml', 'validFrom: 2025-01-01', 'validFrom: 01-01-2025'));
    expect(problems).toEqual(['agreements/corporatie-huur.yaml: validFrom: must be a real date written YYYY-MM-DD (got "01-01-2025")']);
  });

  it('a role with a grant that does not exist', () => {
    const problems = broken((c) => c.edit('roles.yaml', 'grants: [read-audit]', 'grants: [read-audit, read-everything]'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^roles\.yaml: \[3\]\.grants\[1\]: must be one of supply-data, .* \(got "read-everything"\)$/);
  });

  it('incompatibleWith that is not symmetric', () => {
    const problems = broken((c) => c.edit('roles.yaml', 'incompatibleWith: [partner, analyst, administrator]', 'incompatibleWith: [partner, administrator]'));
    expect(problems).toEqual([
      'roles.yaml: [2].incompatibleWith[1]: analyst is incompatible with privacy-officer, but privacy-officer does not list analyst (must be symmetric)',
    ]);
  });

  it('incompatibleWith naming an unknown role or the role itself', () => {
    const problems = broken((c) => c.edit('roles.yaml', 'incompatibleWith: []', 'incompatibleWith: [frontline, auditor]'));
    expect(problems).toEqual([
      'roles.yaml: [1].incompatibleWith[0]: a role cannot be incompatible with itself',
      'roles.yaml: [1].incompatibleWith[1]: unknown role "auditor"',
    ]);
  });

  it('a client of an unknown organisation with an unknown role', () => {
    const problems = broken((c) =>
      c.edit('clients/politie-signalen.yaml', 'organisation: politie', 'organisation: marechaussee').edit('clients/politie-signalen.yaml', 'frontline]', 'frontlinie]'),
    );
    expect(problems).toEqual([
      'clients/politie-signalen.yaml: organisation: unknown organisation "marechaussee"',
      'clients/politie-signalen.yaml: roles[1]: unknown role "frontlinie"',
    ]);
  });

  it('a client whose roles may not be combined', () => {
    const problems = broken((c) => c.edit('clients/politie-signalen.yaml', 'roles: [partner, frontline]', 'roles: [partner, analyst]'));
    expect(problems).toEqual(['clients/politie-signalen.yaml: roles[1]: roles partner and analyst cannot be combined (separation of duties)']);
  });

  it('a private key in a client file', () => {
    const problems = broken((c) => c.edit('clients/corporatie-etl.yaml', '    crv: P-256', '    crv: P-256\n    d: c2VjcmV0LXNjYWxhci1vZi10aGlydHktdHdvLWJ5dGVzISE'));
    expect(problems).toEqual([
      'clients/corporatie-etl.yaml: keys[0].d: private or symmetric key material must never be in the repository; register the public JWK only',
    ]);
  });

  it('a symmetric key in a client file', () => {
    const problems = broken((c) => c.edit('clients/politie-signalen.yaml', 'keys: []', 'keys:\n  - kty: oct\n    k: c2VjcmV0'));
    expect(problems).toEqual([
      'clients/politie-signalen.yaml: keys[0].k: private or symmetric key material must never be in the repository; register the public JWK only',
    ]);
  });

  it('a public key that is not a valid key', () => {
    const problems = broken((c) => c.edit('clients/corporatie-etl.yaml', '    crv: P-256', '    crv: P-999'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^clients\/corporatie-etl\.yaml: keys\[0\]: not a valid public JWK/);
  });

  it('a threshold below 5 in a purpose and in an agreement', () => {
    const problems = broken((c) => c.edit('purposes.yaml', 'k: 12', 'k: 4').edit('agreements/politie-incidenten.yaml', 'k: 20', 'k: 3'));
    expect(problems).toEqual([
      'purposes.yaml: [2].k: must be >= 5 (got 4)',
      'agreements/politie-incidenten.yaml: k: must be >= 5 (got 3)',
    ]);
  });

  it('a finest level that does not exist', () => {
    const problems = broken((c) => c.edit('purposes.yaml', 'finestLevel: wijk', 'finestLevel: address'));
    expect(problems).toEqual(['purposes.yaml: [2].finestLevel: must be one of pc6, street, buurt, wijk, gemeente (got "address")']);
  });

  it('a duplicate id, within a list and across files', () => {
    const problems = broken((c) =>
      c.edit('purposes.yaml', 'id: monitoring', 'id: onderzoek').write('datasets/huur-2.yaml', c.read('datasets/huur.yaml')),
    );
    expect(problems).toEqual([
      'purposes.yaml: [2].id: duplicate purpose id "onderzoek" (also in purposes.yaml: [1])',
      'datasets/huur.yaml: id: duplicate dataset id "huur" (also in datasets/huur-2.yaml)',
      // monitoring is gone, so the agreements that name it now point nowhere.
      'agreements/corporatie-huur-oud.yaml: purposes[0]: unknown purpose "monitoring"',
      'agreements/gemeente-bevolking.yaml: purposes[2]: unknown purpose "monitoring"',
      'agreements/politie-incidenten.yaml: purposes[1]: unknown purpose "monitoring"',
    ]);
  });

  it('a misspelt key in an agreement', () => {
    const problems = broken((c) => c.edit('agreements/politie-incidenten.yaml', 'finestLevel: buurt', 'finestLvel: buurt'));
    expect(problems).toEqual(['agreements/politie-incidenten.yaml: finestLvel: is not a known key']);
  });

  it('a missing required field', () => {
    const problems = broken((c) => c.edit('agreements/politie-onderzoek.yaml', 'retentionMonths: 24\n', ''));
    expect(problems).toEqual(['agreements/politie-onderzoek.yaml: retentionMonths: is required']);
  });

  it('a YAML syntax error', () => {
    const problems = broken((c) => c.edit('agreements/politie-onderzoek.yaml', 'purposes: [onderzoek]', 'purposes: [onderzoek'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^agreements\/politie-onderzoek\.yaml: line \d+: invalid YAML/);
  });

  it('a signal category with an unknown domain, a misspelt key and a duplicate id', () => {
    const problems = broken((c) =>
      c
        .edit('signal-categories.yaml', 'domain: fysiek', 'domain: milieu')
        .edit('signal-categories.yaml', '  title: Zorgen over een bewoner (zonder details)', '  title: Zorgen\n  note: free text')
        .edit('signal-categories.yaml', 'id: vernieling', 'id: overlast-jongeren'),
    );
    expect(problems).toEqual([
      'signal-categories.yaml: [2].domain: must be one of fysiek, sociaal, veiligheid (got "milieu")',
      'signal-categories.yaml: [3].note: is not a known key',
      'signal-categories.yaml: [1].id: duplicate signal category id "overlast-jongeren" (also in signal-categories.yaml: [0])',
    ]);
  });

  it('a missing signal taxonomy', () => {
    const problems = broken((c) => c.remove('signal-categories.yaml'));
    expect(problems).toEqual(['signal-categories.yaml: file is missing']);
  });

  it('a missing list file', () => {
    const problems = broken((c) => c.remove('purposes.yaml'));
    expect(problems[0]).toBe('purposes.yaml: file is missing');
  });

  it('a list file that is not a list', () => {
    const problems = broken((c) => c.write('organisations.yaml', 'id: gemeente\nname: Gemeente\n'));
    expect(problems[0]).toBe('organisations.yaml: must be a list of entries');
  });

  it('a policy file that would silently not be read', () => {
    const problems = broken((c) => c.write('agreements/extra.yml', c.read('agreements/politie-onderzoek.yaml')));
    expect(problems).toEqual(['agreements/extra.yml: only .yaml files are read here; rename or remove it']);
  });

  it('reports every problem of several files at once', () => {
    const problems = broken((c) =>
      c
        .edit('agreements/politie-incidenten.yaml', 'datasets: [incidenten]', 'datasets: [incidentn]')
        .edit('agreements/corporatie-huur.yaml', 'validTo: 2026-11-24', 'validTo: 2020-01-01')
        .edit('purposes.yaml', 'k: 12', 'k: 2')
        .edit('clients/corporatie-etl.yaml', '    crv: P-256', '    crv: P-256\n    d: eA')
        .edit('datasets/huur.yaml', 'supplier: corporatie', 'supplier: woningbouw'),
    );
    expect([...problems].sort()).toEqual(
      [
        'agreements/politie-incidenten.yaml: datasets[0]: unknown dataset "incidentn"',
        'agreements/corporatie-huur.yaml: validTo: 2020-01-01 is before validFrom 2025-01-01',
        'purposes.yaml: [2].k: must be >= 5 (got 2)',
        'clients/corporatie-etl.yaml: keys[0].d: private or symmetric key material must never be in the repository; register the public JWK only',
        'datasets/huur.yaml: supplier: unknown organisation "woningbouw"',
        'agreements/corporatie-huur.yaml: datasets[0]: dataset "huur" is supplied by woningbouw, not by the partner corporatie',
        'agreements/corporatie-huur-oud.yaml: datasets[0]: dataset "huur" is supplied by woningbouw, not by the partner corporatie',
      ].sort(),
    );
  });

  it('puts every problem into the error message as well', () => {
    copy = new PolicyCopy();
    copy.edit('purposes.yaml', 'k: 12', 'k: 2').edit('agreements/politie-incidenten.yaml', 'k: 20', 'k: 1');
    expect(() => loadPolicies(copy.dir)).toThrow(/purposes\.yaml: \[2\]\.k: must be >= 5[\s\S]*politie-incidenten\.yaml: k: must be >= 5/);
  });
});
