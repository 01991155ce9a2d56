import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The reference geography, versioned by year (CBS recodes wijken and buurten). One table of units for
 * every level and one of addresses. Strict nesting (DESIGN decision 3) is enforced by the database, not
 * only by the importer: every unit carries the codes of all its coarser units, and composite foreign
 * keys require a parent to carry the same ancestors — so a pc6 unit cannot sit in a street unit of
 * another buurt, and an address cannot point at units that disagree.
 * No PostGIS: geometry is GeoJSON in jsonb, the centroid two doubles (works on PostgreSQL and PGlite).
 */
export class Geography1764100000000 implements MigrationInterface {
  name = 'Geography1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE geo_unit (
        year          smallint NOT NULL CHECK (year BETWEEN 1900 AND 2200),
        code          text     NOT NULL,
        level         text     NOT NULL CHECK (level IN ('gemeente', 'wijk', 'buurt', 'street', 'pc6')),
        name          text     NOT NULL CHECK (name <> ''),
        gemeente_code text     CHECK (gemeente_code ~ '^GM[0-9]{4}$'),
        wijk_code     text     CHECK (wijk_code ~ '^WK[0-9]{6}$'),
        buurt_code    text     CHECK (buurt_code ~ '^BU[0-9]{8}$'),
        street_code   text,
        address_count integer  NOT NULL DEFAULT 0 CHECK (address_count >= 0),
        centroid_lon  double precision,
        centroid_lat  double precision,
        geometry      jsonb,
        PRIMARY KEY (year, code),
        CONSTRAINT geo_unit_shape CHECK (CASE level
          WHEN 'gemeente' THEN code ~ '^GM[0-9]{4}$' AND gemeente_code IS NULL AND wijk_code IS NULL
                               AND buurt_code IS NULL AND street_code IS NULL
          WHEN 'wijk'     THEN code ~ '^WK[0-9]{6}$' AND gemeente_code IS NOT NULL AND wijk_code IS NULL
                               AND buurt_code IS NULL AND street_code IS NULL
          WHEN 'buurt'    THEN code ~ '^BU[0-9]{8}$' AND gemeente_code IS NOT NULL AND wijk_code IS NOT NULL
                               AND buurt_code IS NULL AND street_code IS NULL
          WHEN 'street'   THEN code = name || '@' || buurt_code AND gemeente_code IS NOT NULL
                               AND wijk_code IS NOT NULL AND street_code IS NULL
          WHEN 'pc6'      THEN name ~ '^[1-9][0-9]{3}[A-Z]{2}$' AND code = name || '@' || street_code
                               AND gemeente_code IS NOT NULL AND wijk_code IS NOT NULL AND buurt_code IS NOT NULL
        END),
        CONSTRAINT geo_unit_code_gm UNIQUE (year, code, gemeente_code),
        CONSTRAINT geo_unit_code_wk UNIQUE (year, code, wijk_code, gemeente_code),
        CONSTRAINT geo_unit_code_bu UNIQUE (year, code, buurt_code, wijk_code, gemeente_code),
        CONSTRAINT geo_unit_gemeente FOREIGN KEY (year, gemeente_code) REFERENCES geo_unit (year, code),
        CONSTRAINT geo_unit_wijk FOREIGN KEY (year, wijk_code, gemeente_code)
          REFERENCES geo_unit (year, code, gemeente_code),
        CONSTRAINT geo_unit_buurt FOREIGN KEY (year, buurt_code, wijk_code, gemeente_code)
          REFERENCES geo_unit (year, code, wijk_code, gemeente_code),
        CONSTRAINT geo_unit_street FOREIGN KEY (year, street_code, buurt_code, wijk_code, gemeente_code)
          REFERENCES geo_unit (year, code, buurt_code, wijk_code, gemeente_code)
      )`);
    // "Units of a level within an area", and the foreign-key checks when units are replaced.
    await q.query('CREATE INDEX geo_unit_level ON geo_unit (year, level, code)');
    await q.query('CREATE INDEX geo_unit_in_gemeente ON geo_unit (year, gemeente_code)');
    await q.query('CREATE INDEX geo_unit_in_wijk ON geo_unit (year, wijk_code)');
    await q.query('CREATE INDEX geo_unit_in_buurt ON geo_unit (year, buurt_code)');
    await q.query('CREATE INDEX geo_unit_in_street ON geo_unit (year, street_code)');
    await q.query(`
      CREATE UNIQUE INDEX geo_unit_pc6_path ON geo_unit (year, code, street_code, buurt_code, wijk_code, gemeente_code)`);
    await q.query(`
      ALTER TABLE geo_unit ADD CONSTRAINT geo_unit_code_pc6 UNIQUE USING INDEX geo_unit_pc6_path`);

    // Never published. The primary key is the lookup that locates a partner's record: postcode +
    // huisnummer + toevoeging → its pc6 unit, street unit, buurt, wijk and gemeente in one row.
    await q.query(`
      CREATE TABLE geo_address (
        year          smallint NOT NULL,
        postcode      text     NOT NULL CHECK (postcode ~ '^[1-9][0-9]{3}[A-Z]{2}$'),
        huisnummer    integer  NOT NULL CHECK (huisnummer BETWEEN 1 AND 99999),
        toevoeging    text     NOT NULL DEFAULT '' CHECK (toevoeging ~ '^[A-Z0-9-]{0,6}$'),
        pc6_unit      text     NOT NULL,
        street_unit   text     NOT NULL,
        buurt_code    text     NOT NULL,
        wijk_code     text     NOT NULL,
        gemeente_code text     NOT NULL,
        lon           double precision,
        lat           double precision,
        PRIMARY KEY (year, postcode, huisnummer, toevoeging),
        CONSTRAINT geo_address_units FOREIGN KEY (year, pc6_unit, street_unit, buurt_code, wijk_code, gemeente_code)
          REFERENCES geo_unit (year, code, street_code, buurt_code, wijk_code, gemeente_code)
      )`);
    await q.query('CREATE INDEX geo_address_pc6 ON geo_address (year, pc6_unit)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE geo_address');
    await q.query('DROP TABLE geo_unit');
  }
}
