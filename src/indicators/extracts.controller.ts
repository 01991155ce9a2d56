import { Body, Controller, Get, Headers, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { ExtractsService } from './extracts.service.js';
import { IndicatorCatalogue } from './indicator-catalogue.js';

@Controller('v1')
export class ExtractsController {
  constructor(
    private readonly extracts: ExtractsService,
    private readonly catalogue: IndicatorCatalogue,
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

  /** The catalogue: what may be asked for (which of it a purpose allows is in GET /v1/me). */
  @Get('indicators')
  list(): { indicators: { id: string; title: string; description: string; unit: string; datasets: readonly string[] }[] } {
    return {
      indicators: this.catalogue.all().map((i) => ({ id: i.id, title: i.title, description: i.description, unit: i.unit, datasets: i.datasets })),
    };
  }
}
