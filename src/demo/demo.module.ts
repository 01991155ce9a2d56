import { Module } from '@nestjs/common';
import { GeographyModule } from '../geography/geography.module.js';
import { IngestionModule } from '../ingestion/ingestion.module.js';
import { DemoCityService } from './demo-city.service.js';

/** The demo city: geography and partner files, loaded through the real import and upload paths. */
@Module({ imports: [GeographyModule, IngestionModule], providers: [DemoCityService], exports: [DemoCityService] })
export class DemoModule {}
