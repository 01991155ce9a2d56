import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Database } from '../database/database.js';
import { PolicyStore } from '../policies/policy-store.js';
import { AuditSequencer } from './audit-sequencer.js';
import { AuditWriter } from './audit-writer.js';

/**
 * Records in the audit log when the gateway starts with policy files other than the last ones it ran
 * with, so the privacy officer can see from when which policies were in force.
 */
@Injectable()
export class PolicyVersionRecorder implements OnApplicationBootstrap {
  constructor(
    private readonly store: PolicyStore,
    private readonly database: Database,
    private readonly sequencer: AuditSequencer,
    private readonly writer: AuditWriter,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.sequencer.flush();
    const [last] = await this.database.query<{ hash: string | null }>(
      "SELECT event->>'policyHash' AS hash FROM audit_log WHERE type = 'policy.version' ORDER BY seq DESC LIMIT 1",
    );
    if (last?.hash === this.store.hash) return;
    const policies = this.store.policies;
    await this.writer.appendNow({
      type: 'policy.version',
      actorKind: 'system',
      action: 'load',
      outcome: 'success',
      policyHash: this.store.hash,
      resource: { type: 'PolicySet' },
      details: {
        previousPolicyHash: last?.hash ?? null,
        agreements: policies.agreements.map((a) => a.id),
        purposes: policies.purposes.map((p) => p.id),
        clients: policies.clients.map((c) => c.id),
      },
    });
  }
}
