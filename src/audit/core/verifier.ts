import { type KeyObject } from 'node:crypto';
import { auditEventProblem, eventLeafHashHex, type AuditEventBody } from './audit-event.js';
import { type Checkpoint, checkpointProblem, type KeyInput, keyIdOf, toPublicKey } from './checkpoint.js';
import { headerProblem, isTrailer } from './export-format.js';
import { HASH_SIZE, leafHashOfText, MerkleAccumulator, verifyConsistency } from './merkle.js';
import { SequenceTracker } from './sequence-tracker.js';

export interface VerifyOptions {
  /**
   * The trusted key. null: fall back to the export header's own key, which only shows the file is
   * self-consistent (whoever forged it could have put their key in it), so the report warns.
   */
  readonly publicKey: KeyInput | null;
  /** The checkpoint covering the whole export; defaults to the export's last line. */
  readonly checkpoint?: Checkpoint;
  /** An older checkpoint the auditor kept: the log must only have been appended to since. */
  readonly earlierCheckpoint?: Checkpoint;
  /** Hex RFC 9162 consistency proof from earlierCheckpoint to the final checkpoint. */
  readonly consistencyProof?: readonly string[];
}

export interface VerificationFailure {
  readonly seq?: number;
  readonly line?: number;
  readonly problem: string;
}

export interface VerificationReport {
  readonly ok: boolean;
  readonly events: number;
  /** Hex root recomputed over every event in the export. */
  readonly rootHash: string;
  readonly firstFailure?: VerificationFailure;
  /** What was checked, in order, one line each; failures start with "FAILED". */
  readonly checks: string[];
  readonly warnings: string[];
}

/** A checkpoint whose root is taken from the accumulator when it reaches the checkpoint's size. */
interface Watch {
  readonly label: string;
  /** The final checkpoint's mismatch is reported once, after the last event. */
  readonly final: boolean;
  readonly checkpoint: Checkpoint;
  root?: Buffer;
}

/** Failures are ordered by where they show up in the file, so the report names the first event. */
const BEFORE_EVENTS = 0;
const AFTER_EVENTS = Number.POSITIVE_INFINITY;

/**
 * Streams an export once, in O(log n) memory, and says whether it is the untouched, append-only
 * log its checkpoints vouch for — and if not, where it first stops being so.
 */
