import type { RowError } from '../row-validator.js';
import { decodeUtf8 } from './text-chunks.js';

export interface RawRow {
  /** Data row number: 1 is the first row after the header. */
  readonly row: number;
  readonly values: Readonly<Record<string, unknown>>;
}

/**
 * Streams CSV rows as objects keyed by the header. `;` or `,` separated (told from the header), fields
 * optionally in double quotes with "" for a quote, CRLF or LF. Problems of a single row are row errors;
 * problems of the file as a whole (no header, an unterminated quote at the end) are errors of row 0.
 */
export async function* parseCsv(
  source: AsyncIterable<Buffer | string>,
  errors: RowError[],
  onHeader: (columns: readonly string[]) => void = () => {},
): AsyncGenerator<RawRow> {
  let header: string[] | undefined;
  let delimiter = ';';
  let row = 0;
  for await (const record of records(decodeUtf8(source), errors)) {
    if (header === undefined) {
      delimiter = record.text.includes(';') || !record.text.includes(',') ? ';' : ',';
      const fields = splitRecord(record.text, delimiter);
      if (!fields) {
        errors.push({ row: 0, reason: 'the header row is not valid CSV' });
        return;
      }
      header = fields.map((h) => h.trim());
      const seen = new Set<string>();
      for (const name of header) {
        if (seen.has(name)) errors.push({ row: 0, field: name, reason: 'the header names this column twice' });
        seen.add(name);
      }
      onHeader(header);
      continue;
    }
    row++;
    if (record.text.length === 0) continue;
    const fields = splitRecord(record.text, delimiter);
    if (!fields) {
      errors.push({ row, reason: 'is not valid CSV (a quote in the wrong place)' });
      continue;
    }
    if (fields.length !== header.length) {
      errors.push({ row, reason: `has ${fields.length} columns where the header has ${header.length}` });
      continue;
    }
    const values: Record<string, string> = {};
    for (let i = 0; i < header.length; i++) values[header[i]!] = fields[i]!;
    yield { row, values };
  }
  if (header === undefined) errors.push({ row: 0, reason: 'the file is empty: a header row is required' });
}

interface CsvRecord {
  readonly text: string;
}

/** Splits text into records at newlines outside quotes. */
async function* records(source: AsyncIterable<string>, errors: RowError[]): AsyncGenerator<CsvRecord> {
  let pending = '';
  let inQuotes = false;
  let scanned = 0;
  for await (const text of source) {
    pending += text;
    let start = 0;
    let i = scanned;
    while (i < pending.length) {
      if (!inQuotes) {
        const nl = pending.indexOf('\n', i);
        const quote = pending.indexOf('"', i);
        if (nl === -1 && quote === -1) {
          i = pending.length;
          break;
        }
        if (quote !== -1 && (nl === -1 || quote < nl)) {
          inQuotes = true;
          i = quote + 1;
          continue;
        }
        const end = pending.charCodeAt(nl - 1) === 13 && nl - 1 >= start ? nl - 1 : nl;
        yield { text: pending.slice(start, end) };
        start = nl + 1;
        i = start;
      } else {
        const quote = pending.indexOf('"', i);
        if (quote === -1) {
          i = pending.length;
          break;
        }
        inQuotes = false;
        i = quote + 1;
      }
    }
    pending = pending.slice(start);
    scanned = i - start;
  }
  if (inQuotes) {
    errors.push({ row: 0, reason: 'the file ends inside a quoted field: the last line is truncated' });
    return;
  }
  if (pending.length > 0) yield { text: pending.endsWith('\r') ? pending.slice(0, -1) : pending };
}

/** The fields of one record, or undefined when its quoting is broken. */
export function splitRecord(text: string, delimiter: string): string[] | undefined {
  if (!text.includes('"')) return text.split(delimiter);
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote === -1) return undefined;
        value += text.slice(i, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
          continue;
        }
        i = quote + 1;
        break;
      }
      fields.push(value);
      if (i === text.length) return fields;
      if (text[i] !== delimiter) return undefined;
      i++;
    } else {
      const next = text.indexOf(delimiter, i);
      const value = next === -1 ? text.slice(i) : text.slice(i, next);
      if (value.includes('"')) return undefined;
      fields.push(value);
      if (next === -1) return fields;
      i = next + 1;
    }
  }
}
