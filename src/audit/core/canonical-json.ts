/**
 * RFC 8785 JSON Canonicalization Scheme (JCS).
 *
 * The audit log hashes events, so two programs (the database layer today, an auditor's verifier in
 * some other language tomorrow) must turn the same event into the same bytes. JCS pins that down:
 * keys sorted by UTF-16 code units, no whitespace, numbers as ECMAScript prints them, strings escaped
 * as JSON.stringify does. Anything that is not plain JSON data is rejected rather than coerced, because
 * a silent coercion (Date → string, undefined → null) would make the hash depend on the caller's types.
 */

export class CanonicalJsonError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'CanonicalJsonError';
  }
}

export function canonicalJson(value: unknown): string {
  // Fast path: when the keys are already in canonical order (as in a canonically written export
  // line, once parsed), the engine's own JSON.stringify produces exactly the JCS text. A lone
  // surrogate shows up as an escape in its output and sends us the careful way.
  if (isInCanonicalOrder(value, 0)) {
    const text = JSON.stringify(value);
    if (!ESCAPED_SURROGATE.test(text)) return text;
  }
  return serialise(value, [], new Set());
}

const ESCAPED_SURROGATE = /\\ud[89a-f]/;
// Deeper than any event needs; beyond it (or on a cycle) the careful path decides.
const FAST_PATH_DEPTH = 32;

function isInCanonicalOrder(value: unknown, depth: number): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || depth > FAST_PATH_DEPTH) return false;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    for (let i = 0; i < value.length; i++) if (value[i] === undefined || !isInCanonicalOrder(value[i], depth + 1)) return false;
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if ((i > 0 && !(keys[i - 1]! < key)) || !isInCanonicalOrder(record[key], depth + 1)) return false;
  }
  return true;
}

// The verifier canonicalises every event of a million-line export, so the common case (nothing to
// escape, no surrogates) is a single regex test; the path to a bad value is only built on failure.
// eslint-disable-next-line no-control-regex -- JSON must escape U+0000..U+001F, so they are what we look for.
const NEEDS_CARE = /[\u0000-\u001f"\\\ud800-\udfff]/;
// A lone surrogate cannot be encoded as UTF-8; I-JSON (which JCS requires) forbids it.
const LONE_SURROGATE = /\p{Cs}/u;

function quote(text: string, path: readonly (string | number)[]): string {
  if (!NEEDS_CARE.test(text)) return `"${text}"`;
  if (LONE_SURROGATE.test(text)) throw failure(path, 'string contains a lone surrogate');
  return JSON.stringify(text);
}

function failure(path: readonly (string | number)[], problem: string): CanonicalJsonError {
  const where = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
  return new CanonicalJsonError(`$${where}`, problem);
}

function serialise(value: unknown, path: (string | number)[], open: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw failure(path, `${String(value)} is not a JSON number`);
      // Number::toString is exactly the RFC 8785 §3.2.2.3 algorithm; JSON.stringify uses it and maps -0 to 0.
      return JSON.stringify(value);
    case 'string':
      return quote(value, path);
    case 'object':
      return serialiseObject(value, path, open);
    default:
      throw failure(path, `${typeof value} is not a JSON value`);
  }
}

function serialiseObject(value: object, path: (string | number)[], open: Set<object>): string {
  if (open.has(value)) throw failure(path, 'circular reference');
  open.add(value);
  let text: string;
  if (Array.isArray(value)) {
    text = '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      path.push(i);
      // JSON.stringify would write null here; JCS input must already be JSON, so refuse instead.
      if (item === undefined) throw failure(path, 'undefined is not a JSON value');
      text += (i === 0 ? '' : ',') + serialise(item, path, open);
      path.pop();
    }
    text += ']';
  } else {
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      // Dates, Buffers, Maps, class instances: their JSON form is a choice the caller must make explicitly.
      const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      throw failure(path, `${name} is not a plain JSON object`);
    }
    const record = value as Record<string, unknown>;
    text = '{';
    // Default sort compares UTF-16 code units, which is what RFC 8785 §3.2.3 asks for.
    for (const key of Object.keys(record).sort()) {
      const member = record[key];
      if (member === undefined) continue;
      path.push(key);
      text += (text.length === 1 ? '' : ',') + quote(key, path) + ':' + serialise(member, path, open);
      path.pop();
    }
    text += '}';
  }
  open.delete(value);
  return text;
}
