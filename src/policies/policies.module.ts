import { type DynamicModule, Global, Module } from '@nestjs/common';
import path from 'node:path';
import { Clock } from '../common/clock.js';
import { projectRoot } from '../common/project-root.js';
import { PolicyDecisionPoint } from './policy-decision-point.js';
import { loadPolicies } from './policy-loader.js';
import { PolicyStore } from './policy-store.js';

/**
 * The policies in `policies/` (or `dir`), loaded and checked once at start-up: an invalid policy set
 * stops the gateway with a PolicyError listing every problem. Needs a `Clock` provider (CommonModule).
 */
@Global()
@Module({})
export class PoliciesModule {
  static forRoot(dir: string = path.join(projectRoot(), 'policies')): DynamicModule {
    return {
      module: PoliciesModule,
      providers: [
        { provide: PolicyStore, useFactory: () => new PolicyStore(loadPolicies(dir)) },
        {
          provide: PolicyDecisionPoint,
          inject: [PolicyStore, Clock],
          useFactory: (store: PolicyStore, clock: Clock) => new PolicyDecisionPoint(store, clock),
        },
      ],
      exports: [PolicyStore, PolicyDecisionPoint],
    };
  }
}
