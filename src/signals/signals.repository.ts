import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { LocatedSignal, Pc6Unit } from './signal-location.js';

export interface NewSignal {
  readonly id: string;
  readonly category: string;
  readonly organisation: string;
  readonly actor: string;
  readonly actorKind: 'client' | 'person';
  readonly observedAt: Date;
  readonly receivedAt: Date;
  readonly geoYear: number;
  readonly locationLevel: 'address' | 'pc6' | 'street';
  readonly located: LocatedSignal;
}

interface UnitRow {
  code: string;
  street_code: string;
  buurt_code: string;
  wijk_code: string;
  gemeente_code: string;
}

/**
 * Signals and the geography look-ups that locate them. Everything runs in the caller's transaction
 * (the embedded database has one connection, and the signal commits with its audit events).
 */
@Injectable()
export class SignalsRepository {
  async latestGeographyYear(tx: EntityManager): Promise<number | null> {
    const rows = await tx.query<{ year: number | null }[]>('SELECT max(year)::int AS year FROM geo_unit');
    return rows[0]?.year ?? null;
  }

  /** The pc6 unit of an address; the address itself goes no further than this query. */
  async addressUnit(tx: EntityManager, year: number, postcode: string, huisnummer: number, toevoeging: string): Promise<Pc6Unit | null> {
    const rows = await tx.query<UnitRow[]>(
      `SELECT pc6_unit AS code, street_unit AS street_code, buurt_code, wijk_code, gemeente_code
       FROM geo_address WHERE year = $1 AND postcode = $2 AND huisnummer = $3 AND toevoeging = $4`,
      [year, postcode, huisnummer, toevoeging],
    );
    return rows[0] ? toPc6(rows[0]) : null;
  }

  /** Every pc6 unit of a postcode (one per street unit it touches). */
  async postcodeUnits(tx: EntityManager, year: number, postcode: string): Promise<Pc6Unit[]> {
    const rows = await tx.query<UnitRow[]>(
      `SELECT code, street_code, buurt_code, wijk_code, gemeente_code
       FROM geo_unit WHERE year = $1 AND level = 'pc6' AND name = $2 ORDER BY code`,
      [year, postcode],
    );
    return rows.map(toPc6);
  }

  async streetUnit(tx: EntityManager, year: number, code: string): Promise<LocatedSignal | null> {
    const rows = await tx.query<Omit<UnitRow, 'street_code'>[]>(
      `SELECT code, buurt_code, wijk_code, gemeente_code FROM geo_unit WHERE year = $1 AND level = 'street' AND code = $2`,
      [year, code],
    );
    const row = rows[0];
    if (!row) return null;
    return { level: 'street', pc6Unit: null, streetUnit: row.code, buurtCode: row.buurt_code, wijkCode: row.wijk_code, gemeenteCode: row.gemeente_code };
  }

  async insert(tx: EntityManager, signal: NewSignal): Promise<void> {
    const { located } = signal;
    await tx.query(
      `INSERT INTO signal (id, category, organisation, actor, actor_kind, observed_at, received_at, geo_year, location_level,
                           pc6_unit, street_unit, buurt_code, wijk_code, gemeente_code)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        signal.id,
        signal.category,
        signal.organisation,
        signal.actor,
        signal.actorKind,
        signal.observedAt.toISOString(),
        signal.receivedAt.toISOString(),
        signal.geoYear,
        signal.locationLevel,
        located.pc6Unit,
        located.streetUnit,
        located.buurtCode,
        located.wijkCode,
        located.gemeenteCode,
      ],
    );
  }
}

function toPc6(row: UnitRow): Pc6Unit {
  return { code: row.code, streetUnit: row.street_code, buurtCode: row.buurt_code, wijkCode: row.wijk_code, gemeenteCode: row.gemeente_code };
}
