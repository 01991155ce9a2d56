/**
 * Protected cubes for every indicator of the synthetic city and of the ten-times city, on PostgreSQL:
 * the SQL aggregation alone against the whole pipeline (aggregation + primary rules + secondary
 * suppression + LP audit + storing), with cells and suppressions counted.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:cubes
 *
 * Prints one JSON line. Targets: a full Almere cube (every level down to pc6) in under 1 s per
 * indicator; the ten-times city in under 10 s. BENCH_SCALES=1 runs only Almere.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../src/app.factory.js';
import { loadConfig } from '../src/config/app-config.js';
import { DemoCityService } from '../src/demo/demo-city.service.js';
import { DemoSeeder } from '../src/geography/demo-seeder.js';
import { CubeService } from '../src/indicators/cube.service.js';
import { IndicatorCatalogue } from '../src/indicators/indicator-catalogue.js';
import { withScratchDatabase } from './scratch-database.js';

const SCALES = (process.env.BENCH_SCALES ?? '1,10').split(',').map(Number);

async function seconds<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const result = await work();
  return [result, Number(process.hrtime.bigint() - start) / 1e9];
}

async function runScale(url: string, scale: number) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sk-bench-cubes-'));
  const app = await createApp(loadConfig({ DATABASE_URL: url, DATA_DIR: dir, LOG_LEVEL: 'error', DEMO: 'off' }));
  try {
    const [, loadSeconds] = await seconds(async () => {
      await app.get(DemoSeeder).seedIfEmpty({ seed: 1, scale });
      await app.get(DemoCityService).loadPartnerFiles({ seed: 1, scale });
    });
    const cubes = app.get(CubeService);
    const indicators = [];
    for (const spec of app.get(IndicatorCatalogue).all()) {
      const [rows, aggregation] = await seconds(() => cubes.aggregate(spec));
      const [cube, full] = await seconds(() => cubes.cube(spec));
      const suppressed = cube.cells.filter((c) => c.status !== 'published').length;
      const secondary = cube.cells.filter((c) => c.status === 'secondary').length;
      indicators.push({
        indicator: spec.id,
        cells: rows.length,
        released: cube.released,
        suppressed,
        secondary,
        secondary_share: Number((secondary / rows.length).toFixed(3)),
        rounds: cube.summary.rounds,
        aggregation_seconds: Number(aggregation.toFixed(3)),
        full_seconds: Number(full.toFixed(3)),
      });
    }
    return { scale, load_seconds: Number(loadSeconds.toFixed(1)), indicators };
  } finally {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const results = [];
  for (const scale of SCALES) results.push(await withScratchDatabase((url) => runScale(url, scale)));
  console.log(JSON.stringify({ bench: 'cubes', database: 'postgresql', results, target_seconds: { scale_1: 1, scale_10: 10 } }));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
