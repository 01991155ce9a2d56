import { describe, expect, it } from '@jest/globals';
import type { SignalCategory } from '../policies/policy-set.js';
import { locatePostcode, type Pc6Unit } from './signal-location.js';
import { parseDateTime, parseSignalReport } from './signal-report.js';

const NOW = new Date('2026-11-24T10:00:00Z');
const CATEGORIES: SignalCategory[] = [{ id: 'vernieling', title: 'Vernieling', domain: 'veiligheid' }];
const codes = (body: unknown) => parseSignalReport(body, CATEGORIES, NOW).errors.map((e) => `${e.pointer} ${e.code}`);

describe('parseSignalReport', () => {
  it('reads an address, normalising postcode and toevoeging', () => {
    const parsed = parseSignalReport(
      { category: 'vernieling', observedAt: '2026-11-24T09:00:00+01:00', location: { postcode: '1312 ab', huisnummer: 3, toevoeging: 'a' } },
      CATEGORIES,
      NOW,
    );
    expect(parsed).toEqual({
      errors: [],
      category: 'vernieling',
      observedAt: new Date('2026-11-24T08:00:00Z'),
      location: { kind: 'address', postcode: '1312AB', huisnummer: 3, toevoeging: 'A' },
    });
  });

  it('reads a postcode and a street unit', () => {
    const base = { category: 'vernieling', observedAt: '2026-11-24T09:00:00Z' };
    expect(parseSignalReport({ ...base, location: { pc6: '1312AB' } }, CATEGORIES, NOW).location).toEqual({ kind: 'pc6', postcode: '1312AB' });
    expect(parseSignalReport({ ...base, location: { street: 'Texelstraat@BU00345104' } }, CATEGORIES, NOW).location).toEqual({
      kind: 'street',
      street: 'Texelstraat@BU00345104',
    });
  });

  it('refuses a body that is not an object', () => {
    expect(codes([1, 2])).toEqual(['/ type']);
    expect(codes(undefined)).toEqual(['/ type']);
  });

  it('lists every missing part and every unknown property, escaping the pointer', () => {
    expect(codes({ 'a/b': 'x', note: 'y' })).toEqual(['/a~1b unknown-property', '/note unknown-property', '/category required', '/observedAt required', '/location required']);
  });

  it('refuses a location that mixes forms', () => {
    expect(codes({ category: 'vernieling', observedAt: '2026-11-24T09:00:00Z', location: { pc6: '1312AB', street: 'A@BU00345104' } })).toEqual([
      '/location one-of',
    ]);
  });

  it('never repeats a submitted value in a problem', () => {
    const errors = parseSignalReport({ category: 'Jan Jansen', observedAt: 'Jan Jansen', location: { street: 'Jan Jansen' } }, CATEGORIES, NOW).errors;
    expect(errors).toHaveLength(3);
    expect(JSON.stringify(errors)).not.toContain('Jan');
  });
});

describe('parseDateTime', () => {
  it.each(['2026-11-24T09:00:00Z', '2026-11-24t09:00:00.123456+01:00', '2024-02-29T00:00:00Z'])('accepts %s', (text) => {
    expect(parseDateTime(text)).toBeInstanceOf(Date);
  });

  it.each(['2026-02-29T00:00:00Z', '2026-11-24T24:00:00Z', '2026-11-24 09:00:00Z', '2026-11-24T09:00Z', '2026-11-24'])('refuses %s', (text) => {
    expect(parseDateTime(text)).toBeUndefined();
  });
});

describe('locatePostcode', () => {
  const unit = (street: string, buurt: string): Pc6Unit => ({
    code: `1312AB@${street}@${buurt}`,
    streetUnit: `${street}@${buurt}`,
    buurtCode: buurt,
    wijkCode: 'WK999901',
    gemeenteCode: 'GM9999',
  });

  it('uses the one pc6 unit of a postcode on one street', () => {
    expect(locatePostcode([unit('Texelstraat', 'BU99990101')])).toMatchObject({ level: 'pc6', pc6Unit: '1312AB@Texelstraat@BU99990101' });
  });

  it('keeps only the buurt of a postcode on several streets of one buurt', () => {
    expect(locatePostcode([unit('Texelstraat', 'BU99990101'), unit('Urkstraat', 'BU99990101')])).toEqual({
      level: 'buurt',
      pc6Unit: null,
      streetUnit: null,
      buurtCode: 'BU99990101',
      wijkCode: 'WK999901',
      gemeenteCode: 'GM9999',
    });
  });

  it('does not locate an unknown postcode or one across buurten', () => {
    expect(locatePostcode([])).toBeUndefined();
    expect(locatePostcode([unit('Texelstraat', 'BU99990101'), unit('Texelstraat', 'BU99990102')])).toBeUndefined();
  });
});
