import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { parseAddressCsv } from '../importers/address-csv.parser.js';
import { deriveAddressUnits } from '../importers/address-units.js';
import { parseCbsGeoJson } from '../importers/cbs-geojson.parser.js';
import { isValidBsn } from './bsn.js';
import { generateCity, type GenerateOptions } from './city-generator.js';
import { CITY_FILES, type CityFile, MemorySink } from './city-sink.js';

// Eilandenbuurt (planted benefits) plus enough other wijken for the elderly streets, at a fifth of the size.
const SMALL = ['WK003401', 'WK003402', 'WK003418', 'WK003426', 'WK003428', 'WK003442', 'WK003451', 'WK003463'];

function generate(options: GenerateOptions): { sink: MemorySink; truth: ReturnType<typeof generateCity>['truth'] } {
  const sink = new MemorySink();
  const { truth } = generateCity(options, sink);
  return { sink, truth };
}

function rows(sink: MemorySink, file: CityFile): string[][] {
  return sink.text(file).trimEnd().split('\n').slice(1).map((line) => line.split(';'));
}

function located(sink: MemorySink) {
  const areas = parseCbsGeoJson(sink.text('wijken-buurten.geojson'));
  expect(areas.issues).toEqual([]);
  const buurten = new Map(
    areas.units.filter((u) => u.level === 'buurt').map((u) => [u.code, { wijk: u.parents.wijk!, gemeente: u.parents.gemeente! }]),
  );
  const parsed = parseAddressCsv(sink.text('addresses.csv'));
  expect(parsed.issues).toEqual([]);
  const derived = deriveAddressUnits(parsed.addresses, buurten);
  expect(derived.issues).toEqual([]);
  return derived;
}

describe('synthetic city: strictly nested geography', () => {
  it.each([1, 2, 3, 42])('seed %i: one parent per level, and children add up to their parent', (seed) => {
    const { sink } = generate({ seed, scale: 0.2, wijken: SMALL, people: false });
    const { addresses } = located(sink);
    const chain = ['pc6Unit', 'streetUnit', 'buurtCode', 'wijkCode', 'gemeenteCode'] as const;
    for (let i = 0; i < chain.length - 1; i++) {
      const parentsOf = new Map<string, Set<string>>();
      const count = new Map<string, number>();
      for (const a of addresses) {
        const child = a[chain[i]!];
        if (!parentsOf.has(child)) parentsOf.set(child, new Set());
        parentsOf.get(child)!.add(a[chain[i + 1]!]);
        count.set(child, (count.get(child) ?? 0) + 1);
      }
      for (const parents of parentsOf.values()) expect(parents.size).toBe(1);
      // Sum of the children's address counts equals each parent's own count.
      const sums = new Map<string, number>();
      for (const [child, parents] of parentsOf) {
        const parent = [...parents][0]!;
        sums.set(parent, (sums.get(parent) ?? 0) + count.get(child)!);
      }
      const parentCount = new Map<string, number>();
      for (const a of addresses) parentCount.set(a[chain[i + 1]!], (parentCount.get(a[chain[i + 1]!]) ?? 0) + 1);
      expect(sums).toEqual(parentCount);
    }
  });

  it('splits a postcode on two streets and a street in two buurten into separate units', () => {
    const { sink } = generate({ seed: 7, scale: 0.3, wijken: SMALL, people: false });
    const { addresses, units } = located(sink);
    const streetsOfPostcode = new Map<string, Set<string>>();
    const buurtenOfStreet = new Map<string, Set<string>>();
    for (const a of addresses) {
      const street = a.streetUnit.split('@')[0]!;
      streetsOfPostcode.set(a.postcode, (streetsOfPostcode.get(a.postcode) ?? new Set()).add(street));
      buurtenOfStreet.set(street, (buurtenOfStreet.get(street) ?? new Set()).add(a.buurtCode));
    }
    const crossingPostcodes = [...streetsOfPostcode].filter(([, s]) => s.size > 1);
    const crossingStreets = [...buurtenOfStreet].filter(([, b]) => b.size > 1);
    expect(crossingPostcodes.length).toBeGreaterThan(0);
    expect(crossingStreets.length).toBeGreaterThan(0);
    const codes = new Set(units.map((u) => u.code));
    for (const [postcode, streets] of crossingPostcodes) {
      const pc6Units = [...codes].filter((c) => c.startsWith(`${postcode}@`));
      expect(pc6Units.length).toBeGreaterThanOrEqual(streets.size);
    }
    for (const [street, buurten] of crossingStreets) {
      for (const buurt of buurten) expect(codes.has(`${street}@${buurt}`)).toBe(true);
    }
  });
});

