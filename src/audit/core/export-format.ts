import { type AuditEvent } from './audit-event.js';
import { canonicalJson } from './canonical-json.js';
import { type Checkpoint, checkpointShapeProblem } from './checkpoint.js';

/**
 * The officer's export, as JSON lines:
 *   line 1      {"format":"straatkubus-audit-export","version":1,"origin":...,"publicKey"?:PEM}
 *   lines 2..   one AuditEvent per line, seq 0, 1, 2, ...
 *   last line   {"checkpoint":{...}}, the signed checkpoint covering every event in the file
 * Lines rather than one JSON document so that both writer and verifier can stream a log of
 * millions of events.
 */
export const EXPORT_FORMAT = 'straatkubus-audit-export';
export const EXPORT_VERSION = 1;

export interface ExportHeader {
  readonly format: typeof EXPORT_FORMAT;
  readonly version: typeof EXPORT_VERSION;
  readonly origin: string;
  /**
   * Convenience only: a key inside the file proves nothing about who signed it, so a verifier must
   * also be given (or confirm) a trusted key.
   */
  readonly publicKey?: string;
  readonly exportedAt?: string;
}

export interface ExportTrailer {
  readonly checkpoint: Checkpoint;
}

export function headerLine(origin: string, extra: { publicKey?: string; exportedAt?: string } = {}): string {
  const header: ExportHeader = { format: EXPORT_FORMAT, version: EXPORT_VERSION, origin, ...extra };
  return JSON.stringify(header);
}

/**
 * Events are written in canonical form (keys sorted, leafHash among them), which any JSON writer
 * may also do: the verifier accepts any key order, but an already-canonical line lets it skip
 * re-sorting, which is most of the cost of checking a million events.
 */
export function eventLine(event: AuditEvent): string {
  return canonicalJson(event);
}

export function trailerLine(checkpoint: Checkpoint): string {
  const trailer: ExportTrailer = { checkpoint };
  return JSON.stringify(trailer);
}

/** Every line of an export, for writers that stream events out of the database. */
export function* exportLines(
  origin: string,
  events: Iterable<AuditEvent>,
  checkpoint: Checkpoint,
  extra: { publicKey?: string; exportedAt?: string } = {},
): Generator<string> {
  yield headerLine(origin, extra);
  for (const event of events) yield eventLine(event);
  yield trailerLine(checkpoint);
}

export function headerProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the header is not a JSON object';
  const h = value as Record<string, unknown>;
  if (h.format !== EXPORT_FORMAT) return `the header format is not "${EXPORT_FORMAT}"`;
  if (h.version !== EXPORT_VERSION) return `unsupported export version ${JSON.stringify(h.version)} (this verifier reads ${EXPORT_VERSION})`;
  if (typeof h.origin !== 'string' || h.origin === '') return 'the header has no origin';
  if (h.publicKey !== undefined && typeof h.publicKey !== 'string') return 'the header publicKey is not a PEM string';
  return null;
}

/** A trailer is the only line with a "checkpoint" member and no "seq". */
export function isTrailer(value: unknown): value is { checkpoint: unknown } {
  return typeof value === 'object' && value !== null && 'checkpoint' in value && !('seq' in value);
}

/** Reads a checkpoint file: either a bare checkpoint or a trailer-shaped {"checkpoint": {...}}. */
export function parseCheckpointJson(text: string): Checkpoint {
  const value: unknown = JSON.parse(text);
  const checkpoint = isTrailer(value) ? value.checkpoint : value;
  const problem = checkpointShapeProblem(checkpoint);
  if (problem !== null) throw new TypeError(problem);
  return checkpoint as Checkpoint;
}
