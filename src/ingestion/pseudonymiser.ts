import { createHash, hash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const MIN_KEY_BYTES = 32;

/**
 * Keyed pseudonyms: HMAC-SHA-256 under a secret kept outside the database, so that whoever reads the
 * database cannot recompute a pseudonym from a BSN (9 digits are easily enumerated without the key).
 * Domain-separated: a BSN and an address never share a pseudonym space.
 */
export class Pseudonymiser {
  private readonly innerPad: Buffer;
  private readonly outerPad: Buffer;
  /** Scratch space for outer-pad ‖ inner digest, reused for every pseudonym. */
  private readonly outerInput: Buffer;

  /**
   * HMAC (RFC 2104) written out with one-shot SHA-256 calls over the padded key: the same bytes as
   * createHmac, without setting up hash objects for every row of a million-row batch.
   */
  private constructor(key: Buffer) {
    const block = Buffer.alloc(64);
    (key.length > 64 ? createHash('sha256').update(key).digest() : key).copy(block);
    this.innerPad = Buffer.from(block.map((b) => b ^ 0x36));
    this.outerPad = Buffer.from(block.map((b) => b ^ 0x5c));
    this.outerInput = Buffer.alloc(96);
    this.outerPad.copy(this.outerInput);
  }

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
    return this.hmac(`bsn:${bsn}`);
  }

  /** The pseudonym of an address, for linking records of one household without storing the address. */
  address(postcode: string, huisnummer: number, toevoeging: string): Buffer {
    return this.hmac(`adr:${postcode}:${huisnummer}:${toevoeging.toUpperCase()}`);
  }

  private hmac(message: string): Buffer {
    const inner = hash('sha256', Buffer.concat([this.innerPad, Buffer.from(message, 'utf8')]), 'buffer');
    inner.copy(this.outerInput, 64);
    return hash('sha256', this.outerInput, 'buffer');
  }
}
