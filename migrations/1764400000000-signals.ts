import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Near-time signals from frontline partners: a category from policies/signal-categories.yaml, where
 * and when — never free text, never a person, never an address. An address is reduced to its pc6
 * unit before it is stored, so the finest level in this table is pc6. `location_level` is what the
 * partner supplied; which unit columns are filled says how precisely it could be located (a postcode
 * spanning several streets keeps only its buurt). No foreign keys to street and pc6 units: an address
 * re-import replaces those units, and signals must survive it; the buurt is checked because buurten
 * are only ever replaced by a new year.
 */
export class Signals1764400000000 implements MigrationInterface {
  name = 'Signals1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE signal (
        id             uuid        PRIMARY KEY,
        category       text        NOT NULL CHECK (category ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
        organisation   text        NOT NULL,
        actor          text        NOT NULL,
        actor_kind     text        NOT NULL CHECK (actor_kind IN ('client', 'person')),
        observed_at    timestamptz NOT NULL,
        received_at    timestamptz NOT NULL,
        geo_year       smallint    NOT NULL,
        location_level text        NOT NULL CHECK (location_level IN ('address', 'pc6', 'street')),
        pc6_unit       text,
        street_unit    text,
        buurt_code     text        NOT NULL,
        wijk_code      text        NOT NULL,
        gemeente_code  text        NOT NULL,
        CONSTRAINT signal_observed_before_received CHECK (observed_at <= received_at + interval '5 minutes'),
        CONSTRAINT signal_street_in_buurt CHECK (street_unit IS NULL OR right(street_unit, 11) = '@' || buurt_code),
        CONSTRAINT signal_pc6_in_street CHECK (
          pc6_unit IS NULL OR (street_unit IS NOT NULL AND pc6_unit = left(pc6_unit, 6) || '@' || street_unit)),
        CONSTRAINT signal_level_units CHECK (CASE location_level
          WHEN 'address' THEN pc6_unit IS NOT NULL
          WHEN 'street'  THEN pc6_unit IS NULL AND street_unit IS NOT NULL
          ELSE true
        END),
        CONSTRAINT signal_buurt FOREIGN KEY (geo_year, buurt_code, wijk_code, gemeente_code)
          REFERENCES geo_unit (year, code, wijk_code, gemeente_code)
      )`);
    // Weekly counts per street unit and per buurt (and coarser, through the buurt's parents).
    await q.query(`
      CREATE INDEX signal_street_week ON signal (street_unit, observed_at, category) WHERE street_unit IS NOT NULL`);
    await q.query('CREATE INDEX signal_buurt_week ON signal (buurt_code, observed_at, category)');
    await q.query('CREATE INDEX signal_wijk_week ON signal (wijk_code, observed_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE signal');
  }
}
