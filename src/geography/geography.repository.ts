import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Database } from '../database/database.js';
import type { GeoJsonGeometry, GeoLevel, GeoUnitRecord, Position } from './geography.types.js';
import type { BuurtParents, LocatedAddress } from './importers/address-units.js';

/** A unit as read back, with the number of addresses it holds. */
export interface StoredUnit {
  readonly year: number;
  readonly level: GeoLevel;
  readonly code: string;
  readonly name: string;
  readonly parents: Partial<Record<'gemeente' | 'wijk' | 'buurt' | 'street', string>>;
  readonly addressCount: number;
  readonly centroid: Position | null;
  readonly geometry: GeoJsonGeometry | null;
}

interface UnitRow {
  year: number;
  level: GeoLevel;
  code: string;
  name: string;
  gemeente_code: string | null;
  wijk_code: string | null;
  buurt_code: string | null;
  street_code: string | null;
  address_count: number;
  centroid_lon: number | null;
  centroid_lat: number | null;
  geometry: GeoJsonGeometry | null;
}

const PARENT_COLUMN = { gemeente: 'gemeente_code', wijk: 'wijk_code', buurt: 'buurt_code', street: 'street_code' } as const;
/** Rows per statement: the whole batch travels as one jsonb parameter, so no parameter limit applies. */
const BATCH = 5000;

