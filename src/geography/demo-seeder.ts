import { Injectable } from '@nestjs/common';
import { AppLogger } from '../common/logging/app-logger.js';
import { GeographyRepository } from './geography.repository.js';
import { GeographyImporter } from './importers/geography-importer.js';
import { generateCity } from './synthetic/city-generator.js';
import type { CityOptions } from './synthetic/city-plan.js';
import { MemorySink } from './synthetic/city-sink.js';

export const DEMO_GEOGRAPHY_YEAR = 2025;

/**
 * With the demo on, a gateway that starts without any geography gets the synthetic Almere (DemoCityService). The city
 * is generated in memory as the same two files a municipality would bring (CBS areas, BAG-like
 * addresses) and loaded through the same importer, so the demo exercises the real import path.
 */
@Injectable()
export class DemoSeeder {
  constructor(
    private readonly repository: GeographyRepository,
    private readonly importer: GeographyImporter,
    private readonly logger: AppLogger,
  ) {}

  /** Loads a synthetic city unless some geography is already there; true when it did. */
  async seedIfEmpty(options: CityOptions): Promise<boolean> {
    if (await this.repository.hasUnits()) return false;
    const started = Date.now();
    const sink = new MemorySink(['wijken-buurten.geojson', 'addresses.csv']);
    generateCity({ ...options, people: false }, sink);
    const areas = await this.importer.importCbsGeoJson(sink.text('wijken-buurten.geojson'), DEMO_GEOGRAPHY_YEAR);
    const addresses = await this.importer.importAddresses(sink.text('addresses.csv'), DEMO_GEOGRAPHY_YEAR);
    this.logger.event('info', 'demo.geography-seeded', {
      seed: options.seed,
      scale: options.scale,
      year: DEMO_GEOGRAPHY_YEAR,
      units: { ...areas.units, ...addresses.units },
      addresses: addresses.addresses,
      durationMs: Date.now() - started,
    });
    return true;
  }
}
