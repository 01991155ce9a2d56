import { Injectable } from '@nestjs/common';
import { NotFoundProblem, type ProblemItem, ValidationProblem } from '../common/problem/problem.js';
import { GeographyRepository } from './geography.repository.js';
import { GEO_LEVELS, type GeoLevel, coarserLevels, isGeoLevel } from './geography.types.js';
import { type Representation, unitFeature, unitJson } from './geography.representation.js';
import { ALMERE_ATTRIBUTION } from './synthetic/almere-2025.js';

export interface GeographyQuery {
  readonly within?: string;
  readonly year?: string;
  /** Undefined when the caller asked for a format that does not exist. */
  readonly representation: Representation | undefined;
  readonly format?: string;
}

/** Public reference data: the same for every caller, so there is no principal here. */
@Injectable()
export class GeographyService {
  constructor(private readonly repository: GeographyRepository) {}

  /** Units of a level, optionally within a coarser unit; every bad parameter is reported at once. */
  async listUnits(levelParam: string, query: GeographyQuery): Promise<Record<string, unknown>> {
    const errors: ProblemItem[] = [];
    const level = isGeoLevel(levelParam) ? levelParam : undefined;
    if (!level) errors.push({ parameter: 'level', detail: `level must be one of ${GEO_LEVELS.join(', ')}.`, code: 'unknown-level' });
    const year = await this.year(query.year, errors);
    this.checkFormat(query, errors);

    let within: { level: Exclude<GeoLevel, 'pc6'>; code: string } | undefined;
    if (query.within !== undefined && year !== undefined) {
      const area = await this.repository.findUnit(year, query.within);
      if (!area) {
        errors.push({ parameter: 'within', detail: `There is no unit with this code in ${year}.`, code: 'unknown-area' });
      } else if (level && !coarserLevels(level).includes(area.level)) {
        errors.push({ parameter: 'within', detail: `A ${area.level} cannot contain units of level ${level}.`, code: 'not-coarser' });
      } else {
        within = { level: area.level as Exclude<GeoLevel, 'pc6'>, code: area.code };
      }
    }
    if (errors.length > 0 || !level || year === undefined) throw new ValidationProblem(errors);

    const units = await this.repository.listUnits(year, level, within);
    if (query.representation === 'geojson') {
      return { type: 'FeatureCollection', year, level, attribution: ALMERE_ATTRIBUTION, features: units.map(unitFeature) };
    }
    return { year, level, ...(within && { within: within.code }), attribution: ALMERE_ATTRIBUTION, units: units.map(unitJson) };
  }

  async getUnit(code: string, query: GeographyQuery): Promise<Record<string, unknown>> {
    const errors: ProblemItem[] = [];
    const year = await this.year(query.year, errors);
    this.checkFormat(query, errors);
    if (errors.length > 0 || year === undefined) throw new ValidationProblem(errors);
    const unit = await this.repository.findUnit(year, code);
    if (!unit) throw new NotFoundProblem(`There is no geographic unit with this code in ${year}.`);
    return query.representation === 'geojson' ? unitFeature(unit) : { ...unitJson(unit), geometry: unit.geometry };
  }

  /** The year asked for, or the latest imported one. */
  private async year(raw: string | undefined, errors: ProblemItem[]): Promise<number | undefined> {
    if (raw === undefined) return (await this.repository.latestYear()) ?? new Date().getUTCFullYear();
    if (!/^\d{4}$/.test(raw)) {
      errors.push({ parameter: 'year', detail: 'year must be a four-digit year such as 2025.', code: 'invalid-year' });
      return undefined;
    }
    return Number(raw);
  }

  private checkFormat(query: GeographyQuery, errors: ProblemItem[]): void {
    if (query.representation === undefined) {
      errors.push({ parameter: 'format', detail: 'format must be json or geojson.', code: 'unknown-format' });
    }
  }
}
