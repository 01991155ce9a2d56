import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { NotAcceptableProblem } from '../common/problem/problem.js';
import { negotiate } from '../indicators/extract-formats.js';
import { EarlyWarningService } from './early-warning.service.js';

const MEDIA_TYPES = ['application/json', 'application/geo+json'] as const;
type MediaType = (typeof MEDIA_TYPES)[number];

/** JSON by default; `Accept: application/geo+json` gives the same units as features with their geometry. */
@Controller('v1/early-warning')
export class EarlyWarningController {
  constructor(private readonly service: EarlyWarningService) {}

  @Get()
  async warn(
    @CurrentPrincipal() principal: Principal,
    @Query() query: Record<string, unknown>,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<unknown> {
    const type = negotiated(accept);
    const result = await this.service.warn(principal, this.service.parseQuery(query));
    response.type(type);
    if (type === 'application/json') return result;
    const { flagged, trends, ...meta } = result;
    const geometry = await this.service.geometry([...flagged.map((f) => f.unit), ...trends.map((t) => t.unit)]);
    const features = new Map<string, { type: 'Feature'; id: string; geometry: unknown; properties: Record<string, unknown> }>();
    const feature = (unit: string, name: string | null) => {
      let f = features.get(unit);
      if (!f) features.set(unit, (f = { type: 'Feature', id: unit, geometry: geometry.get(unit) ?? null, properties: { unit, name } }));
      return f;
    };
    for (const { unit, name, ...warning } of flagged) feature(unit, name).properties.deviation = warning;
    for (const { unit, name, ...trend } of trends) feature(unit, name).properties.trend = trend;
    return JSON.stringify({ type: 'FeatureCollection', earlyWarning: meta, features: [...features.values()] });
  }

  @Get('streets/:unit/profile')
  async profile(
    @CurrentPrincipal() principal: Principal,
    @Param('unit') unit: string,
    @Query('purpose') purpose: unknown,
    @Query('period') period: unknown,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<unknown> {
    const type = negotiated(accept);
    const profile = await this.service.profile(principal, unit, purpose, period);
    response.type(type);
    if (type === 'application/json') return profile;
    const geometry = await this.service.geometry([profile.unit]);
    const { indicators, ...meta } = profile;
    return JSON.stringify({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', id: profile.unit, geometry: geometry.get(profile.unit) ?? null, properties: { ...meta, indicators } }],
    });
  }
}

function negotiated(accept: string | undefined): MediaType {
  const type = negotiate(accept, MEDIA_TYPES);
  if (!type) throw new NotAcceptableProblem(`Early warning comes as ${MEDIA_TYPES.join(' or ')}.`);
  return type;
}
