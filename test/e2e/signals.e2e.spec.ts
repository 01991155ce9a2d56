import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { AuditRepository } from '../../src/audit/audit.repository.js';
import { AuditSequencer } from '../../src/audit/audit-sequencer.js';
import { ClientKeyRepository } from '../../src/auth/client-key.repository.js';
import { Database } from '../../src/database/database.js';
import { GeographyImporter } from '../../src/geography/importers/geography-importer.js';
import { expectContract } from '../support/contract.js';
import { clientToken, FakeIdentityProvider, newSigningKey, type SigningKey } from '../support/tokens.js';
import { startTestApp, TestClock, type TestApp } from '../support/test-app.js';

const NOW = '2026-11-24T10:00:00Z';
const POLICE = 'politie-signalen';
const SUPPLIER = 'cbs-levering'; // role partner only: supplies data, does not report signals
const ANALYST = { sub: 'emp-analyst', org: 'gemeente-almere', roles: ['analyst'], purposes: ['wijkaanpak'] };

const BUURT_NOORD = 'BU99990101';
const BUURT_ZUID = 'BU99990102';
/** A tiny town: 1312AB on one street, 1312AC on two streets of one buurt, 1312AD across two buurten. */
const CBS = JSON.stringify({
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { statcode: 'GM9999', statnaam: 'Proefdorp' }, geometry: null },
    { type: 'Feature', properties: { statcode: 'WK999901', statnaam: 'Wijk', gemeentecode: 'GM9999' }, geometry: null },
    { type: 'Feature', properties: { buurtcode: BUURT_NOORD, buurtnaam: 'Noord', wijkcode: 'WK999901' }, geometry: null },
    { type: 'Feature', properties: { buurtcode: BUURT_ZUID, buurtnaam: 'Zuid', wijkcode: 'WK999901' }, geometry: null },
  ],
});
const ADDRESSES = [
  'postcode;huisnummer;toevoeging;straatnaam;buurtcode;x;y',
  `1312AB;1;;Texelstraat;${BUURT_NOORD};146000;488000`,
  `1312AB;3;A;Texelstraat;${BUURT_NOORD};146010;488000`,
  `1312AC;5;;Texelstraat;${BUURT_NOORD};146020;488000`,
  `1312AC;7;;Vlielandstraat;${BUURT_NOORD};146030;488000`,
  `1312AD;2;;Urkstraat;${BUURT_NOORD};146040;488000`,
  `1312AD;4;;Urkstraat;${BUURT_ZUID};146050;488000`,
].join('\n');

type Body = Record<string, unknown>;

