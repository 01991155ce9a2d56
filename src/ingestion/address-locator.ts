import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';

interface AddressIndex {
  readonly year: number;
  readonly count: number;
  /** `postcode|huisnummer|toevoeging` and `postcode|huisnummer` → pc6 unit code. */
  readonly units: ReadonlyMap<string, string>;
}

/**
 * Postcode + huisnummer (+ toevoeging) → pc6 unit, from the reference geography's latest year, held in
 * memory so that locating a million rows costs a million map look-ups, not queries. All addresses
 * sharing postcode and huisnummer lie in one pc6 unit, so a missing toevoeging still locates the row.
 */
@Injectable()
export class AddressLocator {
  private index: AddressIndex | undefined;

  constructor(private readonly database: Database) {}

  /** The index for the latest geography year, reloaded when the geography changed. */
  async current(): Promise<AddressIndex | undefined> {
    const [latest] = await this.database.query<{ year: number | null; count: number }>(
      `SELECT max(year)::int AS year,
              (SELECT count(*)::int FROM geo_address WHERE year = (SELECT max(year) FROM geo_address)) AS count
       FROM geo_address`,
    );
    if (!latest || latest.year === null) return undefined;
    if (this.index && this.index.year === latest.year && this.index.count === latest.count) return this.index;
    const rows = await this.database.query<{ postcode: string; huisnummer: number; toevoeging: string; pc6_unit: string }>(
      'SELECT postcode, huisnummer, toevoeging, pc6_unit FROM geo_address WHERE year = $1',
      [latest.year],
    );
    const units = new Map<string, string>();
    for (const r of rows) {
      units.set(`${r.postcode}|${r.huisnummer}|${r.toevoeging}`, r.pc6_unit);
      units.set(`${r.postcode}|${r.huisnummer}`, r.pc6_unit);
    }
    this.index = { year: latest.year, count: latest.count, units };
    return this.index;
  }
}

export function locate(index: AddressIndex, postcode: string, huisnummer: number, toevoeging: string | null): string | undefined {
  const exact = toevoeging ? index.units.get(`${postcode}|${huisnummer}|${toevoeging.toUpperCase()}`) : undefined;
  return exact ?? index.units.get(`${postcode}|${huisnummer}`);
}
