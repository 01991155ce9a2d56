/**
 * Statistics for early warning: pure functions, no I/O. See each module's header for the method.
 *   - binomial.ts: exact binomial and Poisson tails, mid-p values, Wilson interval, log-gamma
 *   - hypergeometric.ts: Fisher's exact test (mid-p), used to compare a unit with its neighbourhood
 *   - fdr.ts: Benjamini–Hochberg q values
 *   - beta.ts, shrinkage.ts: incomplete beta function; empirical-Bayes beta-binomial shrinkage
 *   - deviation.ts: units that deviate from their buurt or wijk, with FDR control
 *   - normal.ts, trend.ts: normal tail; Cochran–Armitage / Poisson trend tests
 */
export {
  binomialLowerTail,
  binomialMidPTwoSided,
  binomialPmf,
  binomialUpperTail,
  logBinomialCoefficient,
  logBinomialPmf,
  logFactorial,
  logGamma,
  logPoissonPmf,
  poissonLowerTail,
  poissonMidPTwoSided,
  poissonPmf,
  poissonUpperTail,
  wilsonInterval,
  Z_95,
} from './binomial.js';
export { inverseRegularizedBeta, logBeta, regularizedBeta } from './beta.js';
export {
  DEFAULT_FDR_LEVEL,
  deviations,
  type DeviationDirection,
  type DeviationInput,
  type DeviationOptions,
  type DeviationResult,
  type Reference,
  type UnitObservation,
} from './deviation.js';
export { benjaminiHochberg } from './fdr.js';
export {
  hypergeometricLowerTail,
  hypergeometricMidPTwoSided,
  hypergeometricPmf,
  hypergeometricUpperTail,
  logHypergeometricPmf,
} from './hypergeometric.js';
export { complementaryErrorFunction, normalUpperTail } from './normal.js';
export {
  centredPrior,
  fitBetaPrior,
  FULL_SHRINKAGE_STRENGTH,
  MIN_PRIOR_STRENGTH,
  shrunkRate,
  type BetaPrior,
  type ShrunkRate,
} from './shrinkage.js';
export { trendTest, type TrendDirection, type TrendPoint, type TrendResult } from './trend.js';
