import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { type Extract, ExtractsService } from './extracts.service.js';
import { IndicatorCatalogue } from './indicator-catalogue.js';

@Controller('v1')
export class ExtractsController {
  constructor(
    private readonly extracts: ExtractsService,
    private readonly catalogue: IndicatorCatalogue,
  ) {}

  @Post('extracts')
  create(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<Extract> {
    return this.extracts.create(principal, body);
  }

  @Get('extracts/:id')
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<Extract> {
    return this.extracts.get(principal, id);
  }

  /** The catalogue: what may be asked for (which of it a purpose allows is in GET /v1/me). */
  @Get('indicators')
  list(): { indicators: { id: string; title: string; description: string; unit: string; datasets: readonly string[] }[] } {
    return {
      indicators: this.catalogue.all().map((i) => ({ id: i.id, title: i.title, description: i.description, unit: i.unit, datasets: i.datasets })),
    };
  }
}
