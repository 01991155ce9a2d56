import { pathToFileURL } from 'node:url';
import { createGatewayClient } from '../src/partner-client/gateway-client.js';
import { loadPartnerKey, PartnerKeyError } from '../src/partner-client/partner-key.js';
import { tokenSigner } from '../src/partner-client/partner-token.js';
import { type ProgressSample, progressBar, progressLine } from '../src/partner-client/progress.js';
import { parseUploadArgs, UPLOAD_USAGE } from '../src/partner-client/upload-args.js';
import { type UploadProgress, type UploadResult, UploadInputError, uploadBatch } from '../src/partner-client/upload.js';

/**
 * The partner CLI: uploads one batch file to the gateway.
 *   npm run upload -- --client woningcorporatie-etl --key data/demo/client-woningcorporatie-etl.private.jwk.json \
 *     --dataset huurachterstand --period 2026-10 huurachterstand-2026-10.csv
 * The receipt (JSON) or the rejection's row errors go to stdout; progress, retries and problems to stderr.
 * Exit 0 stored, 1 rejected/refused/unreachable, 2 usage error.
 */
export interface UploadIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** A terminal gets a bar redrawn in place; anything else a plain line every few seconds. */
  readonly stderrIsTTY: boolean;
  readonly now?: () => number;
}

const REDRAW_MS = 100;
const LINE_EVERY_MS = 5000;

export async function runUpload(argv: readonly string[], io: UploadIo): Promise<number> {
  const parsed = parseUploadArgs(argv);
  if (parsed.kind === 'help') {
    io.stdout(`${UPLOAD_USAGE}\n`);
    return 0;
  }
  if (parsed.kind === 'usage-error') {
    io.stderr(`${parsed.errors.map((e) => `upload: ${e}`).join('\n')}\n\n${UPLOAD_USAGE}\n`);
    return 2;
  }
  const args = parsed.args;
  const progress = new ProgressReporter(io);
  let result: UploadResult;
  try {
    const key = await loadPartnerKey(args.key);
    const client = createGatewayClient({
      baseUrl: args.url,
      signer: tokenSigner({ clientId: args.client, key, audience: args.audience }),
    });
    result = await uploadBatch(client, {
      dataset: args.dataset,
      period: args.period,
      file: args.file,
      ...(args.idempotencyKey !== undefined && { idempotencyKey: args.idempotencyKey }),
      onProgress: (p) => progress.update(p),
      onRetry: (notice) => {
        progress.interrupt();
        const why = typeof notice.reason === 'number' ? `HTTP ${notice.reason}` : notice.reason;
        io.stderr(`upload: attempt ${notice.attempt} failed (${why}); retrying in ${(notice.delayMs / 1000).toFixed(1)} s\n`);
      },
    });
  } catch (error) {
    progress.interrupt();
    if (error instanceof PartnerKeyError || error instanceof UploadInputError) {
      io.stderr(`upload: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  progress.interrupt();
  return report(result, io);
}

function report(result: UploadResult, io: UploadIo): number {
  switch (result.kind) {
    case 'receipt':
      if (result.replayed) io.stderr('upload: the gateway already had this batch (same Idempotency-Key and content); its receipt:\n');
      io.stdout(`${JSON.stringify(result.receipt, null, 2)}\n`);
      return 0;
    case 'rejected': {
      const { rejection } = result;
      const lines = [`rejected: ${rejection.title}${rejection.detail === undefined ? '' : ` — ${rejection.detail}`}`, 'row\tfield\treason'];
      for (const e of rejection.rowErrors) lines.push(`${e.row}\t${e.field ?? ''}\t${e.reason}`);
      const shown = rejection.rowErrors.length < rejection.rowErrorsTotal ? ` (${rejection.rowErrors.length} shown)` : '';
      lines.push(
        `${rejection.rowErrorsTotal} row error${rejection.rowErrorsTotal === 1 ? '' : 's'} in all${shown}; ` +
          `rows: ${rejection.rows.total} total, ${rejection.rows.accepted} accepted, ${rejection.rows.rejected} rejected; nothing was stored`,
      );
      io.stdout(`${lines.join('\n')}\n`);
      return 1;
    }
    case 'problem': {
      const { problem } = result;
      const lines = [`upload: ${result.status} ${problem.title}${problem.detail === undefined ? '' : `: ${problem.detail}`}`];
      for (const item of problem.errors ?? []) lines.push(`  - ${item.detail}`);
      if (result.attempts > 1) lines.push(`  (after ${result.attempts} attempts)`);
      io.stderr(`${lines.join('\n')}\n`);
      return 1;
    }
    case 'unreachable':
      io.stderr(`upload: no answer from the gateway after ${result.attempts} attempts: ${result.error}\n`);
      return 1;
  }
}

/** Turns progress callbacks into a bar (terminal) or periodic lines (log), both on stderr. */
class ProgressReporter {
  private pass: { key: string; startedAt: number; lastWrite: number } | undefined;
  private drawn = false;
  private readonly now: () => number;

  constructor(private readonly io: UploadIo) {
    this.now = io.now ?? (() => Date.now());
  }

  update(p: UploadProgress): void {
    const now = this.now();
    const key = `${p.phase}:${p.attempt}`;
    if (this.pass?.key !== key) {
      this.interrupt();
      this.pass = { key, startedAt: now, lastWrite: Number.NEGATIVE_INFINITY };
    }
    const pass = this.pass;
    const finished = p.bytes >= p.totalBytes;
    const label = p.phase === 'hashing' ? 'hashing  ' : p.attempt > 1 ? `upload #${p.attempt}` : 'uploading';
    const sample: ProgressSample = { bytes: p.bytes, totalBytes: p.totalBytes, elapsedMs: now - pass.startedAt };
    if (this.io.stderrIsTTY) {
      if (!finished && now - pass.lastWrite < REDRAW_MS) return;
      this.io.stderr(`\r${progressBar(label, sample)}\x1b[K`);
      this.drawn = true;
    } else {
      if (!finished && now - pass.lastWrite < LINE_EVERY_MS) return;
      this.io.stderr(`${progressLine(label.trim(), sample)}\n`);
    }
    pass.lastWrite = finished ? Number.POSITIVE_INFINITY : now;
  }

  /** Ends a bar in progress with a newline so the next message starts on its own line. */
  interrupt(): void {
    if (this.drawn) this.io.stderr('\n');
    this.drawn = false;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runUpload(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stderrIsTTY: process.stderr.isTTY,
  });
}
