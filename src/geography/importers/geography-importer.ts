import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { GeographyRepository } from '../geography.repository.js';
import type { GeoLevel, GeoUnitRecord, ImportIssue } from '../geography.types.js';
import { parseAddressCsv } from './address-csv.parser.js';
import { deriveAddressUnits } from './address-units.js';
import { parseCbsGeoJson } from './cbs-geojson.parser.js';

export type ImportKind = 'cbs' | 'addresses';
export const IMPORT_KINDS: readonly ImportKind[] = ['cbs', 'addresses'];

export interface ImportReport {
  readonly kind: ImportKind;
  readonly year: number;
  /** Units written per level, and addresses for an address import. */
  readonly units: Partial<Record<GeoLevel, number>>;
  readonly addresses?: number;
}

/** The file was refused as a whole; nothing was changed. Lists every bad line. */
export class GeographyImportRejected extends Error {
  constructor(readonly issues: readonly ImportIssue[]) {
    super(`The file was refused (${issues.length} problem${issues.length === 1 ? '' : 's'}); nothing was changed.`);
    this.name = 'GeographyImportRejected';
  }
}

/**
 * Imports reference geography for one year: the CBS wijk- en buurtkaart (gemeenten, wijken, buurten)
 * and a BAG-like address list (which yields street and pc6 units). Parsing and validation are pure;
 * checks against what is already stored and every write run in ONE transaction, so a refused file —
 * or a failure halfway — leaves the database exactly as it was. The CLI and the demo seeder both
 * come through here.
 */
@Injectable()
export class GeographyImporter {
  constructor(private readonly repository: GeographyRepository) {}

  async import(kind: ImportKind, text: string, year: number): Promise<ImportReport> {
    return kind === 'cbs' ? this.importCbsGeoJson(text, year) : this.importAddresses(text, year);
  }

  async importCbsGeoJson(text: string, year: number): Promise<ImportReport> {
    const parsed = parseCbsGeoJson(text);
    if (parsed.issues.length > 0) throw new GeographyImportRejected(parsed.issues);
    return this.repository.transaction(async (tx) => {
      const stored = await this.repository.existingCodes(tx, year, parsed.unnamedGemeenten);
      const added = parsed.unnamedGemeenten
        .filter((code) => !stored.has(code))
        .map((code): GeoUnitRecord => ({ level: 'gemeente', code, name: code, parents: {}, centroid: null, geometry: null }));
      const units = [...added, ...parsed.units];
      const inFile = new Set(units.map((u) => u.code));
      const ordered = units.sort((a, b) => depth(a.level) - depth(b.level) || compare(a.code, b.code));
      await this.requireParents(tx, year, ordered, inFile, parsed.locations);
      await this.repository.upsertUnits(tx, year, ordered);
      await this.repository.refreshAddressCounts(tx, year);
      return { kind: 'cbs', year, units: countByLevel(ordered) };
    });
  }

  async importAddresses(text: string, year: number): Promise<ImportReport> {
    const parsed = parseAddressCsv(text);
    if (parsed.issues.length > 0) throw new GeographyImportRejected(parsed.issues);

    return this.repository.transaction(async (tx) => {
      const derived = deriveAddressUnits(parsed.addresses, await this.repository.buurtParents(tx, year));
      if (derived.issues.length > 0) throw new GeographyImportRejected(derived.issues);
      await this.repository.replaceAddresses(tx, year, derived.units, derived.addresses);
      await this.repository.refreshAddressCounts(tx, year);
      return { kind: 'addresses', year, units: countByLevel(derived.units), addresses: derived.addresses.length };
    });
  }

  /** A parent neither in the file nor stored for the year is a bad feature, not something to invent. */
  private async requireParents(
    tx: EntityManager,
    year: number,
    units: readonly { code: string; parents: Partial<Record<string, string>> }[],
    inFile: ReadonlySet<string>,
    locations: ReadonlyMap<string, string>,
  ): Promise<void> {
    const referenced = [...new Set(units.flatMap((u) => Object.values(u.parents)).filter((c): c is string => !!c))];
    const stored = await this.repository.existingCodes(tx, year, referenced.filter((c) => !inFile.has(c)));
    const issues: ImportIssue[] = [];
    for (const unit of units) {
      const missing = Object.values(unit.parents).filter((c): c is string => !!c && !inFile.has(c) && !stored.has(c));
      if (missing.length > 0) {
        issues.push({
          location: locations.get(unit.code) ?? unit.code,
          message: `lies in ${missing.join(' and ')}, which ${missing.length === 1 ? 'is' : 'are'} neither in the file nor imported for ${year}`,
        });
      }
    }
    if (issues.length > 0) throw new GeographyImportRejected(issues);
  }
}

function depth(level: GeoLevel): number {
  return ['gemeente', 'wijk', 'buurt', 'street', 'pc6'].indexOf(level);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function countByLevel(units: readonly { level: GeoLevel }[]): Partial<Record<GeoLevel, number>> {
  const counts: Partial<Record<GeoLevel, number>> = {};
  for (const unit of units) counts[unit.level] = (counts[unit.level] ?? 0) + 1;
  return counts;
}
