import { randomUUID } from 'node:crypto';
import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { AuditWriter } from '../audit/audit-writer.js';
import { actorOf, type AuditRecord } from '../audit/audit-record.js';
import type { Principal } from '../auth/principal.js';
import { Clock } from '../common/clock.js';
import {
  ConflictProblem,
  ForbiddenProblem,
  NotFoundProblem,
  type ProblemItem,
  ProblemError,
  UnsupportedMediaTypeProblem,
  ValidationProblem,
} from '../common/problem/problem.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { Database } from '../database/database.js';
import type { components } from '../generated/openapi.js';
import { DecisionRecorder } from '../policies/decision-recorder.js';
import { PolicyDecisionPoint } from '../policies/policy-decision-point.js';
import { PolicyStore } from '../policies/policy-store.js';
import { AddressLocator } from './address-locator.js';
import { BatchRepository, type BatchRow, type NewBatch } from './batch.repository.js';
import { MEDIA_TYPES, type PipelineResult, runPipeline, type UploadMediaType } from './batch-pipeline.js';
import { DatasetCatalogue } from './dataset-catalogue.js';
import { periodProblem } from './dataset-spec.js';
import { Pseudonymiser } from './pseudonymiser.js';
import { CopyRecordSink, InsertRecordSink, type RecordSink } from './record-sink.js';

export type BatchReceipt = components['schemas']['BatchReceipt'];
export const PSEUDONYMISER = Symbol('PSEUDONYMISER');

export interface UploadRequest {
  readonly dataset: string;
  readonly period: unknown;
  readonly contentType: string | undefined;
  readonly idempotencyKey: string | undefined;
  readonly body: AsyncIterable<Buffer>;
}

