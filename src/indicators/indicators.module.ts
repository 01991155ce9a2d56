import { Module } from '@nestjs/common';
import { GeographyModule } from '../geography/geography.module.js';
import { IngestionModule } from '../ingestion/ingestion.module.js';
import { CubeRepository } from './cube.repository.js';
import { CubeService } from './cube.service.js';
import { ExtractsController } from './extracts.controller.js';
import { ExtractsService } from './extracts.service.js';
import { IndicatorCatalogue } from './indicator-catalogue.js';

/** The indicator catalogue, protected cubes and the extracts sliced from them. */
@Module({
  imports: [IngestionModule, GeographyModule],
  controllers: [ExtractsController],
  providers: [IndicatorCatalogue, CubeRepository, CubeService, ExtractsService],
  exports: [IndicatorCatalogue, CubeService],
})
export class IndicatorsModule {}
