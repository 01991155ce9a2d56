import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** SHA-256 of a file, hex, read as a stream (the file is never held in memory whole). */
export async function sha256File(file: string, onBytes?: (bytesRead: number) => void): Promise<string> {
  const hash = createHash('sha256');
  let read = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
    read += (chunk as Buffer).length;
    onBytes?.(read);
  }
  return hash.digest('hex');
}

/**
 * The Idempotency-Key for uploading this content as this dataset and period: the same file sent again
 * (a retry, or a rerun of the same job) gets the same key, so the gateway answers with the first receipt
 * instead of storing it twice. 64 hex characters fit the contract's `^[A-Za-z0-9._:-]{8,128}$`.
 */
export function idempotencyKeyFor(contentSha256: string, dataset: string, period: string): string {
  return createHash('sha256').update(`straatkubus-batch\n${dataset}\n${period}\n${contentSha256}`).digest('hex');
}
