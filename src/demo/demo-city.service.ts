import { Readable } from 'node:stream';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { AppLogger } from '../common/logging/app-logger.js';
import { ProblemError } from '../common/problem/problem.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { Database } from '../database/database.js';
import { DemoSeeder } from '../geography/demo-seeder.js';
import { generateCity } from '../geography/synthetic/city-generator.js';
import { type CityFile, MemorySink } from '../geography/synthetic/city-sink.js';
import { REFERENCE_YEAR } from '../geography/synthetic/population.js';
import { DatasetCatalogue } from '../ingestion/dataset-catalogue.js';
import { IngestionService } from '../ingestion/ingestion.service.js';
import { PolicyStore } from '../policies/policy-store.js';

/** The demo's partner files, each delivered by its supplier's client, as a partner would upload it. */
const PARTNER_FILES: readonly { file: CityFile; dataset: string }[] = [
  { file: 'bevolking.csv', dataset: 'bevolking' },
  { file: 'inkomen.csv', dataset: 'inkomen' },
  { file: 'uitkeringen.csv', dataset: 'uitkeringen' },
  { file: 'huurachterstand.csv', dataset: 'huurachterstand' },
  { file: 'schuldhulp.csv', dataset: 'schuldhulp' },
  { file: 'jeugdzorg.csv', dataset: 'jeugdzorg' },
  { file: 'schooluitval.csv', dataset: 'schooluitval' },
  { file: 'incidenten.csv', dataset: 'incidenten' },
];

const PERIOD_OF: Record<string, string> = { month: `${REFERENCE_YEAR}-12`, quarter: `${REFERENCE_YEAR}-Q4`, year: `${REFERENCE_YEAR}` };

/**
 * With the demo on, an empty installation becomes a living city: the synthetic Almere's geography is
 * imported, then every partner file is uploaded through the ingestion service under its supplier's
 * client — the same validation, pseudonymisation, location, policy decisions and audit as real uploads.
 * Both load in the background, so the gateway answers at once; a stop waits for the file in progress.
 */
@Injectable()
export class DemoCityService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private loading: Promise<void> = Promise.resolve();
  private stopping = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly geography: DemoSeeder,
    private readonly ingestion: IngestionService,
    private readonly catalogue: DatasetCatalogue,
    private readonly store: PolicyStore,
    private readonly database: Database,
    private readonly logger: AppLogger,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.demo.enabled) return;
    const options = { seed: this.config.demo.seed, scale: this.config.demo.scale };
    this.loading = this.load(options).catch((error: unknown) => {
      this.logger.event('error', 'demo.load-failed', { errorClass: error instanceof Error ? error.name : 'unknown' });
    });
  }

  /** Geography first (records are located in it), then the partner files, once per installation. */
  private async load(options: { seed: number; scale: number }): Promise<void> {
    await this.geography.seedIfEmpty(options);
    const [row] = await this.database.query<{ seeded: boolean }>('SELECT demo_seeded_at IS NOT NULL AS seeded FROM installation');
    if (row?.seeded || this.stopping) return;
    await this.loadPartnerFiles(options);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.loading;
  }

  /** Uploads every partner file once; returns when all are stored. */
  async loadPartnerFiles(options: { seed: number; scale: number; wijken?: readonly string[] }): Promise<void> {
    const started = Date.now();
    const sink = new MemorySink(PARTNER_FILES.map((p) => p.file));
    generateCity(options, sink);
    const loaded: Record<string, number> = {};
    for (const { file, dataset } of PARTNER_FILES) {
      if (this.stopping) return;
      const spec = this.catalogue.get(dataset);
      const client = this.supplierClient(spec?.supplier);
      if (!spec || !client) continue;
      const text = sink.text(file);
      try {
        const { receipt } = await this.ingestion.upload(client, {
          dataset,
          period: PERIOD_OF[spec.period],
          contentType: 'text/csv; charset=utf-8',
          idempotencyKey: `demo-${options.seed}-${dataset}`,
          body: Readable.from(chunks(text)),
        });
        loaded[dataset] = receipt.rows.accepted;
      } catch (error) {
        // A rejected demo file is a bug in the generator or the declarations: say which, and go on.
        this.logger.event('error', 'demo.partner-file-rejected', {
          dataset,
          problem: error instanceof ProblemError ? error.slug : 'unknown',
        });
      }
    }
    await this.database.query('UPDATE installation SET demo_seeded_at = now()');
    this.logger.event('info', 'demo.partner-files-loaded', { rows: loaded, durationMs: Date.now() - started });
  }

  private supplierClient(organisation: string | undefined): Principal | undefined {
    const policies = this.store.policies;
    const suppliers = new Set(policies.roles.filter((r) => r.grants.includes('supply-data')).map((r) => r.id));
    const client = policies.clients.find((c) => c.organisation === organisation && c.roles.some((r) => suppliers.has(r)));
    if (!client) return undefined;
    return { kind: 'client', id: client.id, organisation: client.organisation, roles: client.roles, purposes: [], tokenId: 'demo-seed' };
  }
}

function* chunks(text: string): Generator<Buffer> {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += 1 << 20) yield bytes.subarray(i, i + (1 << 20));
}