describe('near-time signals over HTTP', () => {
  let t: TestApp;
  let idp: FakeIdentityProvider;
  const clock = new TestClock(new Date(NOW));
  const keys = new Map<string, SigningKey>();

  const post = async (clientId: string, body: unknown) =>
    request(t.server)
      .post('/v1/signals')
      .set('Authorization', `Bearer ${await clientToken(clientId, keys.get(clientId)!, { iat: clock.seconds })}`)
      .send(body as Body);
  const signal = (overrides: Body = {}): Body => ({
    category: 'overlast-jongeren',
    observedAt: '2026-11-24T09:30:00+01:00',
    location: { postcode: '1312 ab', huisnummer: 3, toevoeging: 'a' },
    ...overrides,
  });
  const pointers = (response: request.Response): string[] => response.body.errors.map((e: { pointer: string }) => e.pointer).sort();
  const events = async (filter: Record<string, string>) => {
    await t.app.get(AuditSequencer).flush();
    return t.app.get(AuditRepository).search(filter, -1, 1000);
  };

  beforeAll(async () => {
    idp = await new FakeIdentityProvider().start();
    t = await startTestApp(idp.env, { clock });
    const importer = t.app.get(GeographyImporter);
    await importer.importCbsGeoJson(CBS, 2025);
    await importer.importAddresses(ADDRESSES, 2025);
    const registry = t.app.get(ClientKeyRepository);
    for (const clientId of [POLICE, SUPPLIER]) {
      const key = await newSigningKey('ES256');
      keys.set(clientId, key);
      await t.app.get(Database).withTransaction((tx) => registry.register(tx, clientId, key.publicJwk.kid, key.publicJwk));
    }
  });
  afterAll(async () => {
    await t.close();
    await idp.stop();
  });
  beforeEach(() => clock.set(NOW));

  it('stores a signal at an address as its pc6 unit, without the house number', async () => {
    const response = await post(POLICE, signal());
    expect(response.status).toBe(201);
    expectContract(response, 'post', '/v1/signals');
    expect(response.body).toEqual({
      id: expect.any(String),
      category: 'overlast-jongeren',
      observedAt: '2026-11-24T08:30:00.000Z',
      receivedAt: '2026-11-24T10:00:00.000Z',
      location: { level: 'pc6', unit: `1312AB@Texelstraat@${BUURT_NOORD}` },
    });
    const rows = await t.database.query<Record<string, unknown>>('SELECT * FROM signal WHERE id = $1', [response.body.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      category: 'overlast-jongeren',
      organisation: 'politie',
      actor: POLICE,
      location_level: 'address',
      pc6_unit: `1312AB@Texelstraat@${BUURT_NOORD}`,
      street_unit: `Texelstraat@${BUURT_NOORD}`,
      buurt_code: BUURT_NOORD,
      wijk_code: 'WK999901',
      gemeente_code: 'GM9999',
    });
    expect(Object.keys(rows[0]!).filter((c) => /huisnummer|toevoeging|postcode|address/.test(c))).toEqual([]);
    expect(JSON.stringify(rows[0])).not.toMatch(/"3"|"A"|3A|3-A/);
  });

  it('stores a signal at a street unit', async () => {
    const response = await post(POLICE, signal({ category: 'vernieling', location: { street: `Vlielandstraat@${BUURT_NOORD}` } }));
    expect(response.status).toBe(201);
    expectContract(response, 'post', '/v1/signals');
    expect(response.body.location).toEqual({ level: 'street', unit: `Vlielandstraat@${BUURT_NOORD}` });
    const [row] = await t.database.query('SELECT location_level, pc6_unit, street_unit FROM signal WHERE id = $1', [response.body.id]);
    expect(row).toEqual({ location_level: 'street', pc6_unit: null, street_unit: `Vlielandstraat@${BUURT_NOORD}` });
  });

  it('stores a postcode as its pc6 unit, or only its buurt when it spans streets, and refuses one across buurten', async () => {
    const single = await post(POLICE, signal({ location: { pc6: '1312AB' } }));
    expect(single.status).toBe(201);
    expect(single.body.location).toEqual({ level: 'pc6', unit: `1312AB@Texelstraat@${BUURT_NOORD}` });
    const streets = await post(POLICE, signal({ location: { pc6: '1312AC' } }));
    expect(streets.status).toBe(201);
    expectContract(streets, 'post', '/v1/signals');
    expect(streets.body.location).toEqual({ level: 'buurt', unit: BUURT_NOORD });
    const [row] = await t.database.query('SELECT location_level, pc6_unit, street_unit, buurt_code FROM signal WHERE id = $1', [
      streets.body.id,
    ]);
    expect(row).toEqual({ location_level: 'pc6', pc6_unit: null, street_unit: null, buurt_code: BUURT_NOORD });
    const buurten = await post(POLICE, signal({ location: { pc6: '1312AD' } }));
    expect(buurten.status).toBe(400);
    expect(buurten.body.errors).toEqual([expect.objectContaining({ pointer: '/location', code: 'ambiguous-location' })]);
  });

  it('refuses an unknown address, naming the postcode and house number, and stores nothing', async () => {
    const before = await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM signal');
    const response = await post(POLICE, signal({ location: { postcode: '1312AB', huisnummer: 99 } }));
    expect(response.status).toBe(400);
    expectContract(response, 'post', '/v1/signals');
    expect(response.body.errors).toEqual([expect.objectContaining({ pointer: '/location', code: 'unknown-location' })]);
    expect(response.body.errors[0].detail).toContain('1312AB 99');
    expect(await t.database.query('SELECT count(*)::int AS n FROM signal')).toEqual(before);
  });

  it('refuses an unknown street unit, naming it', async () => {
    const response = await post(POLICE, signal({ location: { street: `Terschellingstraat@${BUURT_NOORD}` } }));
    expect(response.status).toBe(400);
    expect(response.body.errors[0].detail).toContain(`Terschellingstraat@${BUURT_NOORD}`);
  });

  it.each(['note', 'description', 'text', 'name'])('refuses free text in %s, listing it', async (field) => {
    const response = await post(POLICE, signal({ [field]: 'Jan de Vries, 3 hoog, drinkt' }));
    expect(response.status).toBe(400);
    expectContract(response, 'post', '/v1/signals');
    expect(response.body.errors).toEqual([expect.objectContaining({ pointer: `/${field}`, code: 'unknown-property' })]);
    expect(response.text).not.toContain('Jan de Vries');
  });

  it('refuses free text inside the location', async () => {
    const response = await post(POLICE, signal({ location: { pc6: '1312AB', bewoner: 'mevrouw K.' } }));
    expect(response.status).toBe(400);
    expect(pointers(response)).toEqual(['/location/bewoner']);
  });

  it('refuses a category that is not in the taxonomy', async () => {
    const response = await post(POLICE, signal({ category: 'verdachte-persoon' }));
    expect(response.status).toBe(400);
    expectContract(response, 'post', '/v1/signals');
    expect(response.body.errors).toEqual([expect.objectContaining({ pointer: '/category', code: 'unknown-category' })]);
  });

  it.each([
    ['more than 5 minutes in the future', '2026-11-24T10:06:00Z', 'future'],
    ['more than 366 days ago', '2025-11-22T10:00:00Z', 'too-old'],
    ['a day that does not exist', '2026-02-30T10:00:00Z', 'format'],
    ['without a time zone', '2026-11-24T09:00:00', 'format'],
  ])('refuses an observation time %s', async (_name, observedAt, code) => {
    const response = await post(POLICE, signal({ observedAt }));
    expect(response.status).toBe(400);
    expectContract(response, 'post', '/v1/signals');
    expect(response.body.errors).toEqual([expect.objectContaining({ pointer: '/observedAt', code })]);
  });

  it('accepts an observation just inside the limits', async () => {
    expect((await post(POLICE, signal({ observedAt: '2026-11-24T10:04:59Z' }))).status).toBe(201);
    expect((await post(POLICE, signal({ observedAt: '2025-11-23T10:00:01Z' }))).status).toBe(201);
  });

  it('lists every problem at once, the unknown location included', async () => {
    const response = await post(POLICE, {
      category: 'geen-categorie',
      observedAt: '2030-01-01T00:00:00Z',
      location: { postcode: '9999ZZ', huisnummer: 1 },
      opmerking: 'vrije tekst',
    });
    expect(response.status).toBe(400);
    expectContract(response, 'post', '/v1/signals');
    expect(pointers(response)).toEqual(['/category', '/location', '/observedAt', '/opmerking']);
    const malformed = await post(POLICE, { location: { postcode: 'abc', huisnummer: 0, toevoeging: 'veel te lang' } });
    expect(pointers(malformed)).toEqual(['/category', '/location/huisnummer', '/location/postcode', '/location/toevoeging', '/observedAt']);
  });

  it('refuses a partner without report-signals with 403 and records the denial', async () => {
    const before = await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM signal');
    const response = await post(SUPPLIER, signal());
    expect(response.status).toBe(403);
    expectContract(response, 'post', '/v1/signals');
    expect(response.body.detail).toMatch(/report-signals/);
    expect(await t.database.query('SELECT count(*)::int AS n FROM signal')).toEqual(before);
    const denials = await events({ actor: SUPPLIER, type: 'policy.decision', outcome: 'deny' });
    expect(denials).toContainEqual(
      expect.objectContaining({ action: 'create', resource: expect.objectContaining({ type: 'Signal', organisation: 'cbs' }), reason: expect.any(String) }),
    );
  });

  it('refuses an analyst with 403', async () => {
    const response = await request(t.server)
      .post('/v1/signals')
      .set('Authorization', `Bearer ${await idp.token(ANALYST, { iat: clock.seconds })}`)
      .send(signal());
    expect(response.status).toBe(403);
    expectContract(response, 'post', '/v1/signals');
    const denials = await events({ actor: ANALYST.sub, type: 'policy.decision', outcome: 'deny' });
    expect(denials).toContainEqual(expect.objectContaining({ resource: expect.objectContaining({ type: 'Signal' }) }));
  });

  it('records the signal and the allow decision in the audit log, without the address', async () => {
    const response = await post(POLICE, signal({ category: 'zorgen-bewoner' }));
    expect(response.status).toBe(201);
    const reported = await events({ actor: POLICE, type: 'signal.reported' });
    const event = reported.find((e) => (e.resource as { id?: string } | null)?.id === response.body.id);
    expect(event).toMatchObject({
      actorKind: 'client',
      organisation: 'politie',
      outcome: 'success',
      resource: { type: 'Signal', id: response.body.id, category: 'zorgen-bewoner', level: 'pc6', buurt: BUURT_NOORD },
    });
    const allows = await events({ actor: POLICE, type: 'policy.decision', outcome: 'allow' });
    expect(allows).toContainEqual(expect.objectContaining({ rule: 'role:frontline', resource: { type: 'Signal', id: response.body.id, organisation: 'politie' } }));
    const everything = JSON.stringify(await events({ actor: POLICE }));
    expect(everything).not.toMatch(/1312 ?AB|Texelstraat|huisnummer/i);
  });

  it('gives any authenticated caller the taxonomy, and nobody else', async () => {
    const response = await request(t.server)
      .get('/v1/signals/categories')
      .set('Authorization', `Bearer ${await idp.token(ANALYST, { iat: clock.seconds })}`);
    expect(response.status).toBe(200);
    expectContract(response, 'get', '/v1/signals/categories');
    expect(response.body.categories).toContainEqual({ id: 'zorgen-bewoner', title: expect.any(String), domain: 'sociaal' });
    expect(response.body.categories.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(['overlast-jongeren', 'vernieling']));
    const anonymous = await request(t.server).get('/v1/signals/categories');
    expect(anonymous.status).toBe(401);
  });
});
