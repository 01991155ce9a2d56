import { ProblemError } from '../common/problem/problem.js';
import type { StoredUnit } from './geography.repository.js';

export type Representation = 'json' | 'geojson';
export const GEOJSON_MEDIA_TYPE = 'application/geo+json';

/**
 * Picks JSON or GeoJSON: `?format=` wins; otherwise the Accept header (highest q, first listed on a tie).
 * Returns undefined for a bad `format` value, which the service reports with the other parameters.
 */
export function chooseRepresentation(format: string | undefined, accept: string | undefined): Representation | undefined {
  if (format !== undefined) return format === 'json' || format === 'geojson' ? format : undefined;
  if (!accept || accept.trim() === '') return 'json';
  let best: { representation: Representation; q: number } | undefined;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.trim().toLowerCase().split(';');
    const q = Number(params.map((p) => p.trim()).find((p) => p.startsWith('q='))?.slice(2) ?? '1');
    const representation: Representation | undefined =
      type === GEOJSON_MEDIA_TYPE ? 'geojson' : ['application/json', 'application/*', '*/*'].includes(type) ? 'json' : undefined;
    if (representation && q > 0 && (!best || q > best.q)) best = { representation, q };
  }
  if (!best) throw new ProblemError(406, 'not-acceptable', 'Not acceptable', 'Ask for application/json or application/geo+json.');
  return best.representation;
}

export function unitJson(unit: StoredUnit): Record<string, unknown> {
  return {
    code: unit.code,
    name: unit.name,
    level: unit.level,
    year: unit.year,
    parents: unit.parents,
    addressCount: unit.addressCount,
    centroid: unit.centroid ? { lon: unit.centroid[0], lat: unit.centroid[1] } : null,
  };
}

export function unitFeature(unit: StoredUnit): Record<string, unknown> {
  const { code, name, level, year, parents, addressCount } = unit;
  return { type: 'Feature', id: code, geometry: unit.geometry, properties: { code, name, level, year, parents, addressCount } };
}
