import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { actorOf } from '../audit/audit-record.js';
import { AuditWriter } from '../audit/audit-writer.js';
import type { Principal } from '../auth/principal.js';
import { Clock } from '../common/clock.js';
import { ForbiddenProblem, NotAcceptableProblem, NotFoundProblem, type ProblemItem, ValidationProblem } from '../common/problem/problem.js';
import { Database } from '../database/database.js';
import { GeographyRepository } from '../geography/geography.repository.js';
import { DecisionRecorder } from '../policies/decision-recorder.js';
import { PolicyDecisionPoint } from '../policies/policy-decision-point.js';
import { GEOGRAPHY_LEVELS, type GeographyLevel } from '../policies/policy-set.js';
import { PolicyStore } from '../policies/policy-store.js';
import type { Response } from 'express';
import type { ProtectedCell, StoredCube } from './cube.repository.js';
import { EXTRACT_MEDIA_TYPES, type ExtractMediaType, extractCsv, extractGeoJson, negotiate } from './extract-formats.js';
import { CubeService } from './cube.service.js';
import { IndicatorCatalogue } from './indicator-catalogue.js';
import type { IndicatorSpec } from './indicator-spec.js';

export interface ExtractRequest {
  readonly purpose: string;
  readonly indicators: readonly string[];
  readonly level: GeographyLevel;
  readonly area: string | null;
  /** The reference period (default: each indicator's latest). */
  readonly period: string | null;
}

export interface ExtractCell {
  readonly unit: string;
  /** The breakdown category (e.g. an age band); null for the unit's total. */
  readonly category: string | null;
  readonly name: string | null;
  readonly value: number | null;
  readonly denominator: number | null;
  readonly rate: number | null;
  readonly status: ProtectedCell['status'];
  readonly rule: string | null;
}

export interface Extract {
  readonly id: string;
  readonly createdAt: string;
  readonly purpose: string;
  readonly level: GeographyLevel;
  readonly area: string | null;
  readonly indicators: readonly {
    readonly id: string;
    readonly title: string;
    readonly unit: IndicatorSpec['unit'];
    readonly k: number;
    readonly cube: { readonly id: string; readonly dataVersion: string; readonly period: string; readonly builtAt: string };
    readonly released: boolean;
    readonly suppression: { readonly published: number; readonly primary: number; readonly secondary: number };
    readonly cells: readonly ExtractCell[];
  }[];
}

/**
 * Extracts: the purpose is checked against every source dataset of every indicator at the level asked
 * (deny by default, every decision recorded), then each indicator's one protected cube is sliced to the
 * level and area. The extract is stored as served and audited with its suppression summary.
 */
@Injectable()
export class ExtractsService {
  constructor(
    private readonly catalogue: IndicatorCatalogue,
    private readonly cubes: CubeService,
    private readonly pdp: PolicyDecisionPoint,
    private readonly decisions: DecisionRecorder,
    private readonly audit: AuditWriter,
    private readonly database: Database,
    private readonly store: PolicyStore,
    private readonly clock: Clock,
    private readonly geography: GeographyRepository,
  ) {}

  async create(principal: Principal, body: unknown): Promise<Extract> {
    const request = parseRequest(body, (id) => this.catalogue.get(id));
    const specs = request.indicators.map((id) => this.catalogue.get(id)!);
    for (const spec of specs) {
      const decision = this.pdp.decideIndicator(principal, request.purpose, spec.datasets, request.level);
      await this.decisions.record({ ...decision.record, resource: { ...decision.record.resource, indicator: spec.id } });
      if (!decision.allowed) {
        throw new ForbiddenProblem(decision.reason ?? 'The policy does not allow this extract.', { rule: decision.rule, indicator: spec.id });
      }
    }
    const names = await this.geography.latestNames(request.level);
    const indicators: Extract['indicators'][number][] = [];
    for (const spec of specs) {
      const cube = await this.cubes.cube(spec, request.period ?? undefined);
      const cells = slice(cube, request.level, request.area, spec, names);
      indicators.push({
        id: spec.id,
        title: spec.title,
        unit: spec.unit,
        k: cube.k,
        cube: { id: cube.id, dataVersion: cube.dataVersion, period: cube.period, builtAt: cube.builtAt },
        released: cube.released,
        suppression: {
          published: cells.filter((c) => c.status === 'published').length,
          primary: cells.filter((c) => c.status === 'primary').length,
          secondary: cells.filter((c) => c.status === 'secondary').length,
        },
        cells,
      });
    }
    if (request.area !== null && indicators.every((i) => i.cells.length === 0)) {
      throw new NotFoundProblem(`There is no ${request.level} within ${request.area}.`);
    }
    const extract: Extract = {
      id: randomUUID(),
      createdAt: this.clock.now().toISOString(),
      purpose: request.purpose,
      level: request.level,
      area: request.area,
      indicators,
    };
    await this.database.withTransaction(async (tx) => {
      await tx.query(
        'INSERT INTO extract (id, actor, organisation, purpose, created_at, request, response) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [extract.id, principal.id, principal.organisation, request.purpose, extract.createdAt, JSON.stringify(request), JSON.stringify(extract)],
      );
      await this.audit.append(tx, {
        type: 'extract.requested',
        ...actorOf(principal),
        purpose: request.purpose,
        action: 'read',
        resource: { type: 'Extract', id: extract.id, indicators: request.indicators, level: request.level, area: request.area },
        outcome: 'success',
        policyHash: this.store.hash,
        details: {
          cubes: indicators.map((i) => ({ indicator: i.id, cube: i.cube.id, dataVersion: i.cube.dataVersion, k: i.k })),
          suppression: {
            published: indicators.reduce((s, i) => s + i.suppression.published, 0),
            primary: indicators.reduce((s, i) => s + i.suppression.primary, 0),
            secondary: indicators.reduce((s, i) => s + i.suppression.secondary, 0),
          },
        },
      });
    });
    return extract;
  }

