import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { components } from '../generated/openapi.js';
import { type BatchContentType, BATCH_EXTENSIONS, contentTypeFor } from './content-type.js';
import { idempotencyKeyFor, sha256File } from './file-digest.js';
import type { GatewayClient } from './gateway-client.js';
import { DEFAULT_RETRY_POLICY, delayBeforeRetryMs, isRetryableStatus, type RetryPolicy, retryAfterMs } from './retry-policy.js';

export type BatchReceipt = components['schemas']['BatchReceipt'];
export type BatchRejected = components['schemas']['BatchRejected'];
export type Problem = components['schemas']['Problem'];

export interface UploadProgress {
  /** `hashing`: the first pass that derives the idempotency key; `uploading`: the attempt's body. */
  readonly phase: 'hashing' | 'uploading';
  readonly attempt: number;
  readonly bytes: number;
  readonly totalBytes: number;
}

export interface RetryNotice {
  /** The attempt that failed (1 = the first). */
  readonly attempt: number;
  readonly delayMs: number;
  /** The HTTP status, or the network error's message. */
  readonly reason: number | string;
}

export interface UploadOptions {
  readonly dataset: string;
  readonly period: string;
  readonly file: string;
  /** Derived from the file's SHA-256, the dataset and the period when absent. */
  readonly idempotencyKey?: string;
  /** Chosen from the file extension when absent. */
  readonly contentType?: BatchContentType;
  readonly onProgress?: (progress: UploadProgress) => void;
  readonly onRetry?: (notice: RetryNotice) => void;
  readonly retry?: Partial<RetryPolicy>;
  /** Replaceable for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: (maxExclusive: number) => number;
}

interface Attempted {
  readonly attempts: number;
  readonly idempotencyKey: string;
}

/** What came of an upload: a receipt, a rejected batch with its row errors, another problem, or no answer. */
export type UploadResult =
  | (Attempted & { readonly kind: 'receipt'; readonly status: 200 | 201; readonly replayed: boolean; readonly receipt: BatchReceipt })
  | (Attempted & { readonly kind: 'rejected'; readonly status: 422; readonly rejection: BatchRejected })
  | (Attempted & { readonly kind: 'problem'; readonly status: number; readonly problem: Problem })
  | (Attempted & { readonly kind: 'unreachable'; readonly error: string });

/** The file cannot be uploaded at all (missing, unreadable, unknown type); nothing was sent. */
export class UploadInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UploadInputError';
  }
}

const PATH = '/v1/datasets/{dataset}/batches';

/**
 * Uploads one batch file, streamed from disk on every attempt (never read whole into memory). Network
 * errors, 429 and 5xx are retried with backoff under the same Idempotency-Key, so a batch the gateway
 * did store before the connection broke is answered with its receipt instead of stored twice; other
 * 4xx answers are final.
 */
