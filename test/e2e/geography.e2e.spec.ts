import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { DemoSeeder } from '../../src/geography/demo-seeder.js';
import { expectContract } from '../support/contract.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const LIST = '/v1/geography/{level}';
const UNIT = '/v1/geography/units/{code}';

describe('geography over HTTP (a small synthetic city, seeded through the importer)', () => {
  let t: TestApp;
  let seeded: boolean;
  beforeAll(async () => {
    t = await startTestApp();
    seeded = await t.app.get(DemoSeeder).seedIfEmpty({ seed: 3, scale: 0.1, wijken: ['WK003450', 'WK003451'] });
  });
  afterAll(async () => {
    await t.close();
  });

  it('seeds a city only into an empty geography (the demo is off in tests)', async () => {
    expect(seeded).toBe(true);
    expect(await t.app.get(DemoSeeder).seedIfEmpty({ seed: 3, scale: 0.1, wijken: ['WK003401'] })).toBe(false);
    const wijken = await request(t.server).get('/v1/geography/wijk');
    expect(wijken.body.units.map((u: { code: string }) => u.code)).toEqual(['WK003450', 'WK003451']);
  });

  it('lists buurten within a wijk as JSON, without a token, each with its parents and address count', async () => {
    const response = await request(t.server).get('/v1/geography/buurt?within=WK003451&year=2025');
    expect(response.status).toBe(200);
    expectContract(response, 'get', LIST);
    expect(response.body.units.map((u: { code: string }) => u.code)).toEqual([
      'BU00345101',
      'BU00345102',
      'BU00345103',
      'BU00345104',
      'BU00345105',
    ]);
    const west = response.body.units[3];
    expect(west).toMatchObject({ name: 'Eilandenbuurt West', level: 'buurt', parents: { gemeente: 'GM0034', wijk: 'WK003451' } });
    expect(west.addressCount).toBeGreaterThan(20);
  });

  it('lists street units and pc6 units that nest in the area asked for, counts adding up', async () => {
    const buurt = await request(t.server).get('/v1/geography/units/BU00345104');
    expectContract(buurt, 'get', UNIT);
    const streets = await request(t.server).get('/v1/geography/street').query({ within: 'BU00345104' });
    expect(streets.status).toBe(200);
    expectContract(streets, 'get', LIST);
    expect(streets.body.units.length).toBeGreaterThanOrEqual(3);
    for (const unit of streets.body.units) expect(unit.code).toMatch(/^[^@]+@BU00345104$/);
    const total = streets.body.units.reduce((s: number, u: { addressCount: number }) => s + u.addressCount, 0);
    expect(total).toBe(buurt.body.addressCount);

    const street = streets.body.units[0].code as string;
    const pc6 = await request(t.server).get('/v1/geography/pc6').query({ within: street });
    expectContract(pc6, 'get', LIST);
    expect(pc6.body.units.length).toBeGreaterThan(0);
    for (const unit of pc6.body.units) {
      expect(unit.code).toBe(`${unit.name}@${street}`);
      expect(unit.parents).toEqual({ gemeente: 'GM0034', wijk: 'WK003451', buurt: 'BU00345104', street });
    }
    const one = await request(t.server).get(`/v1/geography/units/${encodeURIComponent(street)}`);
    expect(one.status).toBe(200);
    expectContract(one, 'get', UNIT);
    expect(one.body).toMatchObject({ code: street, level: 'street', geometry: { type: 'Polygon' } });
  });

  it('answers GeoJSON in WGS84 by Accept header and by ?format=geojson', async () => {
    const byAccept = await request(t.server).get('/v1/geography/buurt?within=WK003451').set('Accept', 'application/geo+json');
    expect(byAccept.status).toBe(200);
    expect(byAccept.headers['content-type']).toMatch(/^application\/geo\+json/);
    expectContract(byAccept, 'get', LIST);
    expect(byAccept.body.type).toBe('FeatureCollection');
    expect(byAccept.body.features).toHaveLength(5);
    const [lon, lat] = byAccept.body.features[0].geometry.coordinates[0][0];
    expect(lon).toBeGreaterThan(5.1);
    expect(lon).toBeLessThan(5.4);
    expect(lat).toBeGreaterThan(52.3);
    expect(lat).toBeLessThan(52.5);

    const byFormat = await request(t.server).get('/v1/geography/wijk?format=geojson');
    expectContract(byFormat, 'get', LIST);
    expect(byFormat.body.features.map((f: { id: string }) => f.id)).toEqual(['WK003450', 'WK003451']);
    const feature = await request(t.server).get('/v1/geography/units/WK003451').set('Accept', 'application/geo+json');
    expectContract(feature, 'get', UNIT);
    expect(feature.body).toMatchObject({ type: 'Feature', id: 'WK003451', properties: { level: 'wijk' } });
  });

  it('answers an unknown level, area, year and format with one problem listing every bad parameter', async () => {
    const response = await request(t.server).get('/v1/geography/district?within=WK999999&year=20x5&format=kml');
    expect(response.status).toBe(400);
    expectContract(response, 'get', LIST);
    expect(response.body.type).toBe('urn:straatkubus:problem:validation-error');
    expect(response.body.errors.map((e: { parameter: string }) => e.parameter).sort()).toEqual(['format', 'level', 'year']);

    const area = await request(t.server).get('/v1/geography/buurt?within=WK999999');
    expect(area.status).toBe(400);
    expectContract(area, 'get', LIST);
    expect(area.body.errors).toEqual([expect.objectContaining({ parameter: 'within', code: 'unknown-area' })]);
    const coarser = await request(t.server).get('/v1/geography/wijk?within=BU00345104');
    expect(coarser.body.errors).toEqual([expect.objectContaining({ parameter: 'within', code: 'not-coarser' })]);

    const missing = await request(t.server).get('/v1/geography/units/BU99999999');
    expect(missing.status).toBe(404);
    expectContract(missing, 'get', UNIT);
    const unacceptable = await request(t.server).get('/v1/geography/wijk').set('Accept', 'text/csv');
    expect(unacceptable.status).toBe(406);
    expectContract(unacceptable, 'get', LIST);
  });

  it('never publishes addresses', async () => {
    const response = await request(t.server).get('/v1/geography/pc6?within=WK003451&format=geojson');
    expect(response.status).toBe(200);
    expect(response.text).not.toMatch(/huisnummer|toevoeging/);
  });
});
