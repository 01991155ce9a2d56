import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AppLogger } from '../common/logging/app-logger.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { openDatabase } from './data-source.factory.js';
import { Database } from './database.js';

@Global()
@Module({
  providers: [
    {
      provide: Database,
      inject: [APP_CONFIG, AppLogger],
      useFactory: async (config: AppConfig, logger: AppLogger) => {
        const opened = await openDatabase(config.database);
        logger.event('info', 'database.ready', { kind: opened.kind, migrationsApplied: opened.migrationsApplied });
        return new Database(opened);
      },
    },
  ],
  exports: [Database],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(Database) private readonly database: Database) {}

  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
  }
}
