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
): AsyncGenerator<RawRow[]> {
  const rows = new CsvRows(errors, onHeader);
  for await (const texts of records(decodeUtf8(source), errors)) {
    const out: RawRow[] = [];
    for (const text of texts) {
      const row = rows.accept(text);
      if (row === 'stop') return;
      if (row) out.push(row);
    }
    if (out.length > 0) yield out;
  }
  if (!rows.hasHeader) errors.push({ row: 0, reason: 'the file is empty: a header row is required' });
}

/** Turns record texts into rows: the first is the header (and tells the delimiter), the rest are data. */
class CsvRows {
  private header: string[] | undefined;
  private delimiter = ';';
  private row = 0;

  constructor(
    private readonly errors: RowError[],
    private readonly onHeader: (columns: readonly string[]) => void,
  ) {}

  get hasHeader(): boolean {
    return this.header !== undefined;
  }

  accept(text: string): RawRow | undefined | 'stop' {
    const header = this.header;
    if (header === undefined) return this.acceptHeader(text);
    const row = ++this.row;
    if (text.length === 0) return undefined;
    const fields = splitRecord(text, this.delimiter);
    if (!fields) {
      this.errors.push({ row, reason: 'is not valid CSV (a quote in the wrong place)' });
      return undefined;
    }
    if (fields.length !== header.length) {
      this.errors.push({ row, reason: `has ${fields.length} columns where the header has ${header.length}` });
      return undefined;
    }
    const values: Record<string, string> = {};
    for (let i = 0; i < header.length; i++) values[header[i]!] = fields[i]!;
    return { row, values };
  }

  private acceptHeader(text: string): undefined | 'stop' {
    this.delimiter = text.includes(';') || !text.includes(',') ? ';' : ',';
    const fields = splitRecord(text, this.delimiter);
    if (!fields) {
      this.errors.push({ row: 0, reason: 'the header row is not valid CSV' });
      return 'stop';
    }
    this.header = fields.map((h) => h.trim());
    const seen = new Set<string>();
    for (const name of this.header) {
      if (seen.has(name)) this.errors.push({ row: 0, field: name, reason: 'the header names this column twice' });
      seen.add(name);
    }
    this.onHeader(this.header);
    return undefined;
  }
}

/**
 * Splits text into records at newlines outside quotes. The next quote's position is remembered, so a
 * chunk without quotes is scanned once, not once per line.
 */
async function* records(source: AsyncIterable<string>, errors: RowError[]): AsyncGenerator<string[]> {
  let pending = '';
  let inQuotes = false;
  let scanned = 0;
  for await (const text of source) {
    pending = pending.length === 0 ? text : pending + text;
    const found: string[] = [];
    let start = 0;
    let i = scanned;
    let quote = pending.indexOf('"', i);
    while (i < pending.length) {
      if (quote !== -1 && quote < i) quote = pending.indexOf('"', i);
      if (!inQuotes) {
        const nl = pending.indexOf('\n', i);
        if (quote !== -1 && (nl === -1 || quote < nl)) {
          inQuotes = true;
          i = quote + 1;
          continue;
        }
        if (nl === -1) {
          i = pending.length;
          break;
        }
        const end = nl > start && pending.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        found.push(pending.slice(start, end));
        start = nl + 1;
        i = start;
      } else {
        if (quote === -1) {
          i = pending.length;
          break;
        }
        inQuotes = false;
        i = quote + 1;
      }
    }
    pending = start === 0 ? pending : pending.slice(start);
    scanned = i - start;
    if (found.length > 0) yield found;
  }
  if (inQuotes) {
    errors.push({ row: 0, reason: 'the file ends inside a quoted field: the last line is truncated' });
    return;
  }
  if (pending.length > 0) yield [pending.endsWith('\r') ? pending.slice(0, -1) : pending];
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
