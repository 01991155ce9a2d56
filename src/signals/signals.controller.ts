import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import type { components } from '../generated/openapi.js';
import { SignalsService } from './signals.service.js';

type Signal = components['schemas']['Signal'];
type SignalCategoryList = components['schemas']['SignalCategoryList'];

/**
 * No @RequirePermission on the POST: whether a signal may be reported depends on the caller's
 * organisation, so the service decides (and records the decision with the signal it allows).
 */
@Controller('v1/signals')
export class SignalsController {
  constructor(private readonly signals: SignalsService) {}

  @Post()
  @HttpCode(201)
  report(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<Signal> {
    return this.signals.report(principal, body);
  }

  @Get('categories')
  categories(@CurrentPrincipal() principal: Principal): SignalCategoryList {
    return this.signals.categories(principal);
  }
}
