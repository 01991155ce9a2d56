import { Body, Controller, Get, Headers, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { CubeService } from './cube.service.js';
import { ExtractsService } from './extracts.service.js';
import { IndicatorCatalogue } from './indicator-catalogue.js';

interface IndicatorListing {
  id: string;
  title: string;
  description: string;
  unit: string;
  datasets: readonly string[];
  periods: string[];
  breakdown: { id: string; title: string; finestLevel: string; categories: { id: string; title: string }[] } | null;
}

@Controller('v1')
export class ExtractsController {
  constructor(
    private readonly extracts: ExtractsService,
    private readonly catalogue: IndicatorCatalogue,
    private readonly cubes: CubeService,
  ) {}

  /** JSON by default; `Accept: text/csv` or `application/geo+json` for the same content as CSV or GeoJSON. */
  @Post('extracts')
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<unknown> {
    const type = this.extracts.mediaType(accept);
    return this.extracts.render(await this.extracts.create(principal, body), type, response);
  }

  @Get('extracts/:id')
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<unknown> {
    const type = this.extracts.mediaType(accept);
    return this.extracts.render(await this.extracts.get(principal, id), type, response);
  }

  /** The catalogue: what may be asked for (which of it a purpose allows is in GET /v1/me), and for which periods. */
  @Get('indicators')
  async list(): Promise<{ indicators: IndicatorListing[] }> {
    const indicators: IndicatorListing[] = [];
    for (const i of this.catalogue.all()) {
      const breakdown = i.breakdown
        ? { id: i.breakdown.id, title: i.breakdown.title, finestLevel: i.breakdown.finestLevel, categories: i.breakdown.categories.map(({ id, title }) => ({ id, title })) }
        : null;
      indicators.push({ id: i.id, title: i.title, description: i.description, unit: i.unit, datasets: i.datasets, periods: await this.cubes.periods(i), breakdown });
    }
    return { indicators };
  }
}
