import type { PoolClient } from 'pg';
import copyStreams from 'pg-copy-streams';
import type { QueryRunner } from 'typeorm';

/** One stored record: keys as typed columns, the rest as attributes. */
export interface RecordRow {
  readonly rowNo: number;
  readonly subject: Buffer | null;
  readonly addressRef: Buffer | null;
  readonly pc6Unit: string | null;
  readonly occurredOn: string | null;
  readonly attributes: string;
}

/** Where validated records go inside the batch's transaction. */
export interface RecordSink {
  write(row: RecordRow): Promise<void> | void;
  /** Flushes what is buffered; the transaction decides whether any of it stays. */
  close(): Promise<void>;
  /** Stops writing after a failure (the transaction will be rolled back). */
  abort(): Promise<void>;
}

const COLUMNS = '(batch_id, row_no, subject, address_ref, pc6_unit, occurred_on, attributes)';

/** PostgreSQL server: COPY … FROM STDIN, streamed, with back-pressure. */
export class CopyRecordSink implements RecordSink {
  private readonly stream: ReturnType<typeof copyStreams.from>;
  private readonly done: Promise<void>;
  private failed: Error | undefined;
  private buffer = '';

  constructor(
    client: PoolClient,
    private readonly batchId: string,
  ) {
    this.stream = client.query(copyStreams.from(`COPY record ${COLUMNS} FROM STDIN`));
    this.done = new Promise<void>((resolve, reject) => {
      this.stream.on('finish', resolve);
      this.stream.on('error', (error: Error) => {
        this.failed = error;
        reject(error);
      });
    });
    this.done.catch(() => undefined);
  }

  write(row: RecordRow): Promise<void> | void {
    if (this.failed) throw this.failed;
    this.buffer += `${this.batchId}\t${row.rowNo}\t${bytea(row.subject)}\t${bytea(row.addressRef)}\t${row.pc6Unit ?? '\\N'}\t${row.occurredOn ?? '\\N'}\t${copyText(row.attributes)}\n`;
    if (this.buffer.length < 64 * 1024) return;
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.stream.write(chunk)) return new Promise((resolve) => this.stream.once('drain', resolve));
  }

  async close(): Promise<void> {
    if (this.buffer.length > 0) this.stream.write(this.buffer);
    this.buffer = '';
    this.stream.end();
    await this.done;
  }

  async abort(): Promise<void> {
    this.buffer = '';
    this.stream.destroy(new Error('batch aborted'));
    await this.done.catch(() => undefined);
  }
}

/** Embedded PGlite (no COPY FROM STDIN through its driver): multi-row INSERTs from arrays. */
export class InsertRecordSink implements RecordSink {
  private rows: RecordRow[] = [];

  constructor(
    private readonly runner: QueryRunner,
    private readonly batchId: string,
  ) {}

  async write(row: RecordRow): Promise<void> {
    this.rows.push(row);
    if (this.rows.length >= 2000) await this.flush();
  }

  async close(): Promise<void> {
    await this.flush();
  }

  abort(): Promise<void> {
    this.rows = [];
    return Promise.resolve();
  }

  private async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    const rows = this.rows;
    this.rows = [];
    await this.runner.query(
      `INSERT INTO record ${COLUMNS}
       SELECT $1, * FROM unnest($2::int[], $3::bytea[], $4::bytea[], $5::text[], $6::date[], $7::jsonb[])`,
      [
        this.batchId,
        rows.map((r) => r.rowNo),
        rows.map((r) => r.subject),
        rows.map((r) => r.addressRef),
        rows.map((r) => r.pc6Unit),
        rows.map((r) => r.occurredOn),
        rows.map((r) => r.attributes),
      ],
    );
  }
}

function bytea(value: Buffer | null): string {
  return value === null ? '\\N' : `\\\\x${value.toString('hex')}`;
}

/** COPY text format: backslash, tab, newline and carriage return must be escaped. */
function copyText(value: string): string {
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!) : value;
}
