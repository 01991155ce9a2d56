import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { AuditRepository } from '../../src/audit/audit.repository.js';
import { AuditSequencer } from '../../src/audit/audit-sequencer.js';
import { DemoCityService } from '../../src/demo/demo-city.service.js';
import { auditCube } from '../../src/disclosure/lp-audit.js';
import { DemoSeeder } from '../../src/geography/demo-seeder.js';
import { generateCity } from '../../src/geography/synthetic/city-generator.js';
import { MemorySink } from '../../src/geography/synthetic/city-sink.js';
import { cellId, cubeModel } from '../../src/indicators/cube-model.js';
import { CubeService } from '../../src/indicators/cube.service.js';
import { IngestionService } from '../../src/ingestion/ingestion.service.js';
import { PolicyStore } from '../../src/policies/policy-store.js';
import { IndicatorCatalogue } from '../../src/indicators/indicator-catalogue.js';
import { expectContract } from '../support/contract.js';
import { FakeIdentityProvider } from '../support/tokens.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const CITY = { seed: 1, scale: 1, wijken: ['WK003451', 'WK003450'] };
const ANALYST = { sub: 'emp-os', org: 'gemeente-almere', roles: ['analyst'], purposes: ['wijkaanpak', 'monitoring'] };

describe('protected extracts', () => {
  let t: TestApp;
  let idp: FakeIdentityProvider;
  let planted: string[];
  const extract = async (body: Record<string, unknown>, who = ANALYST) =>
    request(t.server).post('/v1/extracts').set('Authorization', `Bearer ${await idp.token(who)}`).send(body);

  beforeAll(async () => {
    idp = await new FakeIdentityProvider().start();
    t = await startTestApp(idp.env);
    await t.app.get(DemoSeeder).seedIfEmpty(CITY);
    await t.app.get(DemoCityService).loadPartnerFiles(CITY);
    const { truth } = generateCity({ ...CITY, people: false }, new MemorySink([]));
    planted = [...truth.planted.find((p) => p.id === 'benefits-and-rent-arrears')!.streetUnits];
  }, 120_000);
  afterAll(async () => {
    await t.close();
    await idp.stop();
  });

  it('gives the streets of the Eilandenbuurt, where the planted streets stand out', async () => {
    const response = await extract({ purpose: 'wijkaanpak', indicators: ['uitkeringen-per-100-volwassenen'], level: 'street', area: 'WK003451' });
    expect(response.status).toBe(201);
    expectContract(response, 'post', '/v1/extracts');
    const [indicator] = response.body.indicators;
    expect(indicator.released).toBe(true);
    expect(indicator.k).toBeGreaterThanOrEqual(10);
    const cells = indicator.cells as { unit: string; rate: number | null; value: number | null; status: string }[];
    expect(cells.length).toBeGreaterThan(5);
    const published = cells.filter((c) => c.rate !== null);
    const plantedCells = published.filter((c) => planted.includes(c.unit));
    const others = published.filter((c) => !planted.includes(c.unit));
    expect(plantedCells.length).toBeGreaterThan(0);
    const mean = others.reduce((s, c) => s + c.rate!, 0) / others.length;
    for (const c of plantedCells) expect(c.rate!).toBeGreaterThan(mean * 1.5);
  });

  it('never publishes a count below k, and leaves no suppressed cell derivable', async () => {
    const catalogue = t.app.get(IndicatorCatalogue);
    const audited: string[] = [];
    for (const spec of catalogue.all()) {
      // Whichever purpose the indicator serves: every cube of the catalogue is checked.
      const everyPurpose = { ...ANALYST, purposes: ['monitoring', 'wijkaanpak', 'schuldpreventie', 'beleidsonderzoek'] };
      let response = await extract({ purpose: 'monitoring', indicators: [spec.id], level: 'wijk' }, everyPurpose);
      for (const purpose of everyPurpose.purposes.slice(1)) {
        if (response.status === 403) response = await extract({ purpose, indicators: [spec.id], level: 'wijk' }, everyPurpose);
      }
      expect(response.status).toBe(201);
      audited.push(spec.id);
      const stored = await t.database.query<{ cells: { unit: string; category?: string | null; value: number | null; status: string }[]; k: number }>(
        'SELECT cells, k FROM cube WHERE id = $1',
        [response.body.indicators[0].cube.id],
      );
      const cube = stored[0]!;
      // Counts below k never leave; amounts follow the p% rule instead (a total of 9 euro can be safe).
      const tooSmall = cube.cells.filter((c) => spec.unit !== 'euro' && c.value !== null && c.value > 0 && c.value < cube.k);
      expect(tooSmall).toEqual([]);
      // A rule that would tell a hidden 0% from a hidden 100% is never shown.
      const rules = new Set(response.body.indicators[0].cells.map((c: { rule: string | null }) => c.rule));
      expect([...rules].every((r) => [null, 'count<k', 'small-base', 'dominance', 'secondary:linear', 'secondary:singleton', 'secondary:audit'].includes(r as string | null))).toBe(true);
      // The attacker's view: published values and the additivity; the truth, recomputed here.
      // Checked by the independent oracle: two HiGHS LPs for every suppressed cell, no shortcuts.
      const truth = cubeModel(spec, await t.app.get(CubeService).aggregate(spec));
      const statuses = new Map(cube.cells.map((c) => [cellId({ code: c.unit, category: c.category ?? null }), { status: c.status as 'published' | 'primary' | 'secondary' }]));
      const audit = await auditCube(truth.cells, truth.constraints, statuses, { k: cube.k }, { method: 'lp' });
      expect(audit.failures).toEqual([]);
    }
    expect(audited).toEqual(catalogue.all().map((i) => i.id));
  }, 120_000);

  it('serves every extract from one cube per data version, and returns it again unchanged', async () => {
    const body = { purpose: 'wijkaanpak', indicators: ['huishoudens-met-huurachterstand'], level: 'buurt' };
    const first = await extract(body);
    const second = await extract({ ...body, level: 'street', area: 'BU00345104' });
    expect(first.status).toBe(201);
    expect(second.body.indicators[0].cube.id).toBe(first.body.indicators[0].cube.id);
    const again = await request(t.server).get(`/v1/extracts/${first.body.id}`).set('Authorization', `Bearer ${await idp.token(ANALYST)}`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expectContract(again, 'get', '/v1/extracts/{extractId}');
    const other = await request(t.server)
      .get(`/v1/extracts/${first.body.id}`)
      .set('Authorization', `Bearer ${await idp.token({ ...ANALYST, sub: 'someone-else' })}`);
    expect(other.status).toBe(404);
  });

  it('gives the same content as CSV and GeoJSON, and 406 for what it cannot produce', async () => {
    const body = { purpose: 'wijkaanpak', indicators: ['huishoudens-met-huurachterstand'], level: 'buurt', area: 'WK003451' };
    const json = await extract(body);
    const csv = await request(t.server)
      .get(`/v1/extracts/${json.body.id}`)
      .set('Authorization', `Bearer ${await idp.token(ANALYST)}`)
      .set('Accept', 'text/csv');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('indicator,unit,category,name,level,value,denominator,rate,status,rule,k,cube_version');
    expect(lines).toHaveLength(json.body.indicators[0].cells.length + 1);
    const geo = await request(t.server)
      .post('/v1/extracts')
      .set('Authorization', `Bearer ${await idp.token(ANALYST)}`)
      .set('Accept', 'application/geo+json')
      .send(body);
    expect(geo.status).toBe(201);
    expect(geo.headers['content-type']).toContain('application/geo+json');
    const collection = JSON.parse(geo.text);
    expect(collection.type).toBe('FeatureCollection');
    expect(collection.features.map((f: { id: string }) => f.id).sort()).toEqual(
      json.body.indicators[0].cells.map((c: { unit: string }) => c.unit).sort(),
    );
    expect(collection.features.every((f: { geometry: unknown }) => f.geometry !== null)).toBe(true);
    expectContract(geo, 'post', '/v1/extracts');
    const xml = await request(t.server).post('/v1/extracts').set('Authorization', `Bearer ${await idp.token(ANALYST)}`).set('Accept', 'application/xml').send(body);
    expect(xml.status).toBe(406);
    expectContract(xml, 'post', '/v1/extracts');
  });

  it('refuses what the purpose does not allow, saying what is missing', async () => {
    const notCarried = await extract({ purpose: 'schuldpreventie', indicators: ['schuldhulp-per-100-volwassenen'], level: 'buurt' });
    expect(notCarried.status).toBe(403);
    expect(notCarried.body.detail).toMatch(/schuldpreventie/);
    const tooFine = await extract({ purpose: 'wijkaanpak', indicators: ['uitkeringen-per-100-volwassenen'], level: 'pc6' });
    expect(tooFine.status).toBe(403);
    expect(tooFine.body.detail).toMatch(/finer|level/);
    const incidents = await extract({ purpose: 'wijkaanpak', indicators: ['incidenten'], level: 'street' });
    expect(incidents.status).toBe(403);
    expectContract(incidents, 'post', '/v1/extracts');
    const partnerStyle = await extract({ purpose: 'wijkaanpak', indicators: ['uitkeringen-per-100-volwassenen'], level: 'street' }, { ...ANALYST, roles: ['privacy-officer'] });
    expect(partnerStyle.status).toBe(403);
  });

  it('lists every problem of a bad request at once', async () => {
    const response = await extract({ purpose: '', indicators: ['nope'], level: 'house', colour: 'red' });
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/colour', '/indicators/0', '/level', '/purpose']);
    expectContract(response, 'post', '/v1/extracts');
  });

  it('audits each extract with the cubes served and its suppression summary', async () => {
    await extract({ purpose: 'wijkaanpak', indicators: ['uitkeringen-per-100-volwassenen'], level: 'buurt', area: 'WK003451' });
    await t.app.get(AuditSequencer).flush();
    const events = await t.app.get(AuditRepository).search({ type: 'extract.requested', actor: ANALYST.sub }, -1, 100);
    const last = events.at(-1)!;
    expect(last).toMatchObject({
      purpose: 'wijkaanpak',
      details: { cubes: [expect.objectContaining({ indicator: 'uitkeringen-per-100-volwassenen' })], suppression: expect.objectContaining({ published: expect.any(Number) }) },
    });
  });

  it('protects amounts with the p% rule: no published total is dominated by one or two households', async () => {
    const response = await extract({ purpose: 'wijkaanpak', indicators: ['huurachterstand-bedrag'], level: 'street', area: 'WK003451' });
    expect(response.status).toBe(201);
    expectContract(response, 'post', '/v1/extracts');
    const [indicator] = response.body.indicators;
    expect(indicator).toMatchObject({ unit: 'euro', released: true });
    const truth = new Map((await t.app.get(CubeService).aggregate(t.app.get(IndicatorCatalogue).get('huurachterstand-bedrag')!)).map((r) => [r.code, r]));
    const cells = indicator.cells as { unit: string; value: number | null; status: string; rule: string | null }[];
    const published = cells.filter((c) => c.status === 'published' && c.value! > 0);
    expect(published.length).toBeGreaterThan(0);
    for (const cell of published) {
      const row = truth.get(cell.unit)!;
      expect(cell.value).toBe(row.n);
      const [largest = 0, second = 0] = row.top ?? [];
      expect(row.contributors).toBeGreaterThanOrEqual(3);
      expect(row.n - largest - second).toBeGreaterThan(0.1 * largest);
    }
    // Streets with one or two households in arrears are hidden under a rule that says only "dominance".
    const few = cells.filter((c) => (truth.get(c.unit)!.contributors ?? 0) > 0 && (truth.get(c.unit)!.contributors ?? 0) < 3);
    expect(few.length).toBeGreaterThan(0);
    for (const cell of few) expect(cell).toMatchObject({ value: null, status: 'primary', rule: 'dominance' });
  });

  it('builds one cube per period: an earlier month is its own cube, a period without data is 404', async () => {
    // The month before: the same people, a third fewer of them on benefits.
    const sink = new MemorySink(['bevolking.csv', 'uitkeringen.csv']);
    generateCity(CITY, sink);
    const files = {
      bevolking: sink.text('bevolking.csv'),
      uitkeringen: sink.text('uitkeringen.csv').split('\n').filter((line, n) => n === 0 || n % 3 !== 0).join('\n'),
    };
    for (const [dataset, organisation] of [['bevolking', 'cbs'], ['uitkeringen', 'sozawe']] as const) {
      const client = t.app.get(PolicyStore).policies.clients.find((c) => c.organisation === organisation && c.roles.includes('partner'))!;
      await t.app.get(IngestionService).upload(
        { kind: 'client', id: client.id, organisation, roles: client.roles, purposes: [], tokenId: `test-${dataset}` },
        { dataset, period: '2025-11', contentType: 'text/csv; charset=utf-8', idempotencyKey: `earlier-${dataset}`, body: Readable.from([Buffer.from(files[dataset])]) },
      );
    }
    const catalogue = await request(t.server).get('/v1/indicators').set('Authorization', `Bearer ${await idp.token(ANALYST)}`);
    expectContract(catalogue, 'get', '/v1/indicators');
    expect(catalogue.body.indicators.find((i: { id: string }) => i.id === 'uitkeringen-per-100-volwassenen').periods).toEqual(['2025-11', '2025-12']);

    const body = { purpose: 'wijkaanpak', indicators: ['uitkeringen-per-100-volwassenen'], level: 'buurt', area: 'WK003451' };
    const latest = await extract(body);
    const earlier = await extract({ ...body, period: '2025-11' });
    expect(earlier.status).toBe(201);
    expect(earlier.body.indicators[0].cube.period).toBe('2025-11');
    expect(latest.body.indicators[0].cube.period).toBe('2025-12');
    expect(earlier.body.indicators[0].cube.id).not.toBe(latest.body.indicators[0].cube.id);
    expect(earlier.body.indicators[0].cells).not.toEqual(latest.body.indicators[0].cells);

    const missing = await extract({ ...body, period: '2024-06' });
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
    const malformed = await extract({ ...body, period: 'last month' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/period']);
  });

  it('breaks a buurt down by age band, the bands adding up to its total, protected with it as one cube', async () => {
    const catalogue = await request(t.server).get('/v1/indicators').set('Authorization', `Bearer ${await idp.token(ANALYST)}`);
    const listed = catalogue.body.indicators.find((i: { id: string }) => i.id === 'uitkeringen-per-100-volwassenen');
    expect(listed.breakdown).toMatchObject({ id: 'leeftijd', finestLevel: 'buurt' });
    const bands = listed.breakdown.categories.map((c: { id: string }) => c.id);
    expect(bands).toHaveLength(3);

    const response = await extract({ purpose: 'wijkaanpak', indicators: ['uitkeringen-per-100-volwassenen'], level: 'buurt', area: 'WK003451' });
    expect(response.status).toBe(201);
    expectContract(response, 'post', '/v1/extracts');
    const cells = response.body.indicators[0].cells as { unit: string; category: string | null; value: number | null; denominator: number | null; status: string }[];
    const buurten = [...new Set(cells.map((c) => c.unit))];
    expect(buurten.length).toBeGreaterThan(3);
    let checked = 0;
    for (const buurt of buurten) {
      const total = cells.find((c) => c.unit === buurt && c.category === null)!;
      const parts = cells.filter((c) => c.unit === buurt && c.category !== null);
      expect(parts.map((c) => c.category).sort()).toEqual([...bands].sort());
      if (total.value === null || parts.some((c) => c.value === null)) continue;
      expect(parts.reduce((sum, c) => sum + c.value!, 0)).toBe(total.value);
      expect(parts.reduce((sum, c) => sum + c.denominator!, 0)).toBe(total.denominator);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
    // A band under k is hidden, and never alone: with its buurt's total published, a second band goes too.
    const loneHidden = buurten.filter((buurt) => {
      const total = cells.find((c) => c.unit === buurt && c.category === null)!;
      return total.value !== null && cells.filter((c) => c.unit === buurt && c.category !== null && c.value === null).length === 1;
    });
    expect(loneHidden).toEqual([]);
    // Streets carry no bands (finest level buurt).
    const streets = await extract({ purpose: 'wijkaanpak', indicators: ['uitkeringen-per-100-volwassenen'], level: 'street', area: 'BU00345104' });
    expect(streets.body.indicators[0].cells.every((c: { category: string | null }) => c.category === null)).toBe(true);
  });
});
