import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DemoCityService } from '../../src/demo/demo-city.service.js';
import { DemoSeeder } from '../../src/geography/demo-seeder.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const CITY = { seed: 7, scale: 0.2, wijken: ['WK003451', 'WK003428'] };

describe('the demo city', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await t.app.get(DemoSeeder).seedIfEmpty(CITY);
    await t.app.get(DemoCityService).loadPartnerFiles(CITY);
  });
  afterAll(async () => {
    await t.close();
  });

  it('loads every partner file through the upload path, each stored by its supplier', async () => {
    const batches = await t.database.query<{ dataset: string; organisation: string; status: string; rows_accepted: number }>(
      'SELECT dataset, organisation, status, rows_accepted FROM batch ORDER BY dataset',
    );
    expect(batches.map((b) => b.dataset)).toEqual([
      'bevolking', 'huurachterstand', 'incidenten', 'inkomen', 'jeugdzorg', 'schooluitval', 'schuldhulp', 'uitkeringen',
    ]);
    for (const b of batches) {
      expect(b.status).toBe('stored');
      expect(b.rows_accepted).toBeGreaterThan(0);
    }
    expect(batches.find((b) => b.dataset === 'huurachterstand')!.organisation).toBe('woningcorporatie');
    expect(t.logs.text).not.toContain('demo.partner-file-rejected');
  });

  it('locates every address-bearing record', async () => {
    const [row] = await t.database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM record r JOIN batch b ON b.id = r.batch_id
       WHERE b.dataset IN ('bevolking', 'huurachterstand', 'incidenten') AND r.pc6_unit IS NULL`,
    );
    expect(row!.n).toBe(0);
  });

  it('uploads once: a second run is an idempotent replay', async () => {
    await t.app.get(DemoCityService).loadPartnerFiles(CITY);
    const [row] = await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM batch');
    expect(row!.n).toBe(8);
  });
});
