import type { RowError } from '../row-validator.js';
import type { RawRow } from './csv.js';
import { decodeUtf8, lines } from './text-chunks.js';

/** One JSON object per line; blank lines are skipped. */
export async function* parseNdjson(source: AsyncIterable<Buffer | string>, errors: RowError[]): AsyncGenerator<RawRow[]> {
  let row = 0;
  for await (const chunk of lines(decodeUtf8(source))) {
    const out: RawRow[] = [];
    for (const line of chunk) {
      if (line.trim().length === 0) continue;
      row++;
      const value = parseObject(line);
      if (value) out.push({ row, values: value });
      else errors.push({ row, reason: 'is not a JSON object' });
    }
    if (out.length > 0) yield out;
  }
}

/**
 * A JSON array of objects, streamed: each top-level element is cut out by tracking depth and strings
 * and parsed on its own, so the array is never held whole.
 */
export async function* parseJsonArray(source: AsyncIterable<Buffer | string>, errors: RowError[]): AsyncGenerator<RawRow[]> {
  let state: 'before' | 'between' | 'done' = 'before';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let element = '';
  let row = 0;
  for await (const text of decodeUtf8(source)) {
    const out: RawRow[] = [];
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (state === 'before') {
        if (c === '[') state = 'between';
        else if (!/\s/.test(c)) {
          errors.push({ row: 0, reason: 'the body is not a JSON array' });
          return;
        }
        start = i + 1;
        continue;
      }
      if (state === 'done') {
        if (!/\s/.test(c)) {
          errors.push({ row: 0, reason: 'there is text after the end of the JSON array' });
          return;
        }
        continue;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        if (depth === 0 && c === ']') {
          element += text.slice(start, i);
          if (element.trim().length > 0) errors.push({ row: row + 1, reason: 'is not a JSON object' });
          element = '';
          state = 'done';
          continue;
        }
        depth--;
      } else if (c === ',' && depth === 0) {
        element += text.slice(start, i);
        if (element.trim().length > 0) {
          // Something that is not an object (a number, a string) stood here.
          row++;
          errors.push({ row, reason: 'is not a JSON object' });
        }
        element = '';
        start = i + 1;
        continue;
      }
      if (depth === 0 && c === '}') {
        element += text.slice(start, i + 1);
        row++;
        const value = parseObject(element);
        if (value) out.push({ row, values: value });
        else errors.push({ row, reason: 'is not a JSON object' });
        element = '';
        start = i + 1;
      }
    }
    if (state === 'between') element += text.slice(start);
    if (out.length > 0) yield out;
  }
  if ((state as string) !== 'done') errors.push({ row: 0, reason: 'the JSON array is not closed: the body is truncated' });
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
