import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { AuthenticationGuard } from './auth/authentication.guard.js';
import { ClientsModule } from './clients/clients.module.js';
import { type Clock } from './common/clock.js';
import { CommonModule } from './common/common.module.js';
import { AppLogger } from './common/logging/app-logger.js';
import { ProblemFilter } from './common/problem/problem.filter.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { DemoModule } from './demo/demo.module.js';
import { GeographyModule } from './geography/geography.module.js';
import { HealthModule } from './health/health.module.js';
import { EarlyWarningModule } from './early-warning/early-warning.module.js';
import { IndicatorsModule } from './indicators/indicators.module.js';
import { IngestionModule } from './ingestion/ingestion.module.js';
import type { OpenApiDocument } from './openapi/openapi-document.js';
import { OpenApiModule } from './openapi/openapi.module.js';
import { PoliciesModule } from './policies/policies.module.js';
import { PolicyGuard } from './policies/policy.guard.js';
import { SignalsModule } from './signals/signals.module.js';

export interface AppModuleOptions {
  readonly config: AppConfig;
  readonly document: OpenApiDocument;
  readonly logger: AppLogger;
  readonly clock: Clock;
}

@Module({})
export class AppModule {
  static register({ config, document, logger, clock }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        CommonModule.forRoot(logger, clock),
        DatabaseModule,
        PoliciesModule.forRoot(config.policiesDir),
        AuditModule,
        OpenApiModule.forRoot(document),
        HealthModule,
        GeographyModule,
        AuthModule,
        ClientsModule,
        IngestionModule,
        DemoModule,
        IndicatorsModule,
        EarlyWarningModule,
        SignalsModule,
      ],
      providers: [
        // Order matters: authenticate first, then check the route's permission.
        { provide: APP_GUARD, useExisting: AuthenticationGuard },
        { provide: APP_GUARD, useClass: PolicyGuard },
        { provide: APP_FILTER, useFactory: (log: AppLogger) => new ProblemFilter(log), inject: [AppLogger] },
      ],
    };
  }
}
