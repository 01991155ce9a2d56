import { parseArgs } from 'node:util';
import { BATCH_EXTENSIONS, contentTypeFor } from './content-type.js';
import { DEFAULT_AUDIENCE } from './partner-token.js';

export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:3000';

export const UPLOAD_USAGE = `usage: npm run upload -- --client <id> --key <file> --dataset <id> --period <YYYY-MM> [options] <file>

Uploads one batch file (${BATCH_EXTENSIONS.join(', ')}) of a dataset to the gateway, streamed, signing
a fresh single-use token for every request with the partner's private key.

  --client <id>            the partner client id (policies/clients/<id>.yaml)
  --key <file>             the client's private key: a JWK JSON file or a PKCS#8 PEM file
                           (EC P-256 → ES256, Ed25519 → EdDSA, RSA → PS256). For the demo the gateway
                           created one per client on its first start, e.g.
                           --key data/demo/client-woningcorporatie-etl.private.jwk.json
  --dataset <id>           the dataset (policies/datasets/<id>.yaml), e.g. huurachterstand
  --period <YYYY-MM>       the batch's reference period (also YYYY-Qn or YYYY)
  --url <url>              the gateway (default ${DEFAULT_GATEWAY_URL})
  --idempotency-key <k>    default: derived from the file's SHA-256, the dataset and the period,
                           so uploading the same file again is answered with the first receipt
  --audience <aud>         the token audience (default ${DEFAULT_AUDIENCE})
  -h, --help               this text

Output: the receipt as JSON, or a rejected batch's row errors (row, field, reason) and their total, on
stdout; progress, retries and any other problem on stderr.
Exit status: 0 stored (or already stored: the same file again), 1 rejected, refused or no answer,
2 usage error (including an unreadable key or batch file).`;

export interface UploadArgs {
  readonly client: string;
  readonly key: string;
  readonly dataset: string;
  readonly period: string;
  readonly url: string;
  readonly audience: string;
  readonly idempotencyKey?: string;
  readonly file: string;
}

export type ParsedUploadArgs = { readonly kind: 'args'; readonly args: UploadArgs } | { readonly kind: 'help' } | { readonly kind: 'usage-error'; readonly errors: readonly string[] };

const ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const PERIOD = /^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$/;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

/** Parses the command line; every problem with it is listed at once. */
export function parseUploadArgs(argv: readonly string[]): ParsedUploadArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    return { kind: 'usage-error', errors: [(error as Error).message] };
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { kind: 'help' };

  const errors: string[] = [];
  const required = (name: 'client' | 'key' | 'dataset' | 'period'): string => {
    const value = values[name];
    if (value === undefined || value === '') errors.push(`--${name} is required`);
    return value ?? '';
  };
  const client = required('client');
  const key = required('key');
  const dataset = required('dataset');
  const period = required('period');
  if (client !== '' && !ID.test(client)) errors.push(`--client ${client} is not a client id (lower case letters, digits and -)`);
  if (dataset !== '' && !ID.test(dataset)) errors.push(`--dataset ${dataset} is not a dataset id (lower case letters, digits and -)`);
  if (period !== '' && !PERIOD.test(period)) errors.push(`--period ${period} is not a period like 2026-10, 2026-Q3 or 2026`);
  const url = values.url ?? DEFAULT_GATEWAY_URL;
  if (!isHttpUrl(url)) errors.push(`--url ${url} is not an http(s) URL`);
  const idempotencyKey = values['idempotency-key'];
  if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    errors.push('--idempotency-key must be 8 to 128 characters of A-Z a-z 0-9 . _ : -');
  }
  const audience = values.audience ?? DEFAULT_AUDIENCE;
  if (audience === '') errors.push('--audience must not be empty');
  if (positionals.length !== 1) errors.push(positionals.length === 0 ? 'give the file to upload' : `give one file, not ${positionals.length}`);
  const file = positionals[0] ?? '';
  if (positionals.length === 1 && contentTypeFor(file) === undefined) {
    errors.push(`${file}: the file name must end in ${BATCH_EXTENSIONS.join(', ')}`);
  }
  if (errors.length > 0) return { kind: 'usage-error', errors };
  return {
    kind: 'args',
    args: { client, key, dataset, period, url, audience, file, ...(idempotencyKey !== undefined && { idempotencyKey }) },
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      client: { type: 'string' },
      key: { type: 'string' },
      dataset: { type: 'string' },
      period: { type: 'string' },
      url: { type: 'string' },
      'idempotency-key': { type: 'string' },
      audience: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