@Injectable()
export class GeographyRepository {
  constructor(private readonly database: Database) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.database.withTransaction(work);
  }

  async hasUnits(): Promise<boolean> {
    const rows = await this.database.query<{ present: boolean }>('SELECT EXISTS (SELECT 1 FROM geo_unit) AS present');
    return rows[0]?.present === true;
  }

  async latestYear(): Promise<number | null> {
    const rows = await this.database.query<{ year: number | null }>('SELECT max(year)::int AS year FROM geo_unit');
    return rows[0]?.year ?? null;
  }

  async findUnit(year: number, code: string): Promise<StoredUnit | null> {
    const rows = await this.database.query<UnitRow>('SELECT * FROM geo_unit WHERE year = $1 AND code = $2', [year, code]);
    return rows[0] ? toStored(rows[0]) : null;
  }

  /** Names of every unit of a level in the latest geography year. */
  async latestNames(level: GeoLevel): Promise<Map<string, string>> {
    const rows = await this.database.query<{ code: string; name: string }>(
      'SELECT code, name FROM geo_unit WHERE level = $1 AND year = (SELECT max(year) FROM geo_unit)',
      [level],
    );
    return new Map(rows.map((r) => [r.code, r.name]));
  }

  /** Geometries of these units in the latest geography year (absent when a unit has none). */
  async latestGeometries(codes: readonly string[]): Promise<Map<string, GeoJsonGeometry>> {
    const rows = await this.database.query<{ code: string; geometry: GeoJsonGeometry | null }>(
      'SELECT code, geometry FROM geo_unit WHERE code = ANY($1::text[]) AND year = (SELECT max(year) FROM geo_unit)',
      [[...new Set(codes)]],
    );
    return new Map(rows.filter((r) => r.geometry !== null).map((r) => [r.code, r.geometry!]));
  }

  /** Units of `level`, optionally inside the unit `within` (of a coarser level), ordered by code. */
  async listUnits(year: number, level: GeoLevel, within?: { level: Exclude<GeoLevel, 'pc6'>; code: string }): Promise<StoredUnit[]> {
    const filter = within ? `AND ${PARENT_COLUMN[within.level]} = $3` : '';
    const rows = await this.database.query<UnitRow>(
      `SELECT * FROM geo_unit WHERE year = $1 AND level = $2 ${filter} ORDER BY code`,
      within ? [year, level, within.code] : [year, level],
    );
    return rows.map(toStored);
  }

  /** Which of `codes` exist as units of the year (to check that referenced parents are there). */
  async existingCodes(tx: EntityManager, year: number, codes: readonly string[]): Promise<Set<string>> {
    if (codes.length === 0) return new Set();
    const rows = await tx.query<{ code: string }[]>('SELECT code FROM geo_unit WHERE year = $1 AND code = ANY($2::text[])', [
      year,
      codes,
    ]);
    return new Set(rows.map((r) => r.code));
  }

  async buurtParents(tx: EntityManager, year: number): Promise<Map<string, BuurtParents>> {
    const rows = await tx.query<{ code: string; wijk_code: string; gemeente_code: string }[]>(
      `SELECT code, wijk_code, gemeente_code FROM geo_unit WHERE year = $1 AND level = 'buurt'`,
      [year],
    );
    return new Map(rows.map((r) => [r.code, { wijk: r.wijk_code, gemeente: r.gemeente_code }]));
  }

  /**
   * Inserts or updates units (parents before children). A re-imported area keeps its geometry when the
   * new file only names it (a buurten layer names its wijken but does not outline them).
   */
  async upsertUnits(tx: EntityManager, year: number, units: readonly GeoUnitRecord[]): Promise<void> {
    for (let i = 0; i < units.length; i += BATCH) {
      await tx.query(
        `INSERT INTO geo_unit (year, code, level, name, gemeente_code, wijk_code, buurt_code, street_code,
                               centroid_lon, centroid_lat, geometry)
         SELECT $1, r.code, r.level, r.name, r.gemeente, r.wijk, r.buurt, r.street, r.lon, r.lat, r.geometry
         FROM jsonb_to_recordset($2::jsonb) AS r(code text, level text, name text, gemeente text, wijk text,
              buurt text, street text, lon double precision, lat double precision, geometry jsonb)
         ON CONFLICT (year, code) DO UPDATE SET
           name = EXCLUDED.name,
           level = EXCLUDED.level,
           gemeente_code = EXCLUDED.gemeente_code,
           wijk_code = EXCLUDED.wijk_code,
           buurt_code = EXCLUDED.buurt_code,
           street_code = EXCLUDED.street_code,
           centroid_lon = COALESCE(EXCLUDED.centroid_lon, geo_unit.centroid_lon),
           centroid_lat = COALESCE(EXCLUDED.centroid_lat, geo_unit.centroid_lat),
           geometry = COALESCE(EXCLUDED.geometry, geo_unit.geometry)`,
        [year, JSON.stringify(units.slice(i, i + BATCH).map(unitJson))],
      );
    }
  }

  /** Replaces the year's addresses and the street and pc6 units built from them. */
  async replaceAddresses(
    tx: EntityManager,
    year: number,
    units: readonly GeoUnitRecord[],
    addresses: readonly LocatedAddress[],
  ): Promise<void> {
    await tx.query('DELETE FROM geo_address WHERE year = $1', [year]);
    await tx.query(`DELETE FROM geo_unit WHERE year = $1 AND level IN ('street', 'pc6')`, [year]);
    await this.upsertUnits(tx, year, units);
    for (let i = 0; i < addresses.length; i += BATCH) {
      await tx.query(
        `INSERT INTO geo_address (year, postcode, huisnummer, toevoeging, pc6_unit, street_unit, buurt_code,
                                  wijk_code, gemeente_code, lon, lat)
         SELECT $1, r.p, r.h, r.t, r.pc6, r.s, r.b, r.w, r.g, r.lon, r.lat
         FROM jsonb_to_recordset($2::jsonb) AS r(p text, h int, t text, pc6 text, s text, b text, w text, g text,
              lon double precision, lat double precision)`,
        [
          year,
          JSON.stringify(
            addresses.slice(i, i + BATCH).map((a) => ({
              p: a.postcode,
              h: a.huisnummer,
              t: a.toevoeging,
              pc6: a.pc6Unit,
              s: a.streetUnit,
              b: a.buurtCode,
              w: a.wijkCode,
              g: a.gemeenteCode,
              lon: a.position?.[0] ?? null,
              lat: a.position?.[1] ?? null,
            })),
          ),
        ],
      );
    }
  }

  /** Recounts the addresses of every unit of the year, one grouped statement per level. */
  async refreshAddressCounts(tx: EntityManager, year: number): Promise<void> {
    const columns = { gemeente: 'gemeente_code', wijk: 'wijk_code', buurt: 'buurt_code', street: 'street_unit', pc6: 'pc6_unit' };
    await tx.query('UPDATE geo_unit SET address_count = 0 WHERE year = $1 AND address_count <> 0', [year]);
    for (const column of Object.values(columns)) {
      // Codes are unique across levels within a year, so the code alone finds the unit.
      await tx.query(
        `UPDATE geo_unit u SET address_count = c.n
         FROM (SELECT ${column} AS code, count(*)::int AS n FROM geo_address WHERE year = $1 GROUP BY ${column}) c
         WHERE u.year = $1 AND u.code = c.code`,
        [year],
      );
    }
  }
}

function unitJson(unit: GeoUnitRecord): Record<string, unknown> {
  return {
    code: unit.code,
    level: unit.level,
    name: unit.name,
    gemeente: unit.parents.gemeente ?? null,
    wijk: unit.parents.wijk ?? null,
    buurt: unit.parents.buurt ?? null,
    street: unit.parents.street ?? null,
    lon: unit.centroid?.[0] ?? null,
    lat: unit.centroid?.[1] ?? null,
    geometry: unit.geometry,
  };
}

function toStored(row: UnitRow): StoredUnit {
  const parents: StoredUnit['parents'] = {};
  if (row.gemeente_code) parents.gemeente = row.gemeente_code;
  if (row.wijk_code) parents.wijk = row.wijk_code;
  if (row.buurt_code) parents.buurt = row.buurt_code;
  if (row.street_code) parents.street = row.street_code;
  return {
    year: Number(row.year),
    level: row.level,
    code: row.code,
    name: row.name,
    parents,
    addressCount: Number(row.address_count),
    centroid: row.centroid_lon !== null && row.centroid_lat !== null ? [row.centroid_lon, row.centroid_lat] : null,
    geometry: row.geometry,
  };
}
