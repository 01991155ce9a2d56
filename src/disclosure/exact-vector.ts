/**
 * Sparse integer vectors for exact elimination. Disclosure control must not depend on rounding: a
 * float pivot that is "almost zero" could declare a derivable cell safe. Coefficients stay small
 * because every combination is divided by its gcd; if one ever leaves the safe-integer range we
 * throw rather than continue with a wrong answer.
 */
export type SparseVector = Map<number, number>;

export function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

export function exactMul(a: number, b: number): number {
  const product = a * b;
  if (!Number.isSafeInteger(product)) throw new RangeError('exact elimination left the safe-integer range');
  return product;
}

/** a·x − b·y, entry by entry, without zeros; the gcd of the result is returned alongside. */
export function combine(a: number, x: SparseVector, b: number, y: SparseVector): SparseVector {
  const out: SparseVector = new Map();
  for (const [i, xi] of x) out.set(i, exactMul(a, xi));
  for (const [i, yi] of y) {
    const next = (out.get(i) ?? 0) - exactMul(b, yi);
    if (!Number.isSafeInteger(next)) throw new RangeError('exact elimination left the safe-integer range');
    if (next === 0) out.delete(i);
    else out.set(i, next);
  }
  return out;
}

export function contentOf(v: SparseVector): number {
  let g = 0;
  for (const x of v.values()) {
    g = gcd(g, x);
    if (g === 1) break;
  }
  return g;
}

export function divideBy(v: SparseVector, d: number): void {
  if (d === 1 || d === 0) return;
  for (const [i, x] of v) v.set(i, x / d);
}

/**
 * A key equal for two vectors exactly when they are non-zero multiples of each other: sorted
 * entries, divided by their gcd, sign fixed by the first entry.
 */
export function directionKey(v: SparseVector): string {
  const entries = [...v].sort((a, b) => a[0] - b[0]);
  const first = entries[0];
  if (!first) return '';
  const d = contentOf(v) * Math.sign(first[1]);
  return entries.map(([i, x]) => `${i}:${x / d}`).join(',');
}