  /** The same content as when it was served; only to the one who asked for it. */
  async get(principal: Principal, id: string): Promise<Extract> {
    const rows = /^[0-9a-f-]{36}$/i.test(id)
      ? await this.database.query<{ response: Extract; actor: string; organisation: string }>(
          'SELECT response, actor, organisation FROM extract WHERE id = $1',
          [id],
        )
      : [];
    const row = rows[0];
    if (!row || row.actor !== principal.id || row.organisation !== principal.organisation) {
      throw new NotFoundProblem('There is no extract with this id among yours.');
    }
    await this.audit.appendNow({
      type: 'extract.read',
      ...actorOf(principal),
      purpose: row.response.purpose,
      action: 'read',
      resource: { type: 'Extract', id },
      outcome: 'success',
      policyHash: this.store.hash,
    });
    return row.response;
  }

  /** The media type asked for, or 406 (before any work is done or audited). */
  mediaType(accept: string | undefined): ExtractMediaType {
    const type = negotiate(accept, EXTRACT_MEDIA_TYPES);
    if (!type) throw new NotAcceptableProblem(`Extracts come as ${EXTRACT_MEDIA_TYPES.join(', ')}.`);
    return type;
  }

  /** Writes the extract in the negotiated format; the same content in each. */
  async render(extract: Extract, type: ExtractMediaType, response: Response): Promise<unknown> {
    response.type(type);
    if (type === 'text/csv') {
      response.setHeader('Content-Disposition', `attachment; filename="extract-${extract.id}.csv"`);
      return extractCsv(extract);
    }
    if (type === 'application/geo+json') {
      const units = extract.indicators.flatMap((i) => i.cells.map((c) => c.unit));
      return JSON.stringify(extractGeoJson(extract, await this.geography.latestGeometries(units)));
    }
    return extract;
  }

}

function slice(cube: StoredCube, level: GeographyLevel, area: string | null, spec: IndicatorSpec, names: Map<string, string>): ExtractCell[] {
  const parent = new Map(cube.cells.filter((c) => c.category === null).map((c) => [c.unit, c.parent]));
  const within = (unit: string): boolean => {
    if (area === null) return true;
    for (let p = parent.get(unit) ?? null; p !== null; p = parent.get(p) ?? null) if (p === area) return true;
    return false;
  };
  const scale = spec.unit === 'per100' || spec.unit === 'percentage' ? 100 : 1;
  return cube.cells
    .filter((c) => c.level === level && within(c.unit))
    .map((c) => ({
      unit: c.unit,
      category: c.category,
      name: names.get(c.unit) ?? null,
      value: c.value,
      denominator: c.denominator,
      rate: c.value !== null && c.denominator ? Math.round((c.value / c.denominator) * scale * 10) / 10 : null,
      status: c.status,
      rule: c.rule,
    }));
}

const AREA = /^[A-Za-z0-9@ '.-]{1,120}$/;
export const PERIOD = /^20\d{2}(-(0[1-9]|1[0-2])|-Q[1-4])?$/;

function parseRequest(body: unknown, indicator: (id: string) => IndicatorSpec | undefined): ExtractRequest {
  const errors: ProblemItem[] = [];
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  for (const key of Object.keys(b)) {
    if (!['purpose', 'indicators', 'level', 'area', 'period'].includes(key)) errors.push({ pointer: `/${key}`, detail: 'is not a property of an extract request', code: 'unknown-property' });
  }
  if (typeof b.purpose !== 'string' || b.purpose === '') errors.push({ pointer: '/purpose', detail: 'is required: the declared purpose of this extract', code: 'required' });
  if (!Array.isArray(b.indicators) || b.indicators.length === 0 || b.indicators.length > 10) {
    errors.push({ pointer: '/indicators', detail: 'must list 1 to 10 indicator ids from the catalogue', code: 'size' });
  } else {
    b.indicators.forEach((id, i) => {
      if (typeof id !== 'string' || !indicator(id)) errors.push({ pointer: `/indicators/${i}`, detail: 'is not an indicator of the catalogue', code: 'unknown-indicator' });
    });
  }
  if (!(GEOGRAPHY_LEVELS as readonly unknown[]).includes(b.level)) errors.push({ pointer: '/level', detail: `must be one of ${GEOGRAPHY_LEVELS.join(', ')}`, code: 'enum' });
  if (b.area !== undefined && b.area !== null && (typeof b.area !== 'string' || !AREA.test(b.area))) {
    errors.push({ pointer: '/area', detail: 'must be the code of a coarser unit (e.g. WK003451)', code: 'pattern' });
  }
  if (b.period !== undefined && b.period !== null && (typeof b.period !== 'string' || !PERIOD.test(b.period))) {
    errors.push({ pointer: '/period', detail: 'must be a reference period like 2026, 2026-Q3 or 2026-10', code: 'pattern' });
  }
  if (errors.length > 0) throw new ValidationProblem(errors);
  return {
    purpose: b.purpose as string,
    indicators: [...new Set(b.indicators as string[])],
    level: b.level as GeographyLevel,
    area: (b.area as string | undefined) ?? null,
    period: (b.period as string | undefined) ?? null,
  };
}
