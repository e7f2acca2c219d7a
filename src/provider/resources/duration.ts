/**
 * Duration strings as users write them in HCL: `"30s"`, `"10m"`, `"12h"`, `"90d"`, or a sequence
 * such as `"1h30m"`. Days are exactly 24 hours (rotation periods are calendar-agnostic on purpose:
 * a token is due a fixed time after it was created, whatever the time zone or DST).
 */

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60 * 1000,
  h: 60 * 60 * 1000,
  d: 24 * 60 * 60 * 1000,
};

const WHOLE = /^(?:\d+(?:ms|s|m|h|d))+$/;
const PART = /(\d+)(ms|s|m|h|d)/g;

export const DURATION_HINT = 'a duration such as "30s", "10m", "12h", "90d" or "1h30m" (units ms, s, m, h, d)';

/** Milliseconds, or undefined when `text` is not a duration string. */
export function parseDuration(text: string): number | undefined {
  if (!WHOLE.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) {
    total += Number(amount) * UNIT_MS[unit];
  }
  return Number.isSafeInteger(total) ? total : undefined;
}

/** An attribute validator message ("expected ..., got ...") or undefined when `text` parses. */
export function durationProblem(text: string): string | undefined {
  return parseDuration(text) === undefined ? `expected ${DURATION_HINT}, got ${JSON.stringify(text)}` : undefined;
}

/** A short human form for messages: `"2d 3h"`, `"45s"`, `"250ms"`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, seconds] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    const amount = Math.floor(rest / seconds);
    if (amount > 0) parts.push(`${amount}${unit}`);
    rest -= amount * seconds;
  }
  return parts.slice(0, 2).join(' ');
}
