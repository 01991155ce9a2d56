import { randomInt } from 'node:crypto';

export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** The longest Retry-After the client is willing to wait for. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/** 429 and 5xx may succeed later; every other 4xx will fail the same way again. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * Exponential backoff with "equal jitter": half the exponential delay for sure, the other half random
 * (node:crypto), so retrying clients spread out without ever retrying at once.
 * `attempt` is the attempt that just failed, 1 for the first.
 */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: (maxExclusive: number) => number = randomInt): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const half = Math.floor(exponential / 2);
  return half + random(half + 1);
}

/** Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: Date = new Date()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/** The wait before the next attempt: the server's Retry-After when it gave one (capped), else backoff. */
export function delayBeforeRetryMs(
  attempt: number,
  policy: RetryPolicy,
  retryAfter: number | undefined,
  random?: (maxExclusive: number) => number,
): number {
  if (retryAfter !== undefined) return Math.min(retryAfter, policy.maxRetryAfterMs);
  return backoffDelayMs(attempt, policy, random);
}