export async function uploadBatch(client: GatewayClient, options: UploadOptions): Promise<UploadResult> {
  const contentType = options.contentType ?? contentTypeFor(options.file);
  if (contentType === undefined) {
    throw new UploadInputError(`cannot tell the type of ${options.file}: use one of ${BATCH_EXTENSIONS.join(', ')}`);
  }
  let totalBytes: number;
  try {
    const info = await stat(options.file);
    if (!info.isFile()) throw new Error('not a regular file');
    totalBytes = info.size;
  } catch (error) {
    throw new UploadInputError(`cannot read ${options.file}: ${(error as Error).message}`);
  }
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const sleep = options.sleep ?? ((ms: number) => sleepFor(ms));
  const progress = options.onProgress ?? (() => undefined);

  const idempotencyKey =
    options.idempotencyKey ??
    idempotencyKeyFor(
      await sha256File(options.file, (bytes) => progress({ phase: 'hashing', attempt: 0, bytes, totalBytes })),
      options.dataset,
      options.period,
    );

  for (let attempt = 1; ; attempt++) {
    const body = fileBody(options.file, (bytes) => progress({ phase: 'uploading', attempt, bytes, totalBytes }));
    let retryReason: number | string;
    let retryAfter: number | undefined;
    try {
      const { data, error, response } = await client.POST(PATH, {
        params: { path: { dataset: options.dataset }, query: { period: options.period }, header: { 'Idempotency-Key': idempotencyKey } },
        // openapi-fetch types the body by the contract (a string); a stream is what fetch sends without buffering.
        body: body.stream as unknown as string,
        bodySerializer: (stream: unknown) => stream,
        headers: { 'Content-Type': contentType },
        duplex: 'half',
        // A streamed body cannot follow a redirect anyway, and with redirects allowed Node's fetch tees
        // the body to keep a copy for one: that copy would hold the whole file in memory.
        redirect: 'error',
      });
      const done = { attempts: attempt, idempotencyKey };
      if (data !== undefined && (response.status === 200 || response.status === 201)) {
        return { ...done, kind: 'receipt', status: response.status, replayed: response.status === 200, receipt: data };
      }
      if (response.status === 422 && isRejection(error)) return { ...done, kind: 'rejected', status: 422, rejection: error };
      if (!isRetryableStatus(response.status) || attempt >= policy.maxAttempts) {
        return { ...done, kind: 'problem', status: response.status, problem: asProblem(error, response) };
      }
      retryReason = response.status;
      retryAfter = retryAfterMs(response.headers.get('Retry-After'));
    } catch (error) {
      if (isRedirect(error)) {
        return { attempts: attempt, idempotencyKey, kind: 'unreachable', error: 'the gateway answered with a redirect; use its final URL' };
      }
      if (attempt >= policy.maxAttempts) return { attempts: attempt, idempotencyKey, kind: 'unreachable', error: errorText(error) };
      retryReason = errorText(error);
    } finally {
      body.close();
    }
    const delayMs = delayBeforeRetryMs(attempt, policy, retryAfter, options.random);
    options.onRetry?.({ attempt, delayMs, reason: retryReason });
    await sleep(delayMs);
  }
}

interface FileBody {
  readonly stream: ReadableStream<Uint8Array>;
  close(): void;
}

/** A pull-based stream over the file: fetch asks for the next chunk only when the socket takes it. */
function fileBody(file: string, onBytes: (sent: number) => void): FileBody {
  const source = createReadStream(file, { highWaterMark: 256 * 1024 });
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await chunks.next();
        if (next.done === true) {
          controller.close();
          return;
        }
        sent += next.value.length;
        controller.enqueue(next.value);
        onBytes(sent);
      },
      cancel() {
        source.destroy();
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, close: () => source.destroy() };
}

function isRejection(body: unknown): body is BatchRejected {
  return typeof body === 'object' && body !== null && Array.isArray((body as BatchRejected).rowErrors);
}

/** The gateway answers problem+json; anything else (a proxy's HTML page) becomes a minimal problem. */
function asProblem(body: unknown, response: Response): Problem {
  if (typeof body === 'object' && body !== null && typeof (body as Problem).title === 'string') return body as Problem;
  const text = typeof body === 'string' ? body.slice(0, 500) : '';
  return {
    type: 'about:blank',
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    ...(text !== '' && { detail: text }),
  };
}

function isRedirect(error: unknown): boolean {
  return /redirect/i.test(messageOf(causeOf(error)) ?? '');
}

function errorText(error: unknown): string {
  const message = messageOf(error) ?? String(error);
  const cause = messageOf(causeOf(error));
  return cause === undefined ? message : `${message}: ${cause}`;
}

// fetch's errors may come from another realm (Node's internals, a test sandbox): no instanceof.
function messageOf(value: unknown): string | undefined {
  const message = typeof value === 'object' && value !== null ? (value as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : undefined;
}

function causeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { cause?: unknown }).cause : undefined;
}
