import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { projectRoot } from '../../src/common/project-root.js';
import { openDatabase } from '../../src/database/data-source.factory.js';
import { Database } from '../../src/database/database.js';
import { GeographyRepository } from '../../src/geography/geography.repository.js';
import { GeographyImportRejected, GeographyImporter } from '../../src/geography/importers/geography-importer.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const ALMERE = path.resolve(projectRoot(), '..', 'shared', 'data', 'almere');
const haveAlmere = existsSync(path.join(ALMERE, 'almere_buurten_2025.geojson'));
if (!haveAlmere) {
  process.stderr.write(`SKIPPING the real Almere import test: ${ALMERE} is not present in this checkout\n`);
}

async function rejection(work: Promise<unknown>): Promise<GeographyImportRejected> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GeographyImportRejected);
  return error as GeographyImportRejected;
}

describe('geography import', () => {
  let testDb: TestDatabase;
  let db: Database;
  let importer: GeographyImporter;
  const count = async (level: string, year = 2025): Promise<number> =>
    (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM geo_unit WHERE level = $1 AND year = $2', [level, year]))[0]!.n;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = new Database(await openDatabase(testDb.config));
    importer = new GeographyImporter(new GeographyRepository(db));
  });
  afterAll(async () => {
    await db.close();
    await testDb.drop();
  });

  // CI always has ../shared/data/almere, so there the test runs (and fails loudly if the files went missing).
  const withAlmere = haveAlmere || process.env.CI ? describe : describe.skip;
  withAlmere('with the real Almere files', () => {
    it('imports the real Almere CBS layers: 71 wijken and 238 buurten with their names', async () => {
      const wijken = await importer.importCbsGeoJson(readFileSync(path.join(ALMERE, 'almere_wijken_2025.geojson'), 'utf8'), 2025);
      expect(wijken.units).toEqual({ gemeente: 1, wijk: 71 });
      const buurten = await importer.importCbsGeoJson(readFileSync(path.join(ALMERE, 'almere_buurten_2025.geojson'), 'utf8'), 2025);
      expect(buurten.units.buurt).toBe(238);
      expect(await count('wijk')).toBe(71);
      expect(await count('buurt')).toBe(238);
      const [west] = await db.query<{ name: string; wijk_code: string; geometry: unknown; centroid_lon: number }>(
        `SELECT name, wijk_code, geometry, centroid_lon FROM geo_unit WHERE year = 2025 AND code = 'BU00345104'`,
      );
      expect(west).toMatchObject({ name: 'Eilandenbuurt West', wijk_code: 'WK003451' });
      expect(west!.centroid_lon).toBeCloseTo(5.3015, 2);
      const [wijk] = await db.query<{ name: string; geometry: { type: string } }>(
        `SELECT name, geometry FROM geo_unit WHERE year = 2025 AND code = 'WK003451'`,
      );
      // The buurten layer names its wijk but must not wipe the wijk's own outline.
      expect(wijk).toMatchObject({ name: 'Eilandenbuurt', geometry: { type: 'Polygon' } });
    });
  });

  it('refuses a bad CBS file, reporting every bad feature, and changes nothing', async () => {
    const before = await db.query('SELECT year, code, name FROM geo_unit ORDER BY year, code');
    const bad = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { statcode: 'BU00349901', statnaam: 'Fine' }, geometry: null },
        { type: 'Feature', properties: { statcode: 'XX123', statnaam: 'Bad code' }, geometry: null },
        { type: 'Feature', properties: { statcode: 'BU00349902' }, geometry: null },
        { type: 'Feature', properties: { statcode: 'BU00349903', statnaam: 'Bad shape' }, geometry: { type: 'Point', coordinates: [5, 52] } },
      ],
    };
    const error = await rejection(importer.importCbsGeoJson(JSON.stringify(bad), 2025));
    expect(error.issues.map((i) => i.location)).toEqual(['feature 2', 'feature 3 (BU00349902)', 'feature 4 (BU00349903)']);
    // A buurt whose wijk is neither in the file nor stored is refused too, after the database check.
    const orphan = await rejection(
      importer.importCbsGeoJson(JSON.stringify({ type: 'FeatureCollection', features: [bad.features[0]] }), 2025),
    );
    expect(orphan.issues[0]!.message).toContain('WK003499');
    expect(await db.query('SELECT year, code, name FROM geo_unit ORDER BY year, code')).toEqual(before);
  });

  it('imports addresses into street and pc6 units and counts them at every level', async () => {
    await importer.importCbsGeoJson(
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties: { statcode: 'GM9999', statnaam: 'Proefdorp' }, geometry: null },
          { type: 'Feature', properties: { statcode: 'WK999901', statnaam: 'Wijk', gemeentecode: 'GM9999' }, geometry: null },
          { type: 'Feature', properties: { buurtcode: 'BU99990101', buurtnaam: 'Noord', wijkcode: 'WK999901' }, geometry: null },
          { type: 'Feature', properties: { buurtcode: 'BU99990102', buurtnaam: 'Zuid', wijkcode: 'WK999901' }, geometry: null },
        ],
      }),
      2024,
    );
    const csv = [
      'postcode;huisnummer;toevoeging;straatnaam;buurtcode;x;y',
      '1312 ab;1;;Texelstraat;BU99990101;146000;488000',
      '1312AB;3;A;Texelstraat;BU99990101;146010;488000',
      '1312AB;5;;Vlielandstraat;BU99990101;146020;488000',
      '1312AC;7;;Texelstraat;BU99990102;146030;488000',
    ].join('\n');
    const report = await importer.importAddresses(csv, 2024);
    expect(report).toMatchObject({ addresses: 4, units: { street: 3, pc6: 3 } });
    const units = await db.query<{ code: string; address_count: number }>(
      'SELECT code, address_count FROM geo_unit WHERE year = 2024 ORDER BY code',
    );
    expect(units).toEqual([
      { code: '1312AB@Texelstraat@BU99990101', address_count: 2 },
      { code: '1312AB@Vlielandstraat@BU99990101', address_count: 1 },
      { code: '1312AC@Texelstraat@BU99990102', address_count: 1 },
      { code: 'BU99990101', address_count: 3 },
      { code: 'BU99990102', address_count: 1 },
      { code: 'GM9999', address_count: 4 },
      { code: 'Texelstraat@BU99990101', address_count: 2 },
      { code: 'Texelstraat@BU99990102', address_count: 1 },
      { code: 'Vlielandstraat@BU99990101', address_count: 1 },
      { code: 'WK999901', address_count: 4 },
    ]);
    const [located] = await db.query<{ pc6_unit: string; lat: number }>(
      `SELECT pc6_unit, lat FROM geo_address WHERE year = 2024 AND postcode = '1312AB' AND huisnummer = 3 AND toevoeging = 'A'`,
    );
    expect(located!.pc6_unit).toBe('1312AB@Texelstraat@BU99990101');
    expect(located!.lat).toBeGreaterThan(52.3);
    expect(located!.lat).toBeLessThan(52.45);
  });

  it('refuses a bad address file, reporting every bad line, and changes nothing', async () => {
    const before = await db.query('SELECT * FROM geo_address ORDER BY year, postcode, huisnummer, toevoeging');
    const csv = [
      'postcode;huisnummer;toevoeging;straatnaam;buurtcode;lat;lon',
      '1312AB;1;;Texelstraat;BU99990101;52.37;5.2',
      '13AB;1;;Texelstraat;BU99990101;52.37;5.2',
      '1312AB;0;;Texelstraat;BU99990101;52.37;5.2',
      '1312AB;2;;;BU99990101;52.37;5.2',
      '1312AB;1;;Texelstraat;BU99990101;52.37;5.2',
      '1312AB;4;;Texelstraat;BU1;40;5.2',
    ].join('\n');
    const error = await rejection(importer.importAddresses(csv, 2024));
    expect(error.issues.map((i) => i.location)).toEqual(['line 3', 'line 4', 'line 5', 'line 6', 'line 7']);
    expect(error.issues[3]!.message).toContain('line 2');
    expect(error.issues[4]!.message).toMatch(/buurtcode.*lat\/lon/);
    // Well-formed but in a buurt that does not exist for the year: refused after the database check.
    const unknown = await rejection(importer.importAddresses('postcode;huisnummer;straatnaam;buurtcode;lat;lon\n1312AB;1;A;BU12345678;52.37;5.2', 2024));
    expect(unknown.issues).toEqual([{ location: 'line 2', message: 'buurtcode BU12345678 is not a buurt of this year' }]);
    expect(await db.query('SELECT * FROM geo_address ORDER BY year, postcode, huisnummer, toevoeging')).toEqual(before);
  });
});
