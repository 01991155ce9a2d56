import { describe, expect, it } from '@jest/globals';
import { isValidBsn } from '../synthetic/bsn.js';
import { parseAddressCsv } from './address-csv.parser.js';
import { parseCbsGeoJson } from './cbs-geojson.parser.js';
import { rdToWgs84 } from './geometry.js';

describe('importer helpers', () => {
  it('converts RD New to WGS84 (Amersfoort base point and the Almere stadhuis area)', () => {
    expect(rdToWgs84(155000, 463000)).toEqual([5.387206, 52.155174]);
    const [lon, lat] = rdToWgs84(146000, 487000);
    expect(lon).toBeCloseTo(5.2575, 2);
    expect(lat).toBeCloseTo(52.371, 2);
  });

  it('checks the elfproef', () => {
    expect(isValidBsn('111222333')).toBe(true);
    expect(isValidBsn('123456782')).toBe(true);
    expect(isValidBsn('123456781')).toBe(false);
    expect(isValidBsn('12345678')).toBe(false);
  });

  it('derives parents from PDOK statcodes and refuses a wijkcode that contradicts the code', () => {
    const ok = parseCbsGeoJson(
      JSON.stringify({
        type: 'FeatureCollection',
        features: [{ type: 'Feature', properties: { statcode: 'BU00345104', statnaam: 'West', gemeentenaam: 'Almere' }, geometry: null }],
      }),
    );
    expect(ok.issues).toEqual([]);
    expect(ok.units.map((u) => [u.code, u.parents])).toEqual([
      ['BU00345104', { gemeente: 'GM0034', wijk: 'WK003451' }],
      ['GM0034', {}],
    ]);
    const bad = parseCbsGeoJson(
      JSON.stringify({
        type: 'FeatureCollection',
        features: [{ type: 'Feature', properties: { buurtcode: 'BU00345104', buurtnaam: 'West', wijkcode: 'WK003452' }, geometry: null }],
      }),
    );
    expect(bad.issues).toEqual([{ location: 'feature 1 (BU00345104)', message: 'wijkcode WK003452 does not contain BU00345104' }]);
  });

  it('reads comma-separated files with quoted fields and refuses a header without coordinates', () => {
    const parsed = parseAddressCsv('postcode,huisnummer,straatnaam,buurtcode,lat,lon\n1312AB,1,"Plein, Oost",BU00345104,52.37,5.2\n');
    expect(parsed.addresses[0]).toMatchObject({ street: 'Plein, Oost', toevoeging: '', position: [5.2, 52.37] });
    expect(parseAddressCsv('postcode;huisnummer;straatnaam;buurtcode\n').issues).toEqual([
      { location: 'line 1', message: 'header lacks lat and lon, or x and y' },
    ]);
  });
});
