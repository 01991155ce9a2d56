import {
  BUURT_CODE,
  GEMEENTE_CODE,
  type GeoJsonGeometry,
  type GeoLevel,
  type GeoParents,
  type GeoUnitRecord,
  type ImportIssue,
  type Position,
  WIJK_CODE,
  gemeenteOfArea,
  wijkOfBuurt,
} from '../geography.types.js';
import { geometryCentroid, looksLikeRd, rdToWgs84 } from './geometry.js';

export interface ParsedAreas {
  readonly units: readonly GeoUnitRecord[];
  /** Gemeente codes the features lie in but that no feature names. */
  readonly unnamedGemeenten: readonly string[];
  /** Where each unit came from, to name the feature when a later check fails. */
  readonly locations: ReadonlyMap<string, string>;
  readonly issues: readonly ImportIssue[];
}

type Props = Record<string, unknown>;
type AreaLevel = Extract<GeoLevel, 'gemeente' | 'wijk' | 'buurt'>;

/**
 * Parses a CBS wijk- en buurtkaart layer (gemeenten, wijken or buurten; PDOK's `statcode`/`statnaam`
 * or the `buurtcode`/`wijkcode`/`gemeentecode` style). Parents come from the properties when present
 * and must agree with the code, which embeds them. A buurt that names its wijk (and a unit that names
 * its gemeente) also yields that parent, without geometry. Coordinates in RD New are converted to WGS84.
 * Pure: every problem is returned, nothing is thrown for bad data.
 */
export function parseCbsGeoJson(text: string): ParsedAreas {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return { units: [], unnamedGemeenten: [], locations: new Map(), issues: [{ location: 'file', message: 'is not valid JSON' }] };
  }
  const features = (document as { features?: unknown } | null)?.features;
  if ((document as { type?: unknown } | null)?.type !== 'FeatureCollection' || !Array.isArray(features)) {
    return { units: [], unnamedGemeenten: [], locations: new Map(), issues: [{ location: 'file', message: 'is not a GeoJSON FeatureCollection' }] };
  }

  const issues: ImportIssue[] = [];
  const explicit = new Map<string, GeoUnitRecord>();
  const implied = new Map<string, GeoUnitRecord>();
  const locations = new Map<string, string>();

  features.forEach((feature: unknown, index) => {
    const location = `feature ${index + 1}`;
    const problems: string[] = [];
    const props = ((feature as { properties?: unknown } | null)?.properties ?? {}) as Props;
    const found = identify(props, problems);
    const geometry = readGeometry((feature as { geometry?: unknown } | null)?.geometry, problems);
    if (!found || problems.length > 0) {
      issues.push({ location: found ? `${location} (${found.code})` : location, message: problems.join('; ') });
      return;
    }
    const at = `${location} (${found.code})`;
    if (explicit.has(found.code)) {
      issues.push({ location: at, message: `${found.code} appears more than once (first at ${locations.get(found.code)})` });
      return;
    }
    explicit.set(found.code, { ...found, geometry, centroid: geometry ? geometryCentroid(geometry) : null });
    locations.set(found.code, at);
    for (const parent of impliedParents(found.level, props, found.parents)) {
      const earlier = implied.get(parent.code);
      if (earlier && earlier.name !== parent.name) {
        issues.push({ location: at, message: `names ${parent.code} "${parent.name}", elsewhere "${earlier.name}"` });
      } else if (!earlier) {
        implied.set(parent.code, parent);
        locations.set(parent.code, locations.get(parent.code) ?? at);
      }
    }
  });

  for (const [code, unit] of implied) {
    const own = explicit.get(code);
    if (own && own.name !== unit.name) {
      issues.push({ location: locations.get(code)!, message: `${code} is named "${own.name}" but a child calls it "${unit.name}"` });
    }
  }
  const units = [...explicit.values(), ...[...implied.values()].filter((u) => !explicit.has(u.code))];
  // CBS layers do not always name the gemeente (the code is in every feature): the importer adds such a
  // gemeente under its code, unless it is already stored with a name.
  const named = new Set(units.map((u) => u.code));
  const unnamedGemeenten = [...new Set(units.map((u) => u.parents.gemeente).filter((c): c is string => !!c && !named.has(c)))];
  return issues.length > 0
    ? { units: [], unnamedGemeenten: [], locations, issues }
    : { units, unnamedGemeenten, locations, issues };
}

