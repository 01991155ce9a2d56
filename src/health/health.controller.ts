import { Controller, Get } from '@nestjs/common';
import { Public } from '../auth/public.decorator.js';
import { type HealthStatus, HealthService } from './health.service.js';

@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('live')
  live(): HealthStatus {
    return this.health.live();
  }

  @Get('ready')
  ready(): Promise<HealthStatus> {
    return this.health.ready();
  }
}
