import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { NotFoundProblem, type ProblemItem, ValidationProblem } from '../common/problem/problem.js';
import { PolicyStore } from '../policies/policy-store.js';
import { AuditRepository, type StoredCheckpoint } from './audit.repository.js';
import { AuditSequencer } from './audit-sequencer.js';
import { actorOf } from './audit-record.js';
import { AuditWriter } from './audit-writer.js';
import { integer, parseEventQuery } from './audit-query.js';
import { CheckpointService } from './checkpoint.service.js';
import type { AuditEvent } from './core/audit-event.js';
import { eventLine, headerLine, trailerLine } from './core/export-format.js';
import { consistencyProof, inclusionProof } from './core/merkle.js';

type Query = Readonly<Record<string, unknown>>;

const EXPORT_BATCH = 2000;
const CSV_COLUMNS = [
  'seq', 'at', 'type', 'actor', 'actorKind', 'organisation', 'roles', 'purpose', 'action',
  'resource', 'outcome', 'rule', 'reason', 'policyHash', 'correlationId', 'leafHash',
] as const;

export const REPORTS = {
  'accesses-by-purpose': "coalesce(purpose, '(none)')",
  'accesses-by-dataset': "coalesce(dataset, '(none)')",
  'accesses-by-organisation': "coalesce(organisation, '(none)')",
  'accesses-by-month': "to_char(at AT TIME ZONE 'UTC', 'YYYY-MM')",
} as const;

