/**
 * The Dutch citizen service number check: nine digits whose weighted sum (9…2 for the first eight,
 * −1 for the last) is a multiple of 11, and not all zeros.
 */
export function isValidBsn(value: string): boolean {
  if (value.length !== 9) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const digit = value.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return false;
    sum += digit * (9 - i);
  }
  const last = value.charCodeAt(8) - 48;
  if (last < 0 || last > 9) return false;
  sum -= last;
  return sum % 11 === 0 && value !== '000000000';
}
