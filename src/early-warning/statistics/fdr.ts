/**
 * Benjamini–Hochberg (1995) false discovery rate adjustment.
 *
 * Early warning tests every street unit of a gemeente at once, so a per-test 5% level would flag
 * dozens of streets by chance alone. The BH step-up procedure controls the expected share of false
 * flags among all flags at level q for independent (and positively dependent, Benjamini & Yekutieli
 * 2001) tests, while keeping far more power than a family-wise (Bonferroni/Holm) correction.
 *
 * The adjusted value of the i-th smallest of m p values is min over j ≥ i of p₍ⱼ₎ · m / j, capped at
 * 1: exactly R's `p.adjust(p, method = "BH")`. Rejecting every hypothesis with q ≤ α is the BH
 * procedure at level α.
 */

/** BH-adjusted q values, in the order of the input. */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  for (const p of pValues) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p values must lie in [0, 1], got ${p}`);
  }
  const count = pValues.length;
  const ascending = pValues.map((p, index) => ({ p, index })).sort((a, b) => a.p - b.p || a.index - b.index);
  const qValues = new Array<number>(count);
  let runningMinimum = 1;
  for (let rank = count; rank >= 1; rank--) {
    const { p, index } = ascending[rank - 1]!;
    runningMinimum = Math.min(runningMinimum, (p * count) / rank);
    qValues[index] = runningMinimum;
  }
  return qValues;
}
