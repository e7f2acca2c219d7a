/**
 * When to retry and how long to wait: exponential backoff with full jitter, `Retry-After`
 * honoured (capped), and the list of failures that are worth another attempt. Pure functions;
 * the client owns the loop and the (injectable) sleep.
 */

export interface RetryPolicy {
  /** Attempts after the first. @default 5 */
  maxRetries: number;
  /** Ceiling of the first backoff window. @default 250 ms */
  baseDelayMs: number;
  /** Largest backoff window, however many attempts came before. @default 8000 ms */
  maxDelayMs: number;
  /** A server asking for a longer pause than this gets this. @default 30000 ms */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 5,
  baseDelayMs: 250,
  maxDelayMs: 8000,
  maxRetryAfterMs: 30_000,
};

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Full jitter: a uniformly random wait in [0, min(maxDelay, base * 2^(retry-1))). Spreading
 * retries over the whole window keeps many clients from hammering a recovering server together.
 * `retry` counts from 1 (the first retry).
 */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponent = Math.max(0, retry - 1);
  const window = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  return Math.floor(random() * window);
}

/**
 * Milliseconds a `Retry-After` header asks for: delta-seconds or an HTTP date. Undefined when
 * the header is absent or unreadable (the caller then falls back to backoff). Never negative,
 * never above `capMs`.
 */
export function parseRetryAfterMs(header: string | undefined, capMs: number, now: () => number = Date.now): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '') return undefined;
  let ms: number;
  if (/^\d+$/.test(value)) {
    ms = Number(value) * 1000;
  } else {
    // An HTTP date has a weekday and month name; bare numbers like "-5" are not dates.
    const at = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
    if (Number.isNaN(at)) return undefined;
    ms = at - now();
  }
  return Math.min(capMs, Math.max(0, ms));
}

/** 408, 429 and 5xx are temporary; 501 means the server will never do it. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599 && status !== 501);
}

/** Transport failures worth another attempt, by Node/axios error code. */
const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET', // dropped connection, including "socket hang up"
  'ECONNREFUSED', // server restarting
  'ECONNABORTED', // axios timeout
  'ETIMEDOUT',
  'EPIPE',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'ERR_NETWORK',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET',
]);

export function isRetryableNetworkCode(code: string | undefined): boolean {
  return code !== undefined && RETRYABLE_NETWORK_CODES.has(code);
}

/**
 * Whether the server may have received (and acted on) a request that failed with this code.
 * A refused connection never reached it; anything else might have.
 */
export function mayHaveReachedServer(code: string | undefined): boolean {
  return code !== 'ECONNREFUSED' && code !== 'EAI_AGAIN' && code !== 'ENETUNREACH' && code !== 'EHOSTUNREACH';
}
