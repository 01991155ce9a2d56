import { Module } from '@nestjs/common';
import { DemoSeeder } from './demo-seeder.js';
import { GeographyController } from './geography.controller.js';
import { GeographyRepository } from './geography.repository.js';
import { GeographyService } from './geography.service.js';
import { GeographyImporter } from './importers/geography-importer.js';

@Module({
  controllers: [GeographyController],
  providers: [GeographyRepository, GeographyService, GeographyImporter, DemoSeeder],
  exports: [GeographyRepository, GeographyImporter, DemoSeeder],
})
export class GeographyModule {}
