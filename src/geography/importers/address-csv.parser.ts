import { BUURT_CODE, type GeoAddressRecord, type ImportIssue, POSTCODE, type Position } from '../geography.types.js';
import { rdToWgs84, round6 } from './geometry.js';

export interface ParsedAddress extends GeoAddressRecord {
  readonly line: number;
}

export interface ParsedAddresses {
  readonly addresses: readonly ParsedAddress[];
  readonly issues: readonly ImportIssue[];
}

const ALIASES: Readonly<Record<string, readonly string[]>> = {
  postcode: ['postcode'],
  huisnummer: ['huisnummer', 'nummer'],
  toevoeging: ['toevoeging', 'huisnummertoevoeging'],
  straatnaam: ['straatnaam', 'openbareruimtenaam', 'straat'],
  buurtcode: ['buurtcode'],
  lat: ['lat', 'latitude'],
  lon: ['lon', 'lng', 'longitude'],
  x: ['x', 'rd_x'],
  y: ['y', 'rd_y'],
};

/**
 * Parses a BAG-like address list: `;`- or `,`-separated UTF-8 with a header naming postcode,
 * huisnummer, toevoeging (optional), straatnaam, buurtcode and either lat/lon (WGS84) or x/y (RD New).
 * Every bad line is reported with every reason; duplicates name the line they repeat.
 */
export function parseAddressCsv(text: string): ParsedAddresses {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerLine = lines[0] ?? '';
  const separator = headerLine.includes(';') ? ';' : ',';
  const header = splitCsvLine(headerLine, separator).map((h) => h.trim().toLowerCase());
  const column = (name: string): number => header.findIndex((h) => ALIASES[name]!.includes(h));
  const col = Object.fromEntries(Object.keys(ALIASES).map((k) => [k, column(k)])) as Record<string, number>;

  const missing = ['postcode', 'huisnummer', 'straatnaam', 'buurtcode'].filter((k) => col[k]! < 0);
  const hasLatLon = col.lat! >= 0 && col.lon! >= 0;
  const hasRd = col.x! >= 0 && col.y! >= 0;
  if (missing.length > 0 || (!hasLatLon && !hasRd)) {
    const needs = [...missing, ...(!hasLatLon && !hasRd ? ['lat and lon, or x and y'] : [])];
    return { addresses: [], issues: [{ location: 'line 1', message: `header lacks ${needs.join(', ')}` }] };
  }

  const issues: ImportIssue[] = [];
  const addresses: ParsedAddress[] = [];
  const seen = new Map<string, number>();
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const lineNo = i + 1;
    const cells = splitCsvLine(raw, separator);
    const cell = (name: string): string => (col[name]! >= 0 ? (cells[col[name]!] ?? '').trim() : '');
    const problems: string[] = [];

    const postcode = cell('postcode').replace(/\s+/g, '').toUpperCase();
    if (!POSTCODE.test(postcode)) problems.push('postcode must be four digits and two letters (1312AB)');
    const huisnummerText = cell('huisnummer');
    const huisnummer = Number(huisnummerText);
    if (!/^\d{1,5}$/.test(huisnummerText) || huisnummer < 1) problems.push('huisnummer must be a whole number from 1 to 99999');
    const toevoeging = cell('toevoeging').toUpperCase();
    if (!/^[A-Z0-9-]{0,6}$/.test(toevoeging)) problems.push('toevoeging must be at most 6 letters, digits or dashes');
    const street = cell('straatnaam');
    if (street === '' || street.length > 80 || street.includes('@')) {
      problems.push('straatnaam must be 1 to 80 characters without @');
    }
    const buurtCode = cell('buurtcode').toUpperCase();
    if (!BUURT_CODE.test(buurtCode)) problems.push('buurtcode must be BU followed by 8 digits');
    const position = readPosition(cell, hasLatLon, problems);

    const key = `${postcode}|${huisnummer}|${toevoeging}`;
    if (problems.length === 0 && seen.has(key)) problems.push(`repeats the address of line ${seen.get(key)}`);
    if (problems.length > 0) {
      issues.push({ location: `line ${lineNo}`, message: problems.join('; ') });
      continue;
    }
    seen.set(key, lineNo);
    addresses.push({ line: lineNo, postcode, huisnummer, toevoeging, street, buurtCode, position });
  }
  if (addresses.length === 0 && issues.length === 0) issues.push({ location: 'file', message: 'has no addresses' });
  return { addresses: issues.length > 0 ? [] : addresses, issues };
}

function readPosition(cell: (name: string) => string, latLon: boolean, problems: string[]): Position | null {
  const [a, b] = latLon ? [cell('lon'), cell('lat')] : [cell('x'), cell('y')];
  if (a === '' && b === '') return null;
  const first = Number(a.replace(',', '.'));
  const second = Number(b.replace(',', '.'));
  if (latLon) {
    if (!(first >= 3.2 && first <= 7.3 && second >= 50.7 && second <= 53.6)) {
      problems.push('lat/lon must be a position in the Netherlands (WGS84 degrees)');
      return null;
    }
    return [round6(first), round6(second)];
  }
  if (!(first >= 0 && first <= 300_000 && second >= 300_000 && second <= 625_000)) {
    problems.push('x/y must be RD New metres in the Netherlands');
    return null;
  }
  return rdToWgs84(first, second);
}

/** One CSV line (RFC 4180 quoting; fields never span lines in these files). */
export function splitCsvLine(line: string, separator: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        current += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"' && current === '') quoted = true;
    else if (ch === separator) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out;
}
