import { canonicalJson } from './canonical-json.js';
import { leafHashOfText } from './merkle.js';

/**
 * One audit event as the log exports it (one JSON object per line). Only non-personal attributes
 * belong here (DESIGN decision 1): the officer's export must be shareable with an auditor.
 */
export interface AuditEvent {
  /** 0-based and gapless: the event's leaf index in the Merkle tree. */
  readonly seq: number;
  readonly at: string;
  readonly type: string;
  readonly actor: string | null;
  readonly actorKind: ActorKind | null;
  readonly organisation: string | null;
  readonly roles: readonly string[];
  readonly purpose: string | null;
  readonly action: string | null;
  readonly resource: JsonObject | null;
  readonly outcome: Outcome | null;
  readonly rule: string | null;
  readonly reason: string | null;
  readonly policyHash: string | null;
  readonly correlationId: string | null;
  readonly details: JsonObject | null;
  /** Lowercase hex of leafHash(eventLeafData(event)). */
  readonly leafHash: string;
}

export type AuditEventBody = Omit<AuditEvent, 'leafHash'>;
export type ActorKind = 'client' | 'person' | 'system';
export type Outcome = 'allow' | 'deny' | 'success' | 'failure';
export type JsonObject = { readonly [key: string]: unknown };

// A format check, not a calendar check: the hash vouches for the value, this only catches garbage.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export const ACTOR_KINDS: readonly ActorKind[] = ['client', 'person', 'system'];
export const OUTCOMES: readonly Outcome[] = ['allow', 'deny', 'success', 'failure'];

/**
 * The bytes that are leaf-hashed: canonical JSON of every member except leafHash. seq is inside,
 * so moving an event to another position changes its hash as well as the tree.
 */
export function eventLeafData(event: AuditEventBody | AuditEvent): Buffer {
  return Buffer.from(eventCanonicalText(event), 'utf8');
}

export function eventLeafHash(event: AuditEventBody | AuditEvent): Buffer {
  return Buffer.from(eventLeafHashHex(event), 'hex');
}

/** Same as eventLeafHash, as hex (the export's form), computed without intermediate buffers. */
export function eventLeafHashHex(event: AuditEventBody | AuditEvent): string {
  return leafHashOfText(eventCanonicalText(event));
}

function eventCanonicalText(event: AuditEventBody | AuditEvent): string {
  // Copied rather than deleted from: `delete` would push V8 into slow dictionary-mode objects.
  const body: Record<string, unknown> = {};
  for (const key of Object.keys(event)) if (key !== 'leafHash') body[key] = (event as Record<string, unknown>)[key];
  return canonicalJson(body);
}

export function sealEvent(body: AuditEventBody): AuditEvent {
  return { ...body, leafHash: eventLeafHashHex(body) };
}

/**
 * Why a parsed export line is not an audit event, or null when it is one. Checked before hashing so
 * that the verifier reports "field x is wrong" rather than a puzzling hash mismatch.
 */
export function auditEventProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const e = value as Record<string, unknown>;
  if (!Number.isSafeInteger(e.seq) || (e.seq as number) < 0) return 'seq is not a non-negative integer';
  if (typeof e.leafHash !== 'string' || !/^[0-9a-f]{64}$/.test(e.leafHash)) return 'leafHash is not 64 lowercase hex digits';
  if (typeof e.at !== 'string' || !ISO_DATE_TIME.test(e.at)) return 'at is not an ISO 8601 date-time';
  if (typeof e.type !== 'string' || e.type === '') return 'type is not a non-empty string';
  for (const key of ['actor', 'organisation', 'purpose', 'action', 'rule', 'reason', 'policyHash', 'correlationId'] as const) {
    if (e[key] !== null && typeof e[key] !== 'string') return `${key} is not a string or null`;
  }
  if (e.actorKind !== null && !ACTOR_KINDS.includes(e.actorKind as ActorKind)) return `actorKind is not one of ${ACTOR_KINDS.join(', ')} or null`;
  if (e.outcome !== null && !OUTCOMES.includes(e.outcome as Outcome)) return `outcome is not one of ${OUTCOMES.join(', ')} or null`;
  if (!Array.isArray(e.roles) || !e.roles.every((r) => typeof r === 'string')) return 'roles is not an array of strings';
  for (const key of ['resource', 'details'] as const) {
    const member = e[key];
    if (member !== null && (typeof member !== 'object' || Array.isArray(member))) return `${key} is not an object or null`;
  }
  return null;
}