function text(props: Props, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = props[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}

function identify(props: Props, problems: string[]): (Omit<GeoUnitRecord, 'geometry' | 'centroid'> & { level: AreaLevel }) | undefined {
  const statcode = text(props, 'statcode');
  const code = statcode ?? text(props, 'buurtcode') ?? text(props, 'wijkcode') ?? text(props, 'gemeentecode');
  if (code === undefined) {
    problems.push('has no statcode, buurtcode, wijkcode or gemeentecode');
    return undefined;
  }
  const level: AreaLevel | undefined = BUURT_CODE.test(code)
    ? 'buurt'
    : WIJK_CODE.test(code)
      ? 'wijk'
      : GEMEENTE_CODE.test(code)
        ? 'gemeente'
        : undefined;
  if (level === undefined) {
    problems.push(`"${code}" is not a CBS code (GM9999, WK999999 or BU99999999)`);
    return undefined;
  }
  const nameKey = { gemeente: 'gemeentenaam', wijk: 'wijknaam', buurt: 'buurtnaam' }[level];
  const name = (statcode !== undefined ? text(props, 'statnaam') : undefined) ?? text(props, nameKey, 'statnaam');
  if (name === undefined) problems.push(`has no name (statnaam or ${nameKey})`);

  const parents: GeoParents = {};
  if (level !== 'gemeente') {
    const derived = gemeenteOfArea(code);
    const given = text(props, 'gemeentecode');
    if (given !== undefined && given !== derived) problems.push(`gemeentecode ${given} does not contain ${code}`);
    parents.gemeente = derived;
  }
  if (level === 'buurt') {
    const derived = wijkOfBuurt(code);
    const given = text(props, 'wijkcode');
    if (given !== undefined && given !== derived) problems.push(`wijkcode ${given} does not contain ${code}`);
    parents.wijk = derived;
  }
  return { level, code, name: name ?? '', parents };
}

function impliedParents(level: AreaLevel, props: Props, parents: GeoParents): GeoUnitRecord[] {
  const out: GeoUnitRecord[] = [];
  const gemeenteNaam = text(props, 'gemeentenaam');
  if (parents.gemeente && gemeenteNaam) {
    out.push({ level: 'gemeente', code: parents.gemeente, name: gemeenteNaam, parents: {}, centroid: null, geometry: null });
  }
  const wijkNaam = text(props, 'wijknaam');
  if (level === 'buurt' && parents.wijk && wijkNaam) {
    out.push({
      level: 'wijk',
      code: parents.wijk,
      name: wijkNaam,
      parents: { gemeente: parents.gemeente! },
      centroid: null,
      geometry: null,
    });
  }
  return out;
}

function readGeometry(raw: unknown, problems: string[]): GeoJsonGeometry | null {
  if (raw === null || raw === undefined) return null;
  const type = (raw as { type?: unknown }).type;
  const coordinates = (raw as { coordinates?: unknown }).coordinates;
  const depth = type === 'Polygon' ? 3 : type === 'MultiPolygon' ? 4 : 0;
  if (depth === 0 || !Array.isArray(coordinates)) {
    problems.push('geometry must be a Polygon or MultiPolygon');
    return null;
  }
  let bad = false;
  const convert = (node: unknown, level: number): unknown => {
    if (!Array.isArray(node)) {
      bad = true;
      return node;
    }
    if (level > 1) return node.map((child) => convert(child, level - 1));
    const [x, y] = node as unknown[];
    if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) {
      bad = true;
      return node;
    }
    const position: Position = [x, y];
    return looksLikeRd(position) ? rdToWgs84(x, y) : position;
  };
  const converted = convert(coordinates, depth);
  if (bad) {
    problems.push('geometry has coordinates that are not pairs of numbers');
    return null;
  }
  return { type: type as 'Polygon' | 'MultiPolygon', coordinates: converted };
}
