import { describe, expect, it } from '@jest/globals';
import { backoffDelayMs, DEFAULT_RETRY_POLICY, delayBeforeRetryMs, isRetryableStatus, retryAfterMs } from './retry-policy.js';

const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1000, maxDelayMs: 10_000 };

describe('retry policy', () => {
  it('retries 429 and 5xx, never another 4xx', () => {
    expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 413, 415, 422].some(isRetryableStatus)).toBe(false);
  });

  it('doubles the delay per attempt, half of it fixed and half random, up to the cap', () => {
    const lowest = (attempt: number) => backoffDelayMs(attempt, policy, () => 0);
    const highest = (attempt: number) => backoffDelayMs(attempt, policy, (max) => max - 1);
    expect([1, 2, 3, 4, 5, 6].map(lowest)).toEqual([500, 1000, 2000, 4000, 5000, 5000]);
    expect([1, 2, 3, 4, 5, 6].map(highest)).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('draws the jitter from node:crypto by default, within the bounds', () => {
    const delays = Array.from({ length: 200 }, () => backoffDelayMs(3, policy));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(2000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(4000);
    expect(new Set(delays).size).toBeGreaterThan(10);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = new Date('2026-11-02T10:00:00Z');
    expect(retryAfterMs('7', now)).toBe(7000);
    expect(retryAfterMs('Mon, 02 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Mon, 02 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });

  it('waits as long as Retry-After says (up to a limit) instead of the backoff', () => {
    expect(delayBeforeRetryMs(1, policy, 3000, () => 0)).toBe(3000);
    expect(delayBeforeRetryMs(1, policy, 10 * 60_000, () => 0)).toBe(policy.maxRetryAfterMs);
    expect(delayBeforeRetryMs(2, policy, undefined, () => 0)).toBe(1000);
  });
});
