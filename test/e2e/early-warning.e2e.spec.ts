import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { DemoCityService } from '../../src/demo/demo-city.service.js';
import { DemoSeeder } from '../../src/geography/demo-seeder.js';
import { generateCity } from '../../src/geography/synthetic/city-generator.js';
import { MemorySink } from '../../src/geography/synthetic/city-sink.js';
import { CubeService } from '../../src/indicators/cube.service.js';
import { IndicatorCatalogue } from '../../src/indicators/indicator-catalogue.js';
import { IngestionService } from '../../src/ingestion/ingestion.service.js';
import { PolicyStore } from '../../src/policies/policy-store.js';
import { SignalsService } from '../../src/signals/signals.service.js';
import { expectContract } from '../support/contract.js';
import { FakeIdentityProvider } from '../support/tokens.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const WIJKEN = ['WK003451', 'WK003450'];
const ANALYST = { sub: 'emp-os', org: 'gemeente-almere', roles: ['analyst'], purposes: ['wijkaanpak', 'monitoring'] };

interface Flag {
  unit: string;
  rate: number;
  buurt: { qValue: number; direction: string; referenceRate: number | null; ratio: number } | null;
  wijk: { qValue: number; direction: string; referenceRate: number | null; ratio: number } | null;
}

describe('early warning', () => {
  let idp: FakeIdentityProvider;
  beforeAll(async () => {
    idp = await new FakeIdentityProvider().start();
  });
  afterAll(async () => {
    await idp.stop();
  });

  it('finds the planted streets over several seeds, with few false alarms elsewhere', async () => {
    const figures = [];
    for (const seed of [1, 2, 3]) {
      const t = await startTestApp(idp.env);
      try {
        const city = { seed, scale: 1, wijken: WIJKEN };
        await t.app.get(DemoSeeder).seedIfEmpty(city);
        await t.app.get(DemoCityService).loadPartnerFiles(city);
        const { truth } = generateCity({ ...city, people: false }, new MemorySink([]));
        const cases = [
          { indicator: 'uitkeringen-per-100-volwassenen', planted: truth.planted.find((p) => p.id === 'benefits-and-rent-arrears')!.streetUnits },
          { indicator: 'alleenstaande-65-plus-laag-inkomen', planted: truth.planted.find((p) => p.id === 'elderly-alone-low-income')!.streetUnits },
        ];
        for (const { indicator, planted } of cases) {
          const response = await request(t.server)
            .get('/v1/early-warning')
            .query({ purpose: 'wijkaanpak', indicator, level: 'street' })
            .set('Authorization', `Bearer ${await idp.token(ANALYST)}`);
          expect(response.status).toBe(200);
          expectContract(response, 'get', '/v1/early-warning');
          const flagged = (response.body.flagged as Flag[]).filter((f) => (f.buurt ?? f.wijk)?.direction === 'higher');
          const hits = flagged.filter((f) => planted.includes(f.unit));
          figures.push({ seed, indicator, planted: planted.length, flagged: flagged.length, hits: hits.length, tested: response.body.tested });
          // Each flag says how far off it is, against what, and how sure.
          for (const f of hits) expect(f.rate).toBeGreaterThan((f.buurt ?? f.wijk)!.referenceRate!);
        }
      } finally {
        await t.close();
      }
    }
    const planted = figures.reduce((s, f) => s + f.planted, 0);
    const hits = figures.reduce((s, f) => s + f.hits, 0);
    const flagged = figures.reduce((s, f) => s + f.flagged, 0);
    const tested = figures.reduce((s, f) => s + f.tested, 0);
    const recall = hits / planted;
    const falseAlarms = flagged - hits;
    process.stdout.write(`early-warning figures: ${JSON.stringify({ recall, precision: hits / Math.max(1, flagged), falseAlarms, tested, figures })}\n`);
    expect(recall).toBeGreaterThanOrEqual(0.75);
    // False discoveries are controlled at 5%: over ~hundreds of streets tested, a handful at most.
    expect(falseAlarms / tested).toBeLessThan(0.02);
    expect(hits / flagged).toBeGreaterThanOrEqual(0.5);
  }, 240_000);

  describe('on one city', () => {
    let t: TestApp;
    let hidden: string;
    const token = (who = ANALYST) => idp.token(who);

    beforeAll(async () => {
      t = await startTestApp(idp.env);
      const city = { seed: 1, scale: 1, wijken: WIJKEN };
      await t.app.get(DemoSeeder).seedIfEmpty(city);
      // Plant a street far above its buurt but below the threshold: nine adults on benefits in a
      // street of 15 to 36 adults (25% or more against ~15%). Nine is under k, so the street is
      // suppressed — and must never be flagged.
      const sink = new MemorySink(['bevolking.csv', 'uitkeringen.csv']);
      generateCity(city, sink);
      const adults = new Map<string, string[]>();
      const addresses = await t.database.query<{ postcode: string; huisnummer: number; toevoeging: string; pc6_unit: string }>(
        'SELECT postcode, huisnummer, toevoeging, street_unit AS pc6_unit FROM geo_address',
      );
      const streetAt = new Map(addresses.map((a) => [`${a.postcode} ${a.huisnummer} ${a.toevoeging}`, a.pc6_unit]));
      const counted = ['participatiewet', 'ww', 'wia', 'wajong', 'ioaw', 'ioaz'];
      const recipients = new Set(sink.text('uitkeringen.csv').split('\n').filter((l) => counted.includes(l.split(';')[1] ?? '')).map((l) => l.split(';')[0]));
      for (const line of sink.text('bevolking.csv').split('\n').slice(1)) {
        const [bsn, postcode, huisnummer, toevoeging, born] = line.split(';');
        const street = streetAt.get(`${postcode} ${huisnummer} ${(toevoeging ?? '').toUpperCase()}`);
        if (!bsn || !street || Number(born) < 1958 || Number(born) > 2007) continue;
        adults.set(street, [...(adults.get(street) ?? []), bsn]);
      }
      const already = (p: string[]): number => p.filter((bsn) => recipients.has(bsn)).length;
      const [street, people] = [...adults].filter(([, p]) => p.length >= 15 && p.length <= 36).sort((a, b) => already(a[1]) - already(b[1]))[0]!;
      hidden = street;
      const extra = people.filter((bsn) => !recipients.has(bsn)).slice(0, 9 - already(people)).map((bsn) => `${bsn};participatiewet`).join('\n');
      const uitkeringen = `${sink.text('uitkeringen.csv').trimEnd()}\n${extra}\n`;
      const dedup = [...new Map(uitkeringen.split('\n').filter(Boolean).map((l) => [l.split(';')[0], l])).values()].join('\n');
      const loader = t.app.get(DemoCityService);
      await loader.loadPartnerFiles(city);
      const sozawe = t.app.get(PolicyStore).policies.clients.find((c) => c.organisation === 'sozawe' && c.roles.includes('partner'))!;
      await t.app.get(IngestionService).upload(
        { kind: 'client', id: sozawe.id, organisation: 'sozawe', roles: sozawe.roles, purposes: [], tokenId: 'test-planted' },
        { dataset: 'uitkeringen', period: '2025-12', contentType: 'text/csv; charset=utf-8', idempotencyKey: 'planted-hidden-street', body: Readable.from([Buffer.from(`${dedup}\n`)]) },
      );
    }, 120_000);
    afterAll(async () => {
      await t.close();
    });

    it('never flags, ranks or describes a unit whose count is suppressed, however far off it is', async () => {
      const spec = t.app.get(IndicatorCatalogue).get('uitkeringen-per-100-volwassenen')!;
      const truth = (await t.app.get(CubeService).aggregate(spec)).find((r) => r.code === hidden)!;
      expect(truth.n).toBe(9);
      expect(truth.n / truth.d).toBeGreaterThan(0.25); // far above any buurt of the synthetic city
      const cube = await t.app.get(CubeService).cube(spec);
      expect(cube.cells.find((c) => c.unit === hidden)).toMatchObject({ value: null, status: 'primary' });

      for (const level of ['street']) {
        for (const accept of ['application/json', 'application/geo+json']) {
          const response = await request(t.server)
            .get('/v1/early-warning')
            .query({ purpose: 'wijkaanpak', indicator: spec.id, level, alpha: 0.2 })
            .set('Accept', accept)
            .set('Authorization', `Bearer ${await token()}`);
          expect(response.status).toBe(200);
          expect(response.text).not.toContain(hidden);
          const body = accept === 'application/json' ? response.body : JSON.parse(response.text).earlyWarning;
          expect(body.suppressed).toBeGreaterThan(0);
        }
      }
      const profile = await request(t.server)
        .get(`/v1/early-warning/streets/${encodeURIComponent(hidden)}/profile`)
        .query({ purpose: 'wijkaanpak' })
        .set('Authorization', `Bearer ${await token()}`);
      expect(profile.status).toBe(200);
      expectContract(profile, 'get', '/v1/early-warning/streets/{unit}/profile');
      const entry = profile.body.indicators.find((i: { id: string }) => i.id === spec.id);
      expect(entry).toEqual({ id: spec.id, title: spec.title, unit: spec.unit, period: '2025-12', status: 'suppressed', warning: null, buurtRate: null, wijkRate: null });
    });

    it('profiles a street across the indicators its purpose allows, each against buurt and wijk', async () => {
      const planted = 'Tiengemetenlaan@BU00345104';
      const response = await request(t.server)
        .get(`/v1/early-warning/streets/${encodeURIComponent(planted)}/profile`)
        .query({ purpose: 'wijkaanpak' })
        .set('Authorization', `Bearer ${await token()}`);
      expect(response.status).toBe(200);
      expectContract(response, 'get', '/v1/early-warning/streets/{unit}/profile');
      expect(response.body).toMatchObject({ unit: planted, level: 'street', buurt: 'BU00345104', wijk: 'WK003451' });
      const benefits = response.body.indicators.find((i: { id: string }) => i.id === 'uitkeringen-per-100-volwassenen');
      expect(benefits.status).toBe('published');
      expect(benefits.warning.rate).toBeGreaterThan(benefits.buurtRate);
      expect(benefits.warning.buurt.direction).toBe('higher');
      expect(benefits.warning.shrunk.lower).toBeLessThanOrEqual(benefits.warning.shrunk.rate);
      const statuses = new Set(response.body.indicators.map((i: { status: string }) => i.status));
      expect([...statuses].every((s) => ['published', 'suppressed', 'not-allowed', 'no-data', 'not-testable'].includes(s as string))).toBe(true);
      // An amount in euro is listed but not tested: euros are no events.
      expect(response.body.indicators.find((i: { id: string }) => i.id === 'huurachterstand-bedrag')).toMatchObject({ status: 'not-testable', warning: null, buurtRate: null });

      const geo = await request(t.server)
        .get(`/v1/early-warning/streets/${encodeURIComponent(planted)}/profile`)
        .query({ purpose: 'wijkaanpak' })
        .set('Accept', 'application/geo+json')
        .set('Authorization', `Bearer ${await token()}`);
      expect(geo.status).toBe(200);
      expect(geo.headers['content-type']).toMatch(/application\/geo\+json/);
      expect(JSON.parse(geo.text).features[0].id).toBe(planted);
    });

    it('shows near-time signals per week, protected as one cube, only for the categories the purpose may read', async () => {
      const police = t.app.get(PolicyStore).policies.clients.find((c) => c.id === 'politie-signalen')!;
      const principal = { kind: 'client' as const, id: police.id, organisation: police.organisation, roles: police.roles, purposes: [], tokenId: 'test-signals' };
      const addresses = await t.database.query<{ postcode: string; huisnummer: number; buurt_code: string }>(
        "SELECT postcode, huisnummer, buurt_code FROM geo_address WHERE wijk_code = 'WK003451' AND toevoeging = '' ORDER BY postcode, huisnummer",
      );
      const inBuurt = addresses.find((a) => a.buurt_code === 'BU00345104')!;
      const elsewhere = addresses.find((a) => a.buurt_code !== 'BU00345104')!;
      const observedAt = new Date(Date.now() - 60_000).toISOString();
      const report = (category: string, at: { postcode: string; huisnummer: number }, times: number) =>
        Promise.all(Array.from({ length: times }, () => t.app.get(SignalsService).report(principal, { category, observedAt, location: { postcode: at.postcode, huisnummer: at.huisnummer } })));
      await report('vernieling', inBuurt, 12);
      await report('vernieling', elsewhere, 3);
      await report('huiselijke-onrust', inBuurt, 12);

      const warn = async (area: string) => {
        const response = await request(t.server)
          .get('/v1/early-warning')
          .query({ purpose: 'wijkaanpak', indicator: 'uitkeringen-per-100-volwassenen', area })
          .set('Authorization', `Bearer ${await token()}`);
        expect(response.status).toBe(200);
        expectContract(response, 'get', '/v1/early-warning');
        return response.body.signals as { area: string; weeks: string[]; categories: { id: string; total: { value: number | null; status: string }; weeks: { value: number | null }[] }[] };
      };
      const gemeente = await warn('GM0034');
      // Never a category the purpose may not read, whatever was reported.
      expect(gemeente.categories.map((c) => c.id)).not.toContain('huiselijke-onrust');
      expect(gemeente.categories.map((c) => c.id)).toContain('vernieling');
      expect(gemeente.weeks).toHaveLength(8);
      expect(gemeente.categories.find((c) => c.id === 'vernieling')!.total).toMatchObject({ value: 15, status: 'published' });

      // The buurt with 3 is hidden, and so is the one with 12: published next to the wijk's 15 it would give the 3 away.
      const small = (await warn(elsewhere.buurt_code)).categories.find((c) => c.id === 'vernieling')!;
      const large = (await warn('BU00345104')).categories.find((c) => c.id === 'vernieling')!;
      const wijk = (await warn('WK003451')).categories.find((c) => c.id === 'vernieling')!;
      expect(small.total).toMatchObject({ value: null, status: 'primary' });
      expect(large.total.value === null || wijk.total.value === null).toBe(true);
      for (const series of [small, large, wijk]) {
        for (const cell of [series.total, ...series.weeks]) expect(cell.value === null || cell.value === 0 || cell.value >= 10).toBe(true);
      }
    });

    it('finds a street whose benefits rise month after month, and no street that stays as it was', async () => {
      // Three earlier months of the same city: the street's recipients come in one by one, a third at a
      // time; everybody else is as in December.
      const street = 'Tiengemetenlaan@BU00345104';
      const sink = new MemorySink(['bevolking.csv', 'uitkeringen.csv']);
      generateCity({ seed: 1, scale: 1, wijken: WIJKEN }, sink);
      const addresses = await t.database.query<{ postcode: string; huisnummer: number; toevoeging: string; street_unit: string }>(
        'SELECT postcode, huisnummer, toevoeging, street_unit FROM geo_address',
      );
      const streetAt = new Map(addresses.map((a) => [`${a.postcode} ${a.huisnummer} ${a.toevoeging}`, a.street_unit]));
      const living = new Set(
        sink
          .text('bevolking.csv')
          .split('\n')
          .slice(1)
          .map((line) => line.split(';'))
          .filter(([, postcode, huisnummer, toevoeging]) => streetAt.get(`${postcode} ${huisnummer} ${(toevoeging ?? '').toUpperCase()}`) === street)
          .map(([bsn]) => bsn),
      );
      const [header, ...lines] = sink.text('uitkeringen.csv').trimEnd().split('\n');
      const theirs = lines.filter((l) => living.has(l.split(';')[0]));
      expect(theirs.length).toBeGreaterThan(20);
      const clients = t.app.get(PolicyStore).policies.clients;
      const upload = async (dataset: string, organisation: string, period: string, text: string) => {
        const client = clients.find((c) => c.organisation === organisation && c.roles.includes('partner'))!;
        await t.app.get(IngestionService).upload(
          { kind: 'client', id: client.id, organisation, roles: client.roles, purposes: [], tokenId: `test-${dataset}-${period}` },
          { dataset, period, contentType: 'text/csv; charset=utf-8', idempotencyKey: `trend-${dataset}-${period}`, body: Readable.from([Buffer.from(text)]) },
        );
      };
      for (const [n, period] of ['2025-09', '2025-10', '2025-11'].entries()) {
        const kept = theirs.slice(0, Math.floor((theirs.length * n) / 3));
        const others = lines.filter((l) => !living.has(l.split(';')[0]));
        await upload('bevolking', 'cbs', period, sink.text('bevolking.csv'));
        await upload('uitkeringen', 'sozawe', period, `${[header, ...others, ...kept].join('\n')}\n`);
      }
      const response = await request(t.server)
        .get('/v1/early-warning')
        .query({ purpose: 'wijkaanpak', indicator: 'uitkeringen-per-100-volwassenen', area: 'WK003451' })
        .set('Authorization', `Bearer ${await token()}`);
      expect(response.status).toBe(200);
      expectContract(response, 'get', '/v1/early-warning');
      const trends = response.body.trends as { unit: string; direction: string; periods: string[]; series: { value: number }[] }[];
      expect(trends.map((tr) => [tr.unit, tr.direction])).toEqual([[street, 'rising']]);
      const [rising] = trends;
      expect(rising!.periods).toEqual(['2025-09', '2025-10', '2025-11', '2025-12']);
      expect(rising!.series.map((p) => p.value)).toEqual([...rising!.series.map((p) => p.value)].sort((a, b) => a - b));
    }, 120_000);

    it('binds the purpose, audits every answer and explains every bad request at once', async () => {
      const denied = await request(t.server)
        .get('/v1/early-warning')
        .query({ purpose: 'onderzoek-dat-niet-bestaat', indicator: 'uitkeringen-per-100-volwassenen' })
        .set('Authorization', `Bearer ${await token()}`);
      expect(denied.status).toBe(403);
      expect(denied.headers['content-type']).toMatch(/application\/problem\+json/);

      const bad = await request(t.server)
        .get('/v1/early-warning')
        .query({ indicator: 'nope', level: 'wijk', alpha: '2', extra: 'x' })
        .set('Authorization', `Bearer ${await token()}`);
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/alpha', '/extra', '/indicator', '/level', '/purpose']);

      const euros = await request(t.server)
        .get('/v1/early-warning')
        .query({ purpose: 'wijkaanpak', indicator: 'huurachterstand-bedrag' })
        .set('Authorization', `Bearer ${await token()}`);
      expect(euros.status).toBe(400);
      expect(euros.body.errors).toEqual([expect.objectContaining({ pointer: '/indicator', code: 'not-testable' })]);

      const csv = await request(t.server)
        .get('/v1/early-warning')
        .query({ purpose: 'wijkaanpak', indicator: 'uitkeringen-per-100-volwassenen' })
        .set('Accept', 'text/csv')
        .set('Authorization', `Bearer ${await token()}`);
      expect(csv.status).toBe(406);

      const ok = await request(t.server)
        .get('/v1/early-warning')
        .query({ purpose: 'wijkaanpak', indicator: 'uitkeringen-per-100-volwassenen', area: 'WK003451' })
        .set('Authorization', `Bearer ${await token()}`);
      expect(ok.status).toBe(200);
      const events = await t.database.query<{ type: string; purpose: string }>(
        "SELECT event->>'type' AS type, event->>'purpose' AS purpose FROM audit_queue UNION ALL SELECT event->>'type', event->>'purpose' FROM audit_log",
      );
      expect(events.filter((e) => e.type === 'early-warning.requested').length).toBeGreaterThan(0);
      expect(events.filter((e) => e.type === 'early-warning.profile').length).toBeGreaterThan(0);
    });
  });
});
