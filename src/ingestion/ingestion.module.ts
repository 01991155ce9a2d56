import { Module } from '@nestjs/common';
import { AppLogger } from '../common/logging/app-logger.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { AddressLocator } from './address-locator.js';
import { BatchRepository } from './batch.repository.js';
import { DatasetCatalogue } from './dataset-catalogue.js';
import { IngestionController } from './ingestion.controller.js';
import { IngestionService, PSEUDONYMISER } from './ingestion.service.js';
import { Pseudonymiser } from './pseudonymiser.js';
import { RetentionJob } from './retention.job.js';

@Module({
  controllers: [IngestionController],
  providers: [
    DatasetCatalogue,
    BatchRepository,
    AddressLocator,
    IngestionService,
    RetentionJob,
    {
      provide: PSEUDONYMISER,
      inject: [APP_CONFIG, AppLogger],
      useFactory: async (config: AppConfig, logger: AppLogger) => {
        const { pseudonymiser, created } = await Pseudonymiser.fromKeyFile(config.ingestion.pseudonymKeyFile);
        if (created) logger.event('warn', 'ingestion.pseudonym-key-created', { file: config.ingestion.pseudonymKeyFile });
        return pseudonymiser;
      },
    },
  ],
  exports: [IngestionService, DatasetCatalogue],
})
export class IngestionModule {}
