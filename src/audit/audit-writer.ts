import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { ServiceUnavailableProblem } from '../common/problem/problem.js';
import { requestContext } from '../common/request-context.js';
import { Database } from '../database/database.js';
import { type AuditRecord, toQueuedEvent } from './audit-record.js';

/** The audit log could not take the event: the action it belongs to must not happen either. */
export class AuditUnavailableProblem extends ServiceUnavailableProblem {
  constructor() {
    super('The audit log cannot record this request right now, so nothing was done. Try again later.');
  }
}

/**
 * Appends events to the audit queue. `append` writes inside the caller's transaction, so an action and
 * its event commit together or not at all (fail closed); `appendNow` is for events that stand alone
 * (authentication failures, policy decisions made before any write).
 */
@Injectable()
export class AuditWriter {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
  ) {}

  async append(tx: EntityManager, ...records: AuditRecord[]): Promise<void> {
    if (records.length === 0) return;
    const correlationId = requestContext.current()?.correlationId ?? null;
    const at = this.clock.now();
    const events = records.map((r) => JSON.stringify(toQueuedEvent(r, at, correlationId)));
    try {
      await tx.query('INSERT INTO audit_queue (event) SELECT unnest($1::jsonb[])', [events]);
    } catch {
      throw new AuditUnavailableProblem();
    }
  }

  async appendNow(...records: AuditRecord[]): Promise<void> {
    try {
      await this.database.withTransaction((tx) => this.append(tx, ...records));
    } catch (error) {
      throw error instanceof AuditUnavailableProblem ? error : new AuditUnavailableProblem();
    }
  }
}
