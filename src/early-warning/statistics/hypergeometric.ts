/**
 * The hypergeometric distribution and the two-sided mid-p version of Fisher's exact test.
 *
 * Comparing a street (n of d) with the rest of its buurt (m of e) as if the buurt's rate were known
 * ignores that the rest of the buurt is itself a small sample: with two or three streets per buurt
 * the binomial test against the plug-in rate rejected 12–21% of true nulls at the 5% level in a
 * simulation (deviation.ts). Fisher's test (Fisher 1935) conditions on the n + m events in the d + e
 * people instead; under H₀ (one common rate) the street's count is then Hypergeometric(population
 * d + e, successes n + m, draws d) whatever the common rate is, so the test is exact for small
 * references and approaches the binomial test against the reference rate when the rest is large.
 *
 * As in binomial.ts the two-sided value is twice the smaller one-sided mid-p value (Lancaster 1961),
 * capped at 1. Point probabilities are ratios of binomial coefficients in log space.
 */
import { logBinomialCoefficient } from './binomial.js';

/** ln P(X = k), X ~ Hypergeometric: `draws` taken from `population` of which `successes` are successes. */
export function logHypergeometricPmf(k: number, successes: number, draws: number, population: number): number {
  checkHypergeometric(k, successes, draws, population);
  const { lowest, highest } = support(successes, draws, population);
  if (k < lowest || k > highest) return -Infinity;
  return (
    logBinomialCoefficient(successes, k) +
    logBinomialCoefficient(population - successes, draws - k) -
    logBinomialCoefficient(population, draws)
  );
}

/** P(X = k) for X ~ Hypergeometric(population, successes, draws). */
export function hypergeometricPmf(k: number, successes: number, draws: number, population: number): number {
  return Math.exp(logHypergeometricPmf(k, successes, draws, population));
}

/** P(X ≤ k). */
export function hypergeometricLowerTail(k: number, successes: number, draws: number, population: number): number {
  checkHypergeometric(k, successes, draws, population);
  const { lowest, highest } = support(successes, draws, population);
  if (k < lowest) return 0;
  if (k >= highest) return 1;
  return sumPmf(lowest, k, successes, draws, population);
}

/** P(X ≥ k). */
export function hypergeometricUpperTail(k: number, successes: number, draws: number, population: number): number {
  checkHypergeometric(k, successes, draws, population);
  const { lowest, highest } = support(successes, draws, population);
  if (k <= lowest) return 1;
  if (k > highest) return 0;
  return sumPmf(k, highest, successes, draws, population);
}

/** Two-sided mid-p value of Fisher's exact test for k successes among the draws. */
export function hypergeometricMidPTwoSided(k: number, successes: number, draws: number, population: number): number {
  const halfPoint = 0.5 * hypergeometricPmf(k, successes, draws, population);
  const below = hypergeometricLowerTail(k - 1, successes, draws, population) + halfPoint;
  const above = hypergeometricUpperTail(k + 1, successes, draws, population) + halfPoint;
  return Math.min(1, 2 * Math.min(below, above));
}

function support(successes: number, draws: number, population: number): { lowest: number; highest: number } {
  return { lowest: Math.max(0, draws - (population - successes)), highest: Math.min(draws, successes) };
}

/** Σ P(X = j) for j in [from, to], factoring out the largest term. */
function sumPmf(from: number, to: number, successes: number, draws: number, population: number): number {
  const logTerms: number[] = [];
  for (let j = from; j <= to; j++) logTerms.push(logHypergeometricPmf(j, successes, draws, population));
  const largest = logTerms.reduce((max, term) => Math.max(max, term), -Infinity);
  const scaled = logTerms.reduce((total, term) => total + Math.exp(term - largest), 0);
  return Math.min(1, Math.exp(largest) * scaled);
}

function checkHypergeometric(k: number, successes: number, draws: number, population: number): void {
  if (!Number.isInteger(k)) throw new RangeError(`k must be an integer, got ${k}`);
  const valid =
    Number.isInteger(population) &&
    Number.isInteger(successes) &&
    Number.isInteger(draws) &&
    successes >= 0 &&
    draws >= 0 &&
    successes <= population &&
    draws <= population;
  if (!valid) {
    throw new RangeError(`need integers 0 ≤ successes, draws ≤ population, got ${successes}, ${draws}, ${population}`);
  }
}
