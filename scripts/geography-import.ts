/**
 * Imports reference geography into the gateway's database (the one DATABASE_URL / PGLITE_DATA_DIR
 * names, exactly as the gateway would open it):
 *
 *   node dist/scripts/geography-import.js cbs wijk_buurt_2025.geojson --year 2025
 *   node dist/scripts/geography-import.js addresses adressen.csv --year 2025
 *
 * A refused file lists every bad line and changes nothing (exit code 65).
 */
import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import { loadConfig } from '../src/config/app-config.js';
import { openDatabase } from '../src/database/data-source.factory.js';
import { Database } from '../src/database/database.js';
import { GeographyRepository } from '../src/geography/geography.repository.js';
import {
  GeographyImportRejected,
  GeographyImporter,
  IMPORT_KINDS,
  type ImportKind,
} from '../src/geography/importers/geography-importer.js';

const USAGE = `usage: geography-import <${IMPORT_KINDS.join('|')}> <file> [--year 2025]`;

async function main(argv: readonly string[]): Promise<number> {
  const positional = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--year');
  const yearIndex = argv.indexOf('--year');
  const year = yearIndex >= 0 ? Number(argv[yearIndex + 1]) : 2025;
  const [kind, file] = positional;
  if (!kind || !IMPORT_KINDS.includes(kind as ImportKind) || !file || !Number.isInteger(year) || year < 1900 || year > 2200) {
    console.error(USAGE);
    return 64;
  }

  const text = await readFile(file, 'utf8');
  const database = new Database(await openDatabase(loadConfig(process.env).database));
  try {
    const started = Date.now();
    const report = await new GeographyImporter(new GeographyRepository(database)).import(kind as ImportKind, text, year);
    console.log(JSON.stringify({ ...report, file, durationMs: Date.now() - started }));
    return 0;
  } catch (error) {
    if (!(error instanceof GeographyImportRejected)) throw error;
    for (const issue of error.issues) console.error(`${file}: ${issue.location}: ${issue.message}`);
    console.error(error.message);
    return 65;
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`geography-import failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