/** A batch with row errors: 422, every error listed (capped) with the total; nothing was stored. */
export class BatchRejectedProblem extends ProblemError {
  constructor(receipt: BatchReceipt, errors: readonly PipelineResult['errors'][number][], total: number) {
    super(422, 'batch-rejected', 'Batch rejected', `${total} problem(s) in the batch; nothing was stored. Fix them and upload the whole batch again.`, undefined, {
      batchId: receipt.id,
      rows: receipt.rows,
      rowErrors: errors,
      rowErrorsTotal: total,
    });
  }
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Partner uploads: authorisation by the agreements in force, the streaming pipeline inside one
 * transaction with the batch's audit event, idempotent retries, and the batch lifecycle.
 */
@Injectable()
export class IngestionService {
  constructor(
    private readonly catalogue: DatasetCatalogue,
    private readonly batches: BatchRepository,
    private readonly locator: AddressLocator,
    private readonly database: Database,
    private readonly pdp: PolicyDecisionPoint,
    private readonly decisions: DecisionRecorder,
    private readonly audit: AuditWriter,
    private readonly store: PolicyStore,
    private readonly clock: Clock,
    @Inject(PSEUDONYMISER) private readonly pseudonymiser: Pseudonymiser,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async upload(principal: Principal, request: UploadRequest): Promise<{ created: boolean; receipt: BatchReceipt }> {
    const spec = this.catalogue.get(request.dataset);
    if (!spec) throw new NotFoundProblem(`There is no dataset ${request.dataset}.`);
    const decision = this.pdp.decide(principal, 'create', 'Batch', { organisation: principal.organisation, dataset: spec.id });
    if (!decision.allowed) {
      await this.decisions.record(decision.record);
      throw new ForbiddenProblem(decision.reason ?? 'The policy does not allow this upload.', { rule: decision.rule });
    }
    const { period, mediaType, key } = this.checkRequest(request, spec.period);

    if (key) {
      const earlier = await this.batches.findByKey(principal.organisation, key);
      if (earlier) return { created: false, receipt: await this.replay(earlier, request.body) };
    }

    const units = spec.address ? await this.locator.current() : undefined;
    const now = this.clock.now();
    const batch: NewBatch = {
      id: randomUUID(),
      dataset: spec.id,
      organisation: principal.organisation,
      clientId: principal.id,
      period,
      receivedAt: now,
      idempotencyKey: key ?? null,
      agreementId: decision.rule.startsWith('agreement:') ? decision.rule.slice('agreement:'.length) : null,
      geographyYear: units?.year ?? null,
    };
    const runner = this.database.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    let result: PipelineResult;
    try {
      await runner.startTransaction('READ COMMITTED');
      try {
        await this.batches.insertReceiving(runner, batch);
      } catch {
        throw new ConflictProblem('An upload with this Idempotency-Key is in progress; retry later for its receipt.');
      }
      const sink: RecordSink =
        this.database.kind === 'postgres' ? new CopyRecordSink(client, batch.id) : new InsertRecordSink(runner, batch.id);
      try {
        result = await runPipeline({
          spec,
          mediaType,
          body: request.body,
          maxBytes: this.config.ingestion.maxUploadBytes,
          units,
          pseudonymiser: this.pseudonymiser,
          sink,
        });
      } catch (error) {
        await sink.abort();
        throw error;
      }
      if (result.errorsTotal > 0) {
        await sink.abort();
        await runner.rollbackTransaction();
      } else {
        await sink.close();
        const retainUntil = this.retainUntil(batch.agreementId, now);
        const supersedes = await this.batches.store(runner, batch, result, retainUntil);
        await this.decisions.record(decision.record, runner.manager);
        await this.audit.append(runner.manager, this.batchEvent(principal, 'batch.uploaded', batch, { rows: result.rowsTotal, supersedes }));
        await runner.commitTransaction();
      }
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }

    if (result.errorsTotal > 0) {
      await this.database.withTransaction(async (tx) => {
        await this.batches.insertRejected(tx, batch, result, result.errors, result.errorsTotal);
        await this.decisions.record(decision.record, tx);
        await this.audit.append(tx, this.batchEvent(principal, 'batch.rejected', batch, { rows: result.rowsTotal, errors: result.errorsTotal }));
      });
      const receipt = toReceipt((await this.batches.findById(batch.id))!);
      throw new BatchRejectedProblem(receipt, result.errors, result.errorsTotal);
    }
    return { created: true, receipt: toReceipt((await this.batches.findById(batch.id))!) };
  }

  async list(principal: Principal, dataset: string): Promise<BatchReceipt[]> {
    if (!this.catalogue.get(dataset)) throw new NotFoundProblem(`There is no dataset ${dataset}.`);
    const decision = this.pdp.decide(principal, 'read', 'Batch', { organisation: principal.organisation, dataset });
    await this.decisions.record(decision.record);
    if (!decision.allowed) throw new ForbiddenProblem(decision.reason ?? 'The policy does not allow this.', { rule: decision.rule });
    return (await this.batches.listOwn(principal.organisation, dataset)).map(toReceipt);
  }

  async get(principal: Principal, id: string): Promise<BatchReceipt> {
    return toReceipt(await this.ownBatch(principal, id, 'read'));
  }

  async withdraw(principal: Principal, id: string): Promise<BatchReceipt> {
    const batch = await this.ownBatch(principal, id, 'withdraw');
    if (batch.status === 'stored' || batch.status === 'superseded') {
      await this.database.withTransaction(async (tx) => {
        const removed = await this.batches.removeRecords(tx, batch.id, 'withdrawn', this.clock.now());
        await this.audit.append(tx, this.batchEvent(principal, 'batch.withdrawn', toNew(batch), { records: removed }));
      });
    }
    return toReceipt((await this.batches.findById(id))!);
  }

  /** Removes records past their agreement's retention period; one audited transaction per batch. */
  async purgeExpired(): Promise<number> {
    const now = this.clock.now();
    const expired = await this.batches.expired(now.toISOString().slice(0, 10));
    for (const batch of expired) {
      await this.database.withTransaction(async (tx) => {
        const removed = await this.batches.removeRecords(tx, batch.id, 'purged', now);
        await this.audit.append(tx, {
          type: 'batch.purged',
          actorKind: 'system',
          organisation: batch.organisation,
          action: 'purge',
          resource: { type: 'Batch', id: batch.id, dataset: batch.dataset, organisation: batch.organisation, period: batch.period },
          outcome: 'success',
          policyHash: this.store.hash,
          details: { records: removed, reason: 'retention period of the agreement ended' },
        });
      });
    }
    return expired.length;
  }

  /** Not found and not yours look the same (404), so a partner learns nothing of others' batches. */
  private async ownBatch(principal: Principal, id: string, action: 'read' | 'withdraw'): Promise<BatchRow> {
    const batch = /^[0-9a-f-]{36}$/i.test(id) ? await this.batches.findById(id) : undefined;
    const attributes = { organisation: batch?.organisation ?? '(unknown)', dataset: batch?.dataset ?? '(unknown)' };
    const decision = this.pdp.decide(principal, action, 'Batch', attributes);
    await this.decisions.record(decision.record);
    if (!batch || batch.status === 'receiving' || !decision.allowed) throw new NotFoundProblem('There is no batch with this id among yours.');
    return batch;
  }

  private checkRequest(request: UploadRequest, kind: Parameters<typeof periodProblem>[0]) {
    const errors: ProblemItem[] = [];
    const period = typeof request.period === 'string' ? request.period : '';
    const problem = period === '' ? 'is required' : periodProblem(kind, period);
    if (problem) errors.push({ parameter: 'period', detail: problem, code: 'period' });
    const key = request.idempotencyKey;
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      errors.push({ header: 'Idempotency-Key', detail: 'must be 8 to 128 characters: letters, digits, . _ : -', code: 'pattern' });
    }
    const mediaType = (request.contentType ?? '').split(';')[0]!.trim().toLowerCase();
    const charset = /charset=([^;]+)/i.exec(request.contentType ?? '')?.[1]?.trim().toLowerCase();
    if (!(MEDIA_TYPES as readonly string[]).includes(mediaType)) {
      throw new UnsupportedMediaTypeProblem(`Upload a batch as ${MEDIA_TYPES.join(', ')}.`);
    }
    if (charset && charset !== 'utf-8' && charset !== 'utf8') throw new UnsupportedMediaTypeProblem('Batches must be UTF-8.');
    if (errors.length > 0) throw new ValidationProblem(errors);
    return { period, mediaType: mediaType as UploadMediaType, key };
  }

