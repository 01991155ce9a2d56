/**
 * The strictly nested geography (DESIGN decision 3): gemeente ⊃ wijk ⊃ buurt ⊃ street unit ⊃ pc6 unit
 * ⊃ address. A street unit is a street *within one buurt* and a pc6 unit a postcode *within one street
 * unit*, so a postcode that crosses streets or a street that crosses buurten is split, and every unit
 * has exactly one parent at every coarser level. Codes are versioned by year because CBS recodes areas.
 */
export const GEO_LEVELS = ['gemeente', 'wijk', 'buurt', 'street', 'pc6'] as const;
export type GeoLevel = (typeof GEO_LEVELS)[number];

/** The levels coarser than `level`, coarsest first. */
export function coarserLevels(level: GeoLevel): readonly GeoLevel[] {
  return GEO_LEVELS.slice(0, GEO_LEVELS.indexOf(level));
}

export function isGeoLevel(value: string): value is GeoLevel {
  return (GEO_LEVELS as readonly string[]).includes(value);
}

export const GEMEENTE_CODE = /^GM\d{4}$/;
export const WIJK_CODE = /^WK\d{6}$/;
export const BUURT_CODE = /^BU\d{8}$/;
export const POSTCODE = /^[1-9]\d{3}[A-Z]{2}$/;

/** `Texelstraat@BU00345104` */
export function streetUnitCode(street: string, buurtCode: string): string {
  return `${street}@${buurtCode}`;
}

/** `1312AB@Texelstraat@BU00345104` */
export function pc6UnitCode(postcode: string, street: string, buurtCode: string): string {
  return `${postcode}@${streetUnitCode(street, buurtCode)}`;
}

/** CBS codes carry their parents: BU + gemeente(4) + wijk(2) + buurt(2). */
export function wijkOfBuurt(buurtCode: string): string {
  return `WK${buurtCode.slice(2, 8)}`;
}

export function gemeenteOfArea(code: string): string {
  return `GM${code.slice(2, 6)}`;
}

export type GeoParents = Partial<Record<Exclude<GeoLevel, 'pc6'>, string>>;
export type Position = readonly [lon: number, lat: number];

export interface GeoJsonGeometry {
  readonly type: 'Point' | 'MultiPoint' | 'Polygon' | 'MultiPolygon' | 'LineString' | 'MultiLineString';
  readonly coordinates: unknown;
}

/** One unit as the importers produce it and the repository stores it. */
export interface GeoUnitRecord {
  readonly level: GeoLevel;
  readonly code: string;
  readonly name: string;
  readonly parents: GeoParents;
  readonly centroid: Position | null;
  readonly geometry: GeoJsonGeometry | null;
}

/** One address: never published, only used to locate records and count units. */
export interface GeoAddressRecord {
  readonly postcode: string;
  readonly huisnummer: number;
  readonly toevoeging: string;
  readonly street: string;
  readonly buurtCode: string;
  readonly position: Position | null;
}

/** A line or feature an importer refused, and why. */
export interface ImportIssue {
  /** `line 12` for CSV, `feature 3` for GeoJSON, `file` when the whole file is wrong. */
  readonly location: string;
  readonly message: string;
}
