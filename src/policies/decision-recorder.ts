import { Injectable } from '@nestjs/common';
import { AppLogger } from '../common/logging/app-logger.js';
import type { DecisionRecord } from './policy-decision.js';

/**
 * Where decision records go. Every allow and deny passes through here; the records carry only
 * pseudonymous references (actor ids, organisations, dataset ids, levels), never record content.
 */
@Injectable()
export class DecisionRecorder {
  constructor(private readonly logger: AppLogger) {}

  record(record: DecisionRecord): void {
    this.logger.event(record.outcome === 'allow' ? 'info' : 'warn', 'policy.decision', { ...record });
  }
}
