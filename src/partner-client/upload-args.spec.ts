import { describe, expect, it } from '@jest/globals';
import { contentTypeFor } from './content-type.js';
import { DEFAULT_GATEWAY_URL, parseUploadArgs, UPLOAD_USAGE } from './upload-args.js';

const REQUIRED = ['--client', 'woningcorporatie-etl', '--key', 'k.jwk.json', '--dataset', 'huurachterstand', '--period', '2026-10'];

describe('upload command line', () => {
  it('parses the required options and the file, with defaults for the rest', () => {
    expect(parseUploadArgs([...REQUIRED, 'batch.csv'])).toEqual({
      kind: 'args',
      args: {
        client: 'woningcorporatie-etl',
        key: 'k.jwk.json',
        dataset: 'huurachterstand',
        period: '2026-10',
        url: DEFAULT_GATEWAY_URL,
        audience: 'urn:straatkubus:gateway',
        file: 'batch.csv',
      },
    });
  });

  it('takes --url, --idempotency-key and --audience', () => {
    const parsed = parseUploadArgs([
      'b.ndjson',
      ...REQUIRED,
      '--url',
      'https://gateway.example/',
      '--idempotency-key',
      'job-2026-10-run-1',
      '--audience',
      'urn:other',
    ]);
    expect(parsed).toMatchObject({
      kind: 'args',
      args: { url: 'https://gateway.example/', idempotencyKey: 'job-2026-10-run-1', audience: 'urn:other', file: 'b.ndjson' },
    });
  });

  it('lists every problem at once', () => {
    const parsed = parseUploadArgs(['--client', 'Woning Corp', '--period', '2026-13', '--url', 'ftp://x', '--idempotency-key', 'short', 'a.txt']);
    expect(parsed.kind).toBe('usage-error');
    expect(parsed.kind === 'usage-error' && parsed.errors).toEqual([
      '--key is required',
      '--dataset is required',
      '--client Woning Corp is not a client id (lower case letters, digits and -)',
      '--period 2026-13 is not a period like 2026-10, 2026-Q3 or 2026',
      '--url ftp://x is not an http(s) URL',
      '--idempotency-key must be 8 to 128 characters of A-Z a-z 0-9 . _ : -',
      'a.txt: the file name must end in .csv, .ndjson, .jsonl, .json',
    ]);
  });

  it.each([[[]], [[...REQUIRED]], [[...REQUIRED, 'a.csv', 'b.csv']], [[...REQUIRED, '--force', 'a.csv']], [[...REQUIRED, 'a.csv', '--url']]])(
    'refuses %j',
    (argv) => {
      expect(parseUploadArgs(argv).kind).toBe('usage-error');
    },
  );

  it('answers --help, and the usage names the demo key file', () => {
    expect(parseUploadArgs(['-h'])).toEqual({ kind: 'help' });
    expect(UPLOAD_USAGE).toContain('--key data/demo/client-woningcorporatie-etl.private.jwk.json');
  });

  it.each([
    ['batch.csv', 'text/csv'],
    ['BATCH.CSV', 'text/csv'],
    ['dir.v2/batch.ndjson', 'application/x-ndjson'],
    ['batch.jsonl', 'application/x-ndjson'],
    ['batch.json', 'application/json'],
    ['batch.csv.gz', undefined],
    ['batch', undefined],
  ])('sends %s as %s', (file, type) => {
    expect(contentTypeFor(file)).toBe(type);
  });
});
