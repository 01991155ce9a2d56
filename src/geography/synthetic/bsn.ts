/**
 * Synthetic burgerservicenummers: nine digits that pass the elfproef
 * (9·d1 + 8·d2 + … + 2·d8 − 1·d9 ≡ 0 mod 11), generated without repeats from a seed.
 */
export { isValidBsn } from '../../ingestion/bsn.js';

const PREFIXES = 100_000_000;
// Odd and not a multiple of 5, so stepping by it visits every 8-digit prefix once before repeating.
const STEP = 48_271_021;

export class BsnSequence {
  private counter = 0;
  private readonly offset: number;

  constructor(seed: number) {
    this.offset = (Math.imul(seed, 2_654_435_761) >>> 0) % PREFIXES;
  }

  next(): string {
    for (;;) {
      if (this.counter >= PREFIXES) throw new Error('BSN space exhausted');
      const prefix = (this.offset + ((this.counter++ * STEP) % PREFIXES)) % PREFIXES;
      const digits = String(prefix).padStart(8, '0');
      if (digits[0] === '0') continue;
      let sum = 0;
      for (let i = 0; i < 8; i++) sum += Number(digits[i]) * (9 - i);
      const check = sum % 11;
      if (check <= 9) return `${digits}${check}`;
    }
  }
}
