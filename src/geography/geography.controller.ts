import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/public.decorator.js';
import { GEOJSON_MEDIA_TYPE, chooseRepresentation } from './geography.representation.js';
import { GeographyService } from './geography.service.js';

type Params = Record<string, string | undefined>;

/** Reference geography is public data: no token, the same answer for everyone. */
@Public()
@Controller('v1/geography')
export class GeographyController {
  constructor(private readonly geography: GeographyService) {}

  // Declared before `:level`, so that `units` is never taken for a level.
  @Get('units/:code')
  getUnit(
    @Param('code') code: string,
    @Query() query: Params,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Record<string, unknown>> {
    const representation = chooseRepresentation(single(query.format), accept);
    negotiated(response, representation);
    return this.geography.getUnit(code, { year: single(query.year), format: single(query.format), representation });
  }

  @Get(':level')
  listUnits(
    @Param('level') level: string,
    @Query() query: Params,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Record<string, unknown>> {
    const representation = chooseRepresentation(single(query.format), accept);
    negotiated(response, representation);
    return this.geography.listUnits(level, {
      within: single(query.within),
      year: single(query.year),
      format: single(query.format),
      representation,
    });
  }
}

/** A repeated query parameter counts as its first value. */
function single(value: unknown): string | undefined {
  return Array.isArray(value) ? (value[0] as string | undefined) : (value as string | undefined);
}

function negotiated(response: Response, representation: string | undefined): void {
  response.vary('Accept');
  if (representation === 'geojson') response.type(GEOJSON_MEDIA_TYPE);
}