/**
 * The privacy officer's view of the log. Every read and export is itself audited before any event
 * leaves (fail closed), and every answer is taken after the queue has been sequenced, so it includes
 * everything committed before the request.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly repository: AuditRepository,
    private readonly sequencer: AuditSequencer,
    private readonly checkpoints: CheckpointService,
    private readonly writer: AuditWriter,
    private readonly store: PolicyStore,
  ) {}

  async search(principal: Principal, query: Query): Promise<{ events: AuditEvent[]; next: number | null }> {
    const { filter, after, limit } = parseEventQuery(query);
    await this.recordAccess(principal, 'read', 'events', { filter, after, limit });
    await this.sequencer.flush();
    const events = await this.repository.search(filter, after, limit + 1);
    const page = events.slice(0, limit);
    return { events: page, next: events.length > limit ? page[page.length - 1]!.seq : null };
  }

  async event(principal: Principal, seq: number): Promise<AuditEvent> {
    await this.recordAccess(principal, 'read', 'event', { seq });
    await this.sequencer.flush();
    const event = await this.repository.eventAt(seq);
    if (!event) throw new NotFoundProblem(`There is no audit event ${seq}.`);
    return event;
  }

  /**
   * The whole log as JSON lines — a header, every event, and a checkpoint issued for exactly this
   * export — the input of `npm run audit:verify`.
   */
  async exportLog(principal: Principal): Promise<AsyncIterable<string>> {
    await this.recordAccess(principal, 'export', 'log', { format: 'jsonl' });
    const checkpoint = await this.checkpoints.issue();
    const header = headerLine(checkpoint.origin, { publicKey: this.checkpoints.publicKeyPem, exportedAt: checkpoint.issuedAt });
    const repository = this.repository;
    return (async function* () {
      yield `${header}\n`;
      for (let from = 0; from < checkpoint.treeSize; from += EXPORT_BATCH) {
        const events = await repository.range(from, Math.min(from + EXPORT_BATCH, checkpoint.treeSize));
        yield events.map((event) => `${eventLine(event)}\n`).join('');
      }
      yield `${trailerLine(checkpoint)}\n`;
    })();
  }

  /** Matching events as CSV (RFC 4180), for spreadsheets; not verifiable on its own. */
  async exportCsv(principal: Principal, query: Query): Promise<AsyncIterable<string>> {
    const { filter } = parseEventQuery({ ...query, limit: undefined, after: undefined });
    await this.recordAccess(principal, 'export', 'events', { filter, format: 'csv' });
    await this.sequencer.flush();
    const repository = this.repository;
    return (async function* () {
      yield `${CSV_COLUMNS.join(',')}\r\n`;
      let after = -1;
      for (;;) {
        const page = await repository.search(filter, after, EXPORT_BATCH);
        for (const event of page) yield `${CSV_COLUMNS.map((c) => csvCell(event[c])).join(',')}\r\n`;
        if (page.length < EXPORT_BATCH) return;
        after = page[page.length - 1]!.seq;
      }
    })();
  }

  async inclusionProof(principal: Principal, seq: number, query: Query) {
    const errors: ProblemItem[] = [];
    const requested = integer(query.treeSize, 'treeSize', 0, 1, Number.MAX_SAFE_INTEGER, errors);
    if (errors.length > 0) throw new ValidationProblem(errors);
    await this.recordAccess(principal, 'read', 'inclusion-proof', { seq });
    const checkpoint = await this.checkpointCovering(requested || seq + 1);
    if (seq >= checkpoint.treeSize) {
      throw new ValidationProblem([{ parameter: 'treeSize', detail: 'must be larger than seq', code: 'range' }]);
    }
    const leaves = await this.repository.leafHashes(checkpoint.treeSize);
    return {
      seq,
      treeSize: checkpoint.treeSize,
      leafHash: leaves[seq]!.toString('hex'),
      proof: inclusionProof(leaves, seq, checkpoint.treeSize).map((h) => h.toString('hex')),
      checkpoint,
    };
  }

  async consistencyProof(principal: Principal, query: Query) {
    const errors: ProblemItem[] = [];
    const from = integer(query.from, 'from', -1, 1, Number.MAX_SAFE_INTEGER, errors);
    const to = integer(query.to, 'to', -1, 1, Number.MAX_SAFE_INTEGER, errors);
    if (query.from === undefined) errors.push({ parameter: 'from', detail: 'is required', code: 'required' });
    if (query.to === undefined) errors.push({ parameter: 'to', detail: 'is required', code: 'required' });
    if (errors.length === 0 && from > to) errors.push({ parameter: 'from', detail: 'must not exceed to', code: 'range' });
    if (errors.length > 0) throw new ValidationProblem(errors);
    await this.recordAccess(principal, 'read', 'consistency-proof', { from, to });
    await this.sequencer.flush();
    const size = (await this.repository.treeState()).size;
    if (to > size) throw new ValidationProblem([{ parameter: 'to', detail: `the log holds ${size} events`, code: 'range' }]);
    const leaves = await this.repository.leafHashes(to);
    return { from, to, proof: consistencyProof(leaves, from, to).map((h) => h.toString('hex')) };
  }

  async listCheckpoints(principal: Principal): Promise<StoredCheckpoint[]> {
    await this.recordAccess(principal, 'read', 'checkpoints', {});
    return this.repository.checkpoints(100);
  }

  async issueCheckpoint(principal: Principal): Promise<StoredCheckpoint> {
    await this.recordAccess(principal, 'read', 'checkpoint-issued', {});
    return this.checkpoints.issue();
  }

  publicKey(): { origin: string; publicKeyPem: string } {
    return { origin: this.checkpoints.origin, publicKeyPem: this.checkpoints.publicKeyPem };
  }

  async report(principal: Principal, name: string, query: Query) {
    const { filter } = parseEventQuery({ ...query, limit: undefined, after: undefined });
    await this.recordAccess(principal, 'read', `report:${name}`, { filter });
    await this.sequencer.flush();
    if (name in REPORTS) {
      const rows = await this.repository.countBy(REPORTS[name as keyof typeof REPORTS], filter, "type = 'policy.decision'");
      return { report: name, rows: pivot(rows) };
    }
    if (name === 'denials') {
      const rows = await this.repository.countBy(
        "type || ': ' || coalesce(event->>'reason', '(no reason)')",
        filter,
        "outcome IN ('deny', 'failure')",
      );
      return { report: name, rows: rows.map((r) => ({ key: r.key ?? '(none)', count: r.n })) };
    }
    if (name === 'extracts') {
      const rows = await this.repository.suppressionByPurpose(filter);
      return { report: name, rows };
    }
    throw new NotFoundProblem(`There is no report ${name}; reports: ${[...Object.keys(REPORTS), 'denials', 'extracts'].join(', ')}.`);
  }

  private async checkpointCovering(size: number): Promise<StoredCheckpoint> {
    const latest = await this.checkpoints.latest();
    if (latest && latest.treeSize >= size) return latest;
    return this.checkpoints.issue();
  }

  private recordAccess(principal: Principal, action: 'read' | 'export', what: string, details: Record<string, unknown>) {
    return this.writer.appendNow({
      type: action === 'read' ? 'audit.read' : 'audit.export',
      ...actorOf(principal),
      action,
      resource: { type: 'AuditLog', view: what },
      outcome: 'success',
      policyHash: this.store.hash,
      details,
    });
  }
}

function pivot(rows: readonly { key: string | null; outcome: string | null; n: number }[]) {
  const byKey = new Map<string, { key: string; allow: number; deny: number }>();
  for (const row of rows) {
    const key = row.key ?? '(none)';
    const entry = byKey.get(key) ?? { key, allow: 0, deny: 0 };
    if (row.outcome === 'allow') entry.allow += row.n;
    else if (row.outcome === 'deny') entry.deny += row.n;
    byKey.set(key, entry);
  }
  return [...byKey.values()];
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  // Quote always-risky cells, and defuse spreadsheet formulas (=, +, -, @ at the start).
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) || safe !== text ? `"${safe.replaceAll('"', '""')}"` : safe;
}