describe('synthetic city: determinism', () => {
  const hashes = (sink: MemorySink): Record<string, string> =>
    Object.fromEntries(
      Object.keys(CITY_FILES).map((f) => [f, createHash('sha256').update(sink.text(f as CityFile)).digest('hex')]),
    );

  it('gives byte-identical files for a seed, and different files for another seed', () => {
    const a = hashes(generate({ seed: 11, scale: 0.2, wijken: SMALL }).sink);
    const b = hashes(generate({ seed: 11, scale: 0.2, wijken: SMALL }).sink);
    const c = hashes(generate({ seed: 12, scale: 0.2, wijken: SMALL }).sink);
    expect(b).toEqual(a);
    expect(c['addresses.csv']).not.toBe(a['addresses.csv']);
    expect(c['bevolking.csv']).not.toBe(a['bevolking.csv']);
  });

  it('matches the real Almere totals at scale 1, with valid unique BSNs', () => {
    const { sink, truth } = generate({ seed: 1, scale: 1 });
    expect(truth.totals.inhabitants).toBeGreaterThan(225_000);
    expect(truth.totals.inhabitants).toBeLessThan(228_000);
    expect(truth.totals.addresses).toBeGreaterThan(91_000);
    expect(truth.totals.addresses).toBeLessThan(93_500);
    const bsns = rows(sink, 'bevolking.csv').map((r) => r[0]!);
    expect(bsns).toHaveLength(truth.totals.inhabitants);
    expect(new Set(bsns).size).toBe(bsns.length);
    expect(bsns.every(isValidBsn)).toBe(true);
    // Household sizes stay within what a population register holds (the bevolking declaration allows 30).
    expect(rows(sink, 'bevolking.csv').reduce((m, r) => Math.max(m, Number(r[7])), 0)).toBeLessThanOrEqual(12);
    const perPc6 = new Map<string, number>();
    for (const [postcode] of rows(sink, 'addresses.csv')) perPc6.set(postcode!, (perPc6.get(postcode!) ?? 0) + 1);
    const sizes = [...perPc6.values()].sort((x, y) => x - y);
    expect(sizes[Math.floor(sizes.length / 2)]).toBeGreaterThanOrEqual(15);
    expect(sizes[Math.floor(sizes.length / 2)]).toBeLessThanOrEqual(40);
    expect([...perPc6.keys()].every((p) => /^1(3[1-5]\d|36[0-4])[A-Z]{2}$/.test(p))).toBe(true);
  });
});

describe('synthetic city: planted truths', () => {
  it.each([1, 5])('seed %i: truth.json names the planted streets and the data bears them out', (seed) => {
    const { sink } = generate({ seed, scale: 0.3, wijken: SMALL });
    const truth = JSON.parse(sink.text('truth.json'));
    const [benefits, elderly] = truth.planted;
    expect(benefits.streetUnits).toHaveLength(3);
    expect(benefits.streetUnits.every((u: string) => u.endsWith('@BU00345104'))).toBe(true);
    expect(elderly.streetUnits.length).toBeGreaterThanOrEqual(4);
    expect(elderly.streetUnits.length).toBeLessThanOrEqual(5);

    // Recompute from the partner files, joined on address as an analyst would.
    const unitOf = new Map(rows(sink, 'addresses.csv').map(([p, h, t, street, buurt]) => [`${p};${h};${t}`, `${street}@${buurt}`]));
    const uitkering = new Map(rows(sink, 'uitkeringen.csv').map(([bsn, r]) => [bsn, r]));
    const income = new Map(rows(sink, 'inkomen.csv').map(([bsn, k]) => [bsn, k]));
    const arrears = new Set(rows(sink, 'huurachterstand.csv').map(([p, h, t]) => `${p};${h};${t}`));
    type Tally = { adults: number; bijstand: number; households: Set<string>; arrears: number; elderlyLow: number };
    const tallies = new Map<string, Tally>();
    const tallyOf = (unit: string): Tally => {
      if (!tallies.has(unit)) tallies.set(unit, { adults: 0, bijstand: 0, households: new Set(), arrears: 0, elderlyLow: 0 });
      return tallies.get(unit)!;
    };
    for (const [bsn, p, h, t, born, , type] of rows(sink, 'bevolking.csv')) {
      const place = `${p};${h};${t}`;
      const tally = tallyOf(unitOf.get(place)!);
      const age = 2025 - Number(born);
      if (!tally.households.has(place)) {
        tally.households.add(place);
        if (arrears.has(place)) tally.arrears++;
        if (type === 'alleenstaand' && age >= 65 && income.get(bsn) === 'laag') tally.elderlyLow++;
      }
      if (age >= 18 && age < 67) {
        tally.adults++;
        if (uitkering.get(bsn) === 'participatiewet') tally.bijstand++;
      }
    }
    const rate = (units: string[], f: (t: Tally) => [number, number]): number => {
      const [n, d] = units.map((u) => f(tallyOf(u))).reduce(([a, b], [c, e]) => [a + c, b + e], [0, 0]);
      return n / d;
    };
    const buurtRest = [...tallies.keys()].filter((u) => u.endsWith('@BU00345104') && !benefits.streetUnits.includes(u));
    const everyOther = [...tallies.keys()].filter((u) => !elderly.streetUnits.includes(u));
    const bijstand = (t: Tally): [number, number] => [t.bijstand, t.adults];
    const huur = (t: Tally): [number, number] => [t.arrears, t.households.size];
    const elderlyLow = (t: Tally): [number, number] => [t.elderlyLow, t.households.size];

    expect(rate(benefits.streetUnits, bijstand)).toBeGreaterThan(0.2);
    expect(rate(benefits.streetUnits, bijstand)).toBeGreaterThan(3 * rate(buurtRest, bijstand));
    expect(rate(benefits.streetUnits, huur)).toBeGreaterThan(3 * rate(buurtRest, huur));
    expect(rate(elderly.streetUnits, elderlyLow)).toBeGreaterThan(0.15);
    expect(rate(elderly.streetUnits, elderlyLow)).toBeGreaterThan(4 * rate(everyOther, elderlyLow));
    expect(benefits.observed.plantedStreets.participatiewetRate18to66).toBeCloseTo(rate(benefits.streetUnits, bijstand), 3);
  });
});
