import { createHash } from 'node:crypto';
import { PayloadTooLargeProblem } from '../common/problem/problem.js';
import { locate } from './address-locator.js';
import type { DatasetSpec } from './dataset-spec.js';
import { parseCsv, type RawRow } from './parse/csv.js';
import { parseJsonArray, parseNdjson } from './parse/json.js';
import type { Pseudonymiser } from './pseudonymiser.js';
import type { RecordSink } from './record-sink.js';
import { type RowError, validateRow } from './row-validator.js';

export const MEDIA_TYPES = ['text/csv', 'application/x-ndjson', 'application/json'] as const;
export type UploadMediaType = (typeof MEDIA_TYPES)[number];
export const ROW_ERROR_CAP = 1000;

export interface PipelineResult {
  readonly rowsTotal: number;
  readonly rowsAccepted: number;
  readonly rowsRejected: number;
  readonly contentSha256: string;
  /** The first ROW_ERROR_CAP errors, in order. */
  readonly errors: readonly RowError[];
  readonly errorsTotal: number;
}

export interface PipelineInput {
  readonly spec: DatasetSpec;
  readonly mediaType: UploadMediaType;
  readonly body: AsyncIterable<Buffer>;
  readonly maxBytes: number;
  readonly units: { readonly year: number; readonly units: ReadonlyMap<string, string> } | undefined;
  readonly pseudonymiser: Pseudonymiser;
  readonly sink: RecordSink;
}

/**
 * Parse → validate → locate → pseudonymise → store, one row at a time from the request stream: memory
 * does not grow with the file. After the first bad row nothing more is written (the batch will be
 * rolled back) but every row is still checked, so the partner gets every error in one receipt.
 */
export async function runPipeline(input: PipelineInput): Promise<PipelineResult> {
  const { spec, sink, pseudonymiser } = input;
  const hash = createHash('sha256');
  const errors: RowError[] = [];
  let errorsTotal = 0;
  let bytes = 0;
  const body = (async function* () {
    for await (const chunk of input.body) {
      bytes += chunk.length;
      if (bytes > input.maxBytes) throw new PayloadTooLargeProblem(input.maxBytes);
      hash.update(chunk);
      yield chunk;
    }
  })();
  // Errors are collected here and capped; the total keeps counting.
  const collector: RowError[] = [];
  let total = 0;
  let rejectedRows = 0;
  let lastErrorRow = 0;
  const flushErrors = () => {
    for (const e of collector) {
      errorsTotal++;
      if (errors.length < ROW_ERROR_CAP) errors.push(e);
      if (e.row > 0 && e.row !== lastErrorRow) {
        rejectedRows++;
        lastErrorRow = e.row;
      }
      total = Math.max(total, e.row);
    }
    collector.length = 0;
  };
  const rows = parse(input.mediaType, body, collector, spec);
  const isCsv = input.mediaType === 'text/csv';
  const attributesJson = attributeWriter(spec);
  const addressRefOf = addressRefs(pseudonymiser, spec);
  for await (const batch of rows) for (const raw of batch) {
    total = Math.max(total, raw.row);
    const values = validateRow(spec, raw.values, raw.row, collector, !isCsv);
    const pc6 = values && spec.address ? locateRow(input, values, raw.row, collector) : null;
    if (collector.length > 0) flushErrors();
    if (!values || errorsTotal > 0) continue;
    const written = sink.write({
      rowNo: raw.row,
      subject: spec.subject ? pseudonymiser.person(values[spec.subject] as string) : null,
      addressRef: addressRefOf(values),
      pc6Unit: pc6,
      occurredOn: spec.date ? (values[spec.date] as string | null) : null,
      attributes: attributesJson(values),
    });
    // Only wait when the sink pushes back; most rows go straight into its buffer.
    if (written) await written;
  }
  flushErrors();
  if (errorsTotal === 0 && total === 0) {
    errors.push({ row: 0, reason: 'the batch holds no rows' });
    errorsTotal = 1;
  }
  return {
    rowsTotal: total,
    rowsAccepted: errorsTotal > 0 ? 0 : total,
    rowsRejected: rejectedRows,
    contentSha256: hash.digest('hex'),
    errors,
    errorsTotal,
  };
}

function parse(mediaType: UploadMediaType, body: AsyncIterable<Buffer>, errors: RowError[], spec: DatasetSpec): AsyncIterable<RawRow[]> {
  if (mediaType === 'application/x-ndjson') return parseNdjson(body, errors);
  if (mediaType === 'application/json') return parseJsonArray(body, errors);
  return parseCsv(body, errors, (columns) => {
    const present = new Set(columns);
    for (const field of spec.fields) {
      if (field.required && !present.has(field.name)) errors.push({ row: 0, field: field.name, reason: 'the header lacks this required column' });
    }
    for (const column of columns) {
      if (!spec.fields.some((f) => f.name === column)) errors.push({ row: 0, field: column, reason: 'is not a field of this dataset' });
    }
  });
}

function locateRow(input: PipelineInput, values: Record<string, unknown>, row: number, errors: RowError[]): string | null {
  const address = input.spec.address!;
  const postcode = values[address.postcode] as string;
  const huisnummer = values[address.huisnummer] as number;
  const toevoeging = address.toevoeging ? ((values[address.toevoeging] as string | null) ?? null) : null;
  if (!input.units) {
    errors.push({ row, field: address.postcode, reason: 'there is no reference geography to locate addresses in' });
    return null;
  }
  const unit = locate(input.units as Parameters<typeof locate>[0], postcode, huisnummer, toevoeging);
  if (!unit) {
    // Names the address, never the person: postcode and number are what the partner must check.
    errors.push({ row, field: address.postcode, reason: `no address ${postcode} ${huisnummer}${toevoeging ? `-${toevoeging}` : ''} in the reference geography ${input.units.year}` });
    return null;
  }
  return unit;
}

/**
 * The address pseudonym of a row (households link by it; events do not need it). A register lists the
 * people of one address one after another, so the last address's pseudonym is kept for the next row.
 */
function addressRefs(pseudonymiser: Pseudonymiser, spec: DatasetSpec): (values: Record<string, unknown>) => Buffer | null {
  const a = spec.address;
  if (!a || spec.unit === 'event') return () => null;
  let lastKey = '';
  let lastRef: Buffer | null = null;
  return (values) => {
    const postcode = values[a.postcode] as string;
    const huisnummer = values[a.huisnummer] as number;
    const toevoeging = a.toevoeging ? ((values[a.toevoeging] as string | null) ?? '') : '';
    const key = `${postcode}|${huisnummer}|${toevoeging}`;
    if (key !== lastKey || lastRef === null) {
      lastRef = pseudonymiser.address(postcode, huisnummer, toevoeging);
      lastKey = key;
    }
    return lastRef;
  };
}

/** Writes a row's attributes as a JSON object, the keys' text prepared once per batch. */
function attributeWriter(spec: DatasetSpec): (values: Record<string, unknown>) => string {
  const keys = spec.attributes.map((f, i) => [f.name, `${i === 0 ? '{' : ','}${JSON.stringify(f.name)}:`] as const);
  return (values) => {
    let json = '';
    for (const [name, prefix] of keys) json += prefix + JSON.stringify(values[name] ?? null);
    return keys.length === 0 ? '{}' : `${json}}`;
  };
}
