import { Controller, Get } from '@nestjs/common';
import type { components } from '../generated/openapi.js';
import { CurrentPrincipal } from './current-principal.decorator.js';
import { MeService } from './me.service.js';
import type { Principal } from './principal.js';

type Me = components['schemas']['Me'];

/** Who the gateway takes the caller to be: the first thing a partner checks when wiring up its token. */
@Controller('v1/me')
export class MeController {
  constructor(private readonly me: MeService) {}

  @Get()
  describe(@CurrentPrincipal() principal: Principal): Me {
    return this.me.describe(principal);
  }
}