export async function verifyExport(lines: AsyncIterable<string> | Iterable<string>, options: VerifyOptions): Promise<VerificationReport> {
  const failures: { at: number; failure: VerificationFailure }[] = [];
  const checks: string[] = [];
  const warnings: string[] = [];
  const fail = (at: number, failure: VerificationFailure): void => {
    failures.push({ at, failure });
    checks.push(`FAILED: ${failure.problem}`);
  };

  const accumulator = MerkleAccumulator.empty();
  const sequence = new SequenceTracker();
  const watches: Watch[] = [];
  let key: KeyObject | null = null;
  let origin: string | null = null;
  let headerSeen = false;
  let trailer: { checkpoint: unknown; line: number } | null = null;
  let contentIntact = true;
  let lineNo = 0;

  // The key may come from the header, so the up-front checkpoints are checked once it is read.
  const start = (headerKey: string | undefined): void => {
    key = resolveKey(options.publicKey, headerKey, checks, warnings, (problem) => fail(BEFORE_EVENTS, { problem }));
    for (const [label, checkpoint] of [['the given checkpoint', options.checkpoint], ['the earlier checkpoint', options.earlierCheckpoint]] as const) {
      if (checkpoint === undefined) continue;
      const problem = key === null ? 'no key to check it with' : checkpointProblem(checkpoint, key);
      if (problem !== null) fail(BEFORE_EVENTS, { problem: `${label}: ${problem}` });
      else {
        checks.push(`${label} (size ${checkpoint.treeSize}, issued ${checkpoint.issuedAt}): signature by key ${checkpoint.keyId} verifies`);
        watches.push({ label, checkpoint, final: checkpoint === options.checkpoint, ...(checkpoint.treeSize === 0 ? { root: accumulator.root() } : {}) });
      }
    }
  };

  for await (const raw of lines) {
    lineNo += 1;
    const text = raw.trim();
    if (text === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      fail(lineNo, { line: lineNo, problem: `line ${lineNo} is not valid JSON` });
      continue;
    }
    if (!headerSeen) {
      headerSeen = true;
      const problem = headerProblem(value);
      if (problem === null) {
        const header = value as { origin: string; publicKey?: string };
        origin = header.origin;
        checks.push(`header: ${header.origin}, format version 1`);
        start(header.publicKey);
        continue;
      }
      fail(lineNo, { line: lineNo, problem: `line ${lineNo}: ${problem}` });
      start(undefined);
      if (!(typeof value === 'object' && value !== null && 'seq' in value)) continue;
    }
    if (trailer !== null) {
      fail(lineNo, { line: lineNo, problem: `line ${lineNo} comes after the checkpoint line ${trailer.line}` });
      continue;
    }
    if (isTrailer(value)) {
      trailer = { checkpoint: value.checkpoint, line: lineNo };
      continue;
    }

    const seq = (value as { seq?: unknown }).seq;
    const at = typeof seq === 'number' ? `event seq ${seq} (line ${lineNo})` : `line ${lineNo}`;
    const shape = auditEventProblem(value);
    if (shape !== null) {
      contentIntact = false;
      fail(lineNo, { ...(typeof seq === 'number' ? { seq } : {}), line: lineNo, problem: `${at}: ${shape}` });
    }
    if (typeof seq === 'number' && Number.isSafeInteger(seq)) {
      const broken = sequence.next(seq, lineNo);
      if (broken !== null) fail(broken.line, broken);
    }
    // Hash what the line says, whatever its shape, so the tree keeps one leaf per line.
    const recomputed = hashLine(value, text);
    if (recomputed === null && shape === null) {
      contentIntact = false;
      fail(lineNo, { seq: seq as number, line: lineNo, problem: `${at}: content cannot be canonicalised (lone surrogate)` });
    }
    if (recomputed !== null && shape === null && recomputed !== (value as { leafHash: string }).leafHash) {
      contentIntact = false;
      fail(lineNo, { seq: seq as number, line: lineNo, problem: `${at}: content does not match its leaf hash` });
    }
    accumulator.append(Buffer.from(recomputed ?? leafHashOfText(text), 'hex'));
    for (const watch of watches) {
      if (watch.root === undefined && watch.checkpoint.treeSize === accumulator.size) {
        watch.root = accumulator.root();
        const problem = watch.final ? null : rootProblem(watch, watch.root);
        if (problem !== null) fail(lineNo, { problem });
      }
    }
  }

  const events = accumulator.size;
  if (!headerSeen) {
    fail(AFTER_EVENTS, { problem: 'the export is empty' });
    start(undefined);
  }
  const lastBreak = sequence.end();
  if (lastBreak !== null) fail(lastBreak.line, lastBreak);
  if (sequence.intact && events > 0) checks.push(`events: ${events}, seq 0..${events - 1} in order without gaps`);
  if (contentIntact && events > 0) checks.push(`leaf hashes: every event's content matches its leaf hash`);

  // The final checkpoint: the caller's if given, else the export's own last line.
  let final: Checkpoint | null = options.checkpoint ?? null;
  if (trailer !== null && final === null) {
    const problem = key === null ? 'no key to check it with' : checkpointProblem(trailer.checkpoint, key);
    if (problem === null) {
      final = trailer.checkpoint as Checkpoint;
      checks.push(`the export's checkpoint (size ${final.treeSize}, issued ${final.issuedAt}): signature by key ${final.keyId} verifies`);
      watches.push({ label: "the export's checkpoint", checkpoint: final, final: true, ...(final.treeSize === events ? { root: accumulator.root() } : {}) });
    } else fail(AFTER_EVENTS, { line: trailer.line, problem: `the export's checkpoint (line ${trailer.line}): ${problem}` });
  } else if (trailer !== null && JSON.stringify(trailer.checkpoint) !== JSON.stringify(final)) {
    warnings.push(`the export's own checkpoint (line ${trailer.line}) differs from the given one; only the given one is checked`);
  } else if (trailer === null && final === null) {
    fail(AFTER_EVENTS, { problem: 'the export has no checkpoint line: nothing vouches for its root' });
  }

  for (const watch of watches) {
    const { label, checkpoint } = watch;
    if (origin !== null && checkpoint.origin !== origin) {
      fail(AFTER_EVENTS, { problem: `${label} is for log "${checkpoint.origin}", not "${origin}"` });
    }
    if (checkpoint.treeSize > events) {
      const end = events === 0 ? 'the export has no events' : `the export ends at seq ${events - 1}`;
      fail(AFTER_EVENTS, { seq: events, problem: `${end} but ${label} covers ${checkpoint.treeSize} events: events were removed from the end` });
    } else if (watch.root === undefined) {
      fail(AFTER_EVENTS, { problem: `the export has ${events} events but ${label} covers only ${checkpoint.treeSize}: the rest is vouched for by no checkpoint` });
    } else if (watch.final && rootProblem(watch, watch.root) !== null) {
      const earlier = watches.find((w) => !w.final && w.root !== undefined && rootProblem(w, w.root) === null);
      const hint = earlier === undefined ? '' : ` (${earlier.label} matches, so the change is at seq ${earlier.checkpoint.treeSize} or later)`;
      fail(AFTER_EVENTS, { problem: `${rootProblem(watch, watch.root)}${hint}` });
    } else if (rootProblem(watch, watch.root) === null) {
      checks.push(`${label}: root over the first ${checkpoint.treeSize} events matches ${checkpoint.rootHash}`);
    }
  }

  const earlier = options.earlierCheckpoint;
  if (options.consistencyProof !== undefined && earlier !== undefined && final !== null) {
    const proof = options.consistencyProof.map((h) => Buffer.from(h, 'hex'));
    const valid =
      proof.every((h) => h.length === HASH_SIZE) &&
      verifyConsistency(earlier.treeSize, final.treeSize, Buffer.from(earlier.rootHash, 'hex'), Buffer.from(final.rootHash, 'hex'), proof);
    if (valid) checks.push(`consistency proof from size ${earlier.treeSize} to ${final.treeSize} verifies`);
    else fail(AFTER_EVENTS, { problem: `the consistency proof from size ${earlier.treeSize} to ${final.treeSize} does not verify` });
  }

  failures.sort((a, b) => a.at - b.at);
  const first = failures[0]?.failure;
  return {
    ok: failures.length === 0,
    events,
    rootHash: accumulator.root().toString('hex'),
    ...(first === undefined ? {} : { firstFailure: first }),
    checks,
    warnings,
  };
}