  /** The same key again: the same body gets the first receipt, another body is refused. */
  private async replay(earlier: BatchRow, body: AsyncIterable<Buffer>): Promise<BatchReceipt> {
    const hash = createHash('sha256');
    for await (const chunk of body) hash.update(chunk);
    if (earlier.content_sha256 !== hash.digest('hex')) {
      throw new ConflictProblem('This Idempotency-Key was used for another body; use a new key for a new batch.');
    }
    const receipt = toReceipt(earlier);
    if (earlier.status === 'rejected') throw new BatchRejectedProblem(receipt, earlier.row_errors ?? [], earlier.row_errors_total);
    return receipt;
  }

  private retainUntil(agreementId: string | null, now: Date): string {
    const agreement = this.store.policies.agreements.find((a) => a.id === agreementId);
    const until = new Date(now);
    until.setUTCMonth(until.getUTCMonth() + (agreement?.retentionMonths ?? 0));
    return until.toISOString().slice(0, 10);
  }

  private batchEvent(principal: Principal, type: string, batch: NewBatch, details: Record<string, unknown>): AuditRecord {
    return {
      type,
      ...actorOf(principal),
      action: type.split('.')[1] ?? null,
      resource: { type: 'Batch', id: batch.id, dataset: batch.dataset, organisation: batch.organisation, period: batch.period },
      outcome: type === 'batch.rejected' ? 'failure' : 'success',
      policyHash: this.store.hash,
      details,
    };
  }
}

function toNew(batch: BatchRow): NewBatch {
  return {
    id: batch.id,
    dataset: batch.dataset,
    organisation: batch.organisation,
    clientId: batch.client_id,
    period: batch.period,
    receivedAt: batch.received_at,
    idempotencyKey: batch.idempotency_key,
    agreementId: null,
    geographyYear: null,
  };
}

export function toReceipt(batch: BatchRow): BatchReceipt {
  return {
    id: batch.id,
    dataset: batch.dataset,
    period: batch.period,
    status: batch.status === 'receiving' ? 'rejected' : batch.status,
    receivedAt: batch.received_at.toISOString(),
    rows: { total: batch.rows_total, accepted: batch.rows_accepted, rejected: batch.rows_rejected },
    supersedes: batch.supersedes,
    supersededBy: batch.superseded_by,
    withdrawnAt: batch.withdrawn_at?.toISOString() ?? null,
    retainUntil: batch.retain_until,
    ...(batch.content_sha256 && { contentSha256: batch.content_sha256 }),
  };
}
