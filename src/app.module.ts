import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { DefaultDenyGuard } from './auth/default-deny.guard.js';
import { AppLogger } from './common/logging/app-logger.js';
import { LoggingModule } from './common/logging/logging.module.js';
import { ProblemFilter } from './common/problem/problem.filter.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import type { OpenApiDocument } from './openapi/openapi-document.js';
import { OpenApiModule } from './openapi/openapi.module.js';

export interface AppModuleOptions {
  readonly config: AppConfig;
  readonly document: OpenApiDocument;
  readonly logger: AppLogger;
}

@Module({})
export class AppModule {
  static register({ config, document, logger }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(logger),
        DatabaseModule,         OpenApiModule.forRoot(document),
        HealthModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: DefaultDenyGuard },
        { provide: APP_FILTER, useFactory: (log: AppLogger) => new ProblemFilter(log), inject: [AppLogger] },
      ],
    };
  }
}
