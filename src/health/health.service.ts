import { Injectable } from '@nestjs/common';
import { ServiceUnavailableProblem } from '../common/problem/problem.js';
import { Database } from '../database/database.js';
import type { components } from '../generated/openapi.js';

export type HealthStatus = components['schemas']['HealthStatus'];

@Injectable()
export class HealthService {
  constructor(private readonly database: Database) {}

  live(): HealthStatus {
    return { status: 'up' };
  }

  async ready(): Promise<HealthStatus> {
    if (!(await this.database.isReady())) {
      throw new ServiceUnavailableProblem('The database does not answer.');
    }
    return { status: 'up', checks: { database: 'up' } };
  }
}
