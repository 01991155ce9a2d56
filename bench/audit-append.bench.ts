/**
 * Sustained audit append rate with concurrent writers, against plain inserts of the same events into an
 * unchained table, in the same run on the same database. Counts an event only once it is sequenced
 * into the hash-chained log (seq + leaf hash + Merkle frontier), not merely queued.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:audit
 *
 * Prints one JSON line. Uses a fresh database it creates and drops.
 */
import { AuditRepository } from '../src/audit/audit.repository.js';
import { AuditWriter } from '../src/audit/audit-writer.js';
import { SystemClock } from '../src/common/clock.js';
import { openDatabase } from '../src/database/data-source.factory.js';
import { Database } from '../src/database/database.js';
import { withScratchDatabase } from './scratch-database.js';

const WRITERS = Number(process.env.BENCH_WRITERS ?? 8);
const PER_WRITER = Number(process.env.BENCH_EVENTS_PER_WRITER ?? 2500);

function event(i: number) {
  return {
    type: 'policy.decision',
    actor: `emp-${i % 50}`,
    actorKind: 'person' as const,
    organisation: 'gemeente-almere',
    roles: ['analyst'],
    purpose: 'wijkaanpak',
    action: 'read',
    resource: { type: 'Aggregate', dataset: 'uitkeringen', levelRank: 1 },
    outcome: 'allow' as const,
    rule: 'agreement:sozawe-uitkeringen',
    policyHash: 'b0cedb4503c5aa516d5eb23d107dcfd6431891c42d2e88d8c9cddb5bebb07d6b',
  };
}

async function timed(work: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function main(): Promise<void> {
  await withScratchDatabase(run);
}

async function run(url: string): Promise<void> {
  const database = new Database(await openDatabase({ kind: 'postgres', url, poolSize: WRITERS + 2 }));
  try {
    const total = WRITERS * PER_WRITER;
    await database.query('CREATE TABLE bench_plain (id bigserial PRIMARY KEY, event jsonb NOT NULL)');
    const baseline = await timed(async () => {
      await Promise.all(
        Array.from({ length: WRITERS }, async (_, w) => {
          for (let i = 0; i < PER_WRITER; i++) {
            await database.withTransaction((tx) =>
              tx.query('INSERT INTO bench_plain (event) VALUES ($1)', [JSON.stringify(event(w * PER_WRITER + i))]),
            );
          }
        }),
      );
    });

    const writer = new AuditWriter(database, new SystemClock());
    const repository = new AuditRepository(database);
    let writing = true;
    const chained = await timed(async () => {
      const sequencer = (async () => {
        while (writing || (await repository.queuedCount()) > 0) {
          if ((await repository.sequence(5000)) === 0) await new Promise((r) => setTimeout(r, 5));
        }
      })();
      await Promise.all(
        Array.from({ length: WRITERS }, async (_, w) => {
          for (let i = 0; i < PER_WRITER; i++) {
            await database.withTransaction((tx) => writer.append(tx, event(w * PER_WRITER + i)));
          }
        }),
      );
      writing = false;
      await sequencer;
    });
    const [{ size }] = await database.query<{ size: string }>('SELECT size FROM audit_tree') as [{ size: string }];
    const [{ gaps }] = await database.query<{ gaps: number }>(
      'SELECT count(*)::int AS gaps FROM (SELECT seq - lag(seq) OVER (ORDER BY seq) AS d FROM audit_log) s WHERE d <> 1',
    ) as [{ gaps: number }];
    console.log(
      JSON.stringify({
        bench: 'audit-append',
        database: 'postgresql',
        writers: WRITERS,
        events: total,
        sequenced: Number(size),
        gaps,
        events_per_s: Math.round(total / chained),
        baseline_plain_insert_events_per_s: Math.round(total / baseline),
        ratio_to_baseline: Number((baseline / chained).toFixed(3)),
        target_events_per_s: 2000,
      }),
    );
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
