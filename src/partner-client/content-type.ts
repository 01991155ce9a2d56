import path from 'node:path';

export type BatchContentType = 'text/csv' | 'application/x-ndjson' | 'application/json';

const BY_EXTENSION: Readonly<Record<string, BatchContentType>> = {
  '.csv': 'text/csv',
  '.ndjson': 'application/x-ndjson',
  '.jsonl': 'application/x-ndjson',
  '.json': 'application/json',
};

/** The media type the gateway expects for a batch file, from its extension; undefined when unknown. */
export function contentTypeFor(file: string): BatchContentType | undefined {
  return BY_EXTENSION[path.extname(file).toLowerCase()];
}

export const BATCH_EXTENSIONS = Object.keys(BY_EXTENSION);