function hashLine(value: unknown, text: string): string | null {
  if (typeof value !== 'object' || value === null) return leafHashOfText(text);
  try {
    return eventLeafHashHex(value as AuditEventBody);
  } catch {
    return null;
  }
}

function rootProblem(watch: Watch, root: Buffer): string | null {
  const { label, checkpoint } = watch;
  if (root.toString('hex') === checkpoint.rootHash) return null;
  const what = watch.final
    ? 'an event was changed and its leaf hash recomputed, or the export is not from this log'
    : `the log was not only appended to since (an event before seq ${checkpoint.treeSize} was changed, or the history forked)`;
  return `${label} (size ${checkpoint.treeSize}, issued ${checkpoint.issuedAt}) does not match: the first ${checkpoint.treeSize} events have root ${root.toString('hex')}, the checkpoint says ${checkpoint.rootHash}; ${what}`;
}

function resolveKey(
  trusted: KeyInput | null,
  headerKey: string | undefined,
  checks: string[],
  warnings: string[],
  fail: (problem: string) => void,
): KeyObject | null {
  try {
    const fromHeader = headerKey === undefined ? null : toPublicKey(headerKey);
    if (trusted !== null) {
      const key = toPublicKey(trusted);
      if (fromHeader !== null && keyIdOf(fromHeader) !== keyIdOf(key)) {
        warnings.push(`the export header names key ${keyIdOf(fromHeader)}, not the trusted key ${keyIdOf(key)}; only the trusted key is used`);
      } else if (fromHeader !== null) checks.push(`the export header's key ${keyIdOf(key)} is the trusted key`);
      return key;
    }
    if (fromHeader !== null) {
      warnings.push(
        `no trusted key given: signatures are checked with key ${keyIdOf(fromHeader)} from the export itself, which shows the file is consistent but not who signed it`,
      );
      return fromHeader;
    }
    fail('no public key: neither a trusted key nor one in the export header');
  } catch (error) {
    fail(`the public key cannot be read: ${(error as Error).message}`);
  }
  return null;
}
