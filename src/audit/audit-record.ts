/**
 * What a module hands the audit log: an event's facts, with pseudonymous references only (actor ids,
 * organisation ids, dataset ids, levels, counts) — never a BSN, record content or a suppressed value.
 * The writer adds the time and the request's correlation id; the sequencer adds `seq` and the leaf hash.
 */
export interface AuditRecord {
  readonly type: string;
  readonly actor?: string | null;
  readonly actorKind?: 'client' | 'person' | 'system' | null;
  readonly organisation?: string | null;
  readonly roles?: readonly string[];
  readonly purpose?: string | null;
  readonly action?: string | null;
  readonly resource?: Readonly<Record<string, unknown>> | null;
  readonly outcome?: 'allow' | 'deny' | 'success' | 'failure' | null;
  readonly rule?: string | null;
  readonly reason?: string | null;
  readonly policyHash?: string | null;
  readonly details?: Readonly<Record<string, unknown>> | null;
}

/** An event as queued: every field present, so its canonical form never depends on who wrote it. */
export interface QueuedEvent {
  readonly at: string;
  readonly type: string;
  readonly actor: string | null;
  readonly actorKind: 'client' | 'person' | 'system' | null;
  readonly organisation: string | null;
  readonly roles: readonly string[];
  readonly purpose: string | null;
  readonly action: string | null;
  readonly resource: Readonly<Record<string, unknown>> | null;
  readonly outcome: 'allow' | 'deny' | 'success' | 'failure' | null;
  readonly rule: string | null;
  readonly reason: string | null;
  readonly policyHash: string | null;
  readonly correlationId: string | null;
  readonly details: Readonly<Record<string, unknown>> | null;
}

export function toQueuedEvent(record: AuditRecord, at: Date, correlationId: string | null): QueuedEvent {
  return {
    at: at.toISOString(),
    type: record.type,
    actor: record.actor ?? null,
    actorKind: record.actorKind ?? null,
    organisation: record.organisation ?? null,
    roles: [...(record.roles ?? [])],
    purpose: record.purpose ?? null,
    action: record.action ?? null,
    resource: record.resource ?? null,
    outcome: record.outcome ?? null,
    rule: record.rule ?? null,
    reason: record.reason ?? null,
    policyHash: record.policyHash ?? null,
    correlationId,
    details: record.details ?? null,
  };
}

/** The actor fields of an event done by an authenticated caller. */
export function actorOf(principal: {
  readonly id: string;
  readonly kind: 'client' | 'person';
  readonly organisation: string;
  readonly roles: readonly string[];
}): Pick<AuditRecord, 'actor' | 'actorKind' | 'organisation' | 'roles'> {
  return { actor: principal.id, actorKind: principal.kind, organisation: principal.organisation, roles: principal.roles };
}
