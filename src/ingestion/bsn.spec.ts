import { describe, expect, it } from '@jest/globals';
import { isValidBsn } from './bsn.js';

/** The 11-proef written out independently of the implementation. */
function elfproef(bsn: string): boolean {
  const d = bsn.split('').map(Number);
  const sum = d.slice(0, 8).reduce((s, digit, i) => s + digit * (9 - i), 0) - d[8]!;
  return sum % 11 === 0;
}

describe('isValidBsn', () => {
  it.each(['111222333', '123456782', '999999990'])('accepts %s', (bsn) => {
    expect(isValidBsn(bsn)).toBe(true);
  });

  it.each(['123456789', '12345678', '1234567820', '12345678a', '', '000000000', ' 23456782'])('refuses %p', (bsn) => {
    expect(isValidBsn(bsn)).toBe(false);
  });

  it('agrees with the 11-proef on a sweep of nine-digit numbers', () => {
    for (let n = 100000000; n < 100000000 + 20000; n += 7) {
      const bsn = String(n);
      expect(isValidBsn(bsn)).toBe(elfproef(bsn));
    }
  });
});
