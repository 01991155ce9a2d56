import { createHmac, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const MIN_KEY_BYTES = 32;

/**
 * Keyed pseudonyms: HMAC-SHA-256 under a secret kept outside the database, so that whoever reads the
 * database cannot recompute a pseudonym from a BSN (9 digits are easily enumerated without the key).
 * Domain-separated: a BSN and an address never share a pseudonym space.
 */
export class Pseudonymiser {
  private constructor(private readonly key: Buffer) {}

  static async fromKeyFile(file: string): Promise<{ pseudonymiser: Pseudonymiser; created: boolean }> {
    let text: string;
    let created = false;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      text = randomBytes(MIN_KEY_BYTES).toString('base64');
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      await writeFile(file, `${text}\n`, { mode: 0o600, flag: 'wx' });
      created = true;
    }
    const key = Buffer.from(text.trim(), 'base64');
    if (key.length < MIN_KEY_BYTES) throw new Error(`${file} must hold at least ${MIN_KEY_BYTES} random bytes, base64-encoded`);
    return { pseudonymiser: new Pseudonymiser(key), created };
  }

  /** The pseudonym of a (valid) BSN: 32 bytes. */
  person(bsn: string): Buffer {
    return createHmac('sha256', this.key).update('bsn:').update(bsn).digest();
  }

  /** The pseudonym of an address, for linking records of one household without storing the address. */
  address(postcode: string, huisnummer: number, toevoeging: string): Buffer {
    return createHmac('sha256', this.key).update(`adr:${postcode}:${huisnummer}:${toevoeging.toUpperCase()}`).digest();
  }
}
