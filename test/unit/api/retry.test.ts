import { DEFAULT_RETRY_POLICY, backoffDelayMs, isRetryableNetworkCode, isRetryableStatus, mayHaveReachedServer, parseRetryAfterMs } from '../../../src/api/retry';

const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };

describe('backoffDelayMs (full jitter)', () => {
  test('the window doubles per retry and is capped at maxDelayMs', () => {
    const almostOne = () => 0.999999;
    expect([1, 2, 3, 4, 5, 6].map((retry) => backoffDelayMs(retry, policy, almostOne))).toEqual([99, 199, 399, 799, 999, 999]);
  });

  test('the wait is uniform over the whole window, down to zero', () => {
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(200);
  });

  test('with real randomness every wait stays inside its window', () => {
    for (let retry = 1; retry <= 8; retry++) {
      for (let i = 0; i < 50; i++) {
        const delay = backoffDelayMs(retry, policy);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(Math.min(1000, 100 * 2 ** (retry - 1)));
      }
    }
  });
});

describe('parseRetryAfterMs', () => {
  const now = () => Date.parse('2026-01-01T00:00:00Z');

  test('delta seconds', () => {
    expect(parseRetryAfterMs('2', 30_000, now)).toBe(2000);
    expect(parseRetryAfterMs(' 0 ', 30_000, now)).toBe(0);
  });

  test('an HTTP date, relative to now', () => {
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', 30_000, now)).toBe(5000);
  });

  test('a date in the past means now', () => {
    expect(parseRetryAfterMs('Wed, 31 Dec 2025 23:00:00 GMT', 30_000, now)).toBe(0);
  });

  test('capped at the maximum', () => {
    expect(parseRetryAfterMs('3600', 30_000, now)).toBe(30_000);
    expect(parseRetryAfterMs('Fri, 02 Jan 2026 00:00:00 GMT', 30_000, now)).toBe(30_000);
  });

  test('absent or unreadable: undefined, so backoff decides', () => {
    expect(parseRetryAfterMs(undefined, 30_000, now)).toBeUndefined();
    expect(parseRetryAfterMs('', 30_000, now)).toBeUndefined();
    expect(parseRetryAfterMs('soon', 30_000, now)).toBeUndefined();
    expect(parseRetryAfterMs('-5', 30_000, now)).toBeUndefined();
  });
});

describe('what is retried', () => {
  test('statuses: 408, 429 and 5xx except 501', () => {
    expect([408, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([200, 400, 401, 403, 404, 409, 422, 501].some(isRetryableStatus)).toBe(false);
  });

  test('transport failures: dropped, refused, timed out', () => {
    expect(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE'].every(isRetryableNetworkCode)).toBe(true);
    expect(isRetryableNetworkCode('ERR_INVALID_URL')).toBe(false);
    expect(isRetryableNetworkCode(undefined)).toBe(false);
  });

  test('a refused connection never reached the server; a reset one may have', () => {
    expect(mayHaveReachedServer('ECONNREFUSED')).toBe(false);
    expect(mayHaveReachedServer('ECONNRESET')).toBe(true);
    expect(mayHaveReachedServer('ECONNABORTED')).toBe(true);
  });
});
