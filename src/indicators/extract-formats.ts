import type { Extract } from './extracts.service.js';

export const EXTRACT_MEDIA_TYPES = ['application/json', 'text/csv', 'application/geo+json'] as const;
export type ExtractMediaType = (typeof EXTRACT_MEDIA_TYPES)[number];

/**
 * Picks the media type from an Accept header: the first supported one wins; the first of `supported`
 * (JSON) when absent or any.
 */
export function negotiate<T extends string>(accept: string | undefined, supported: readonly T[]): T | undefined {
  if (!accept || accept.trim() === '') return supported[0];
  for (const part of accept.split(',')) {
    const type = part.split(';')[0]!.trim().toLowerCase();
    if (type === '*/*' || type === 'application/*') return supported[0];
    if ((supported as readonly string[]).includes(type)) return type as T;
  }
  return undefined;
}

const CSV_COLUMNS = ['indicator', 'unit', 'category', 'name', 'level', 'value', 'denominator', 'rate', 'status', 'rule', 'k', 'cube_version'];

/** One row per indicator and unit; suppressed cells have empty values and say why. */
export function extractCsv(extract: Extract): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const indicator of extract.indicators) {
    for (const cell of indicator.cells) {
      lines.push(
        [indicator.id, cell.unit, cell.category, cell.name, extract.level, cell.value, cell.denominator, cell.rate, cell.status, cell.rule, indicator.k, indicator.cube.dataVersion]
          .map(csvCell)
          .join(','),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * A FeatureCollection (WGS84) with one feature per unit and, per indicator, its value, rate, status
 * and rule as properties; metadata (purpose, k, cube versions) as foreign members.
 */
export function extractGeoJson(extract: Extract, geometry: ReadonlyMap<string, unknown>): Record<string, unknown> {
  const units = new Map<string, Record<string, unknown>>();
  for (const indicator of extract.indicators) {
    for (const cell of indicator.cells) {
      const properties = units.get(cell.unit) ?? { unit: cell.unit, name: cell.name, level: extract.level };
      const shown = { value: cell.value, denominator: cell.denominator, rate: cell.rate, status: cell.status, rule: cell.rule };
      // A breakdown's categories sit next to the total, under `${indicator}|${category}`.
      properties[cell.category === null ? indicator.id : `${indicator.id}|${cell.category}`] = shown;
      units.set(cell.unit, properties);
    }
  }
  return {
    type: 'FeatureCollection',
    extract: { id: extract.id, createdAt: extract.createdAt, purpose: extract.purpose, level: extract.level, area: extract.area },
    indicators: extract.indicators.map(({ cells: _cells, ...meta }) => meta),
    features: [...units].map(([unit, properties]) => ({ type: 'Feature', id: unit, geometry: geometry.get(unit) ?? null, properties })),
  };
}

function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) || safe !== text ? `"${safe.replaceAll('"', '""')}"` : safe;
}
