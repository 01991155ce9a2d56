import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { type Checkpoint } from '../src/audit/core/checkpoint.js';
import { parseCheckpointJson } from '../src/audit/core/export-format.js';
import { verifyExport } from '../src/audit/core/verifier.js';

const USAGE = 'usage: audit-verify <export.jsonl> [--checkpoint <earlier.json>] [--public-key <pem-or-jwk-file>]';

/**
 * Verifies an audit export offline, streaming it line by line:
 *   node dist/scripts/audit-verify.js export.jsonl [--checkpoint earlier.json] [--public-key key.pem]
 * Exit 0 when it verifies, 1 when it does not (naming the first failing event), 2 on a usage error.
 */
export async function runAuditVerify(args: readonly string[], print: (line: string) => void): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    print(parsed);
    print(USAGE);
    return 2;
  }
  let publicKey: string | null = null;
  let earlierCheckpoint: Checkpoint | undefined;
  try {
    if (parsed.publicKey !== undefined) publicKey = readFileSync(parsed.publicKey, 'utf8');
    if (parsed.checkpoint !== undefined) earlierCheckpoint = parseCheckpointJson(readFileSync(parsed.checkpoint, 'utf8'));
  } catch (error) {
    print(`cannot read ${parsed.publicKey ?? ''} ${parsed.checkpoint ?? ''}: ${(error as Error).message}`.replace(/ {2,}/g, ' '));
    return 2;
  }

  const input = createReadStream(parsed.exportFile, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let report;
  try {
    report = await verifyExport(lines, { publicKey, ...(earlierCheckpoint === undefined ? {} : { earlierCheckpoint }) });
  } catch (error) {
    print(`cannot read ${parsed.exportFile}: ${(error as Error).message}`);
    return 2;
  }

  for (const check of report.checks) print(check.startsWith('FAILED') ? `  ${check}` : `  ok  ${check}`);
  for (const warning of report.warnings) print(`WARNING: ${warning}`);
  const failure = report.firstFailure;
  if (failure === undefined) {
    print(`OK: ${report.events} events, root ${report.rootHash}`);
    return 0;
  }
  const where = [failure.seq === undefined ? '' : `seq ${failure.seq}`, failure.line === undefined ? '' : `(line ${failure.line})`].filter(Boolean).join(' ');
  print(`FAILED${where === '' ? '' : ` at ${where}`}: ${failure.problem}`);
  return 1;
}

function parseArgs(args: readonly string[]): { exportFile: string; checkpoint?: string; publicKey?: string } | string {
  const options: { checkpoint?: string; publicKey?: string } = {};
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--checkpoint' || arg === '--public-key') {
      const value = args[++i];
      if (value === undefined) return `${arg} needs a file`;
      options[arg === '--checkpoint' ? 'checkpoint' : 'publicKey'] = value;
    } else if (arg.startsWith('--')) return `unknown option ${arg}`;
    else files.push(arg);
  }
  if (files.length !== 1) return 'give exactly one export file';
  return { exportFile: files[0]!, ...options };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runAuditVerify(process.argv.slice(2), (line) => console.log(line));
}
