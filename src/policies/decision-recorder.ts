import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditWriter } from '../audit/audit-writer.js';
import type { DecisionRecord } from './policy-decision.js';

/**
 * Every allow and deny goes into the audit log as a `policy.decision` event. The records carry only
 * pseudonymous references (actor ids, organisations, dataset ids, levels), never record content.
 * With a transaction the decision commits with the action it allowed; without, it stands alone.
 */
@Injectable()
export class DecisionRecorder {
  constructor(private readonly audit: AuditWriter) {}

  async record(record: DecisionRecord, tx?: EntityManager): Promise<void> {
    const event = {
      type: 'policy.decision',
      actor: record.actor,
      actorKind: record.actorKind,
      organisation: record.organisation,
      roles: record.roles,
      purpose: record.purpose,
      action: record.action,
      resource: record.resource,
      outcome: record.outcome,
      rule: record.rule,
      reason: record.reason,
      policyHash: record.policyHash,
    } as const;
    if (tx) await this.audit.append(tx, event);
    else await this.audit.appendNow(event);
  }
}
