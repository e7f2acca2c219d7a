/**
 * Durations as users write them (HCL arguments, construct props, policy files): `"30s"`, `"10m"`,
 * `"12h"`, `"90d"`, or a sequence such as `"1h30m"`; and the one way durations and ages are
 * shown in messages. Days are exactly 24 hours: rotation periods are calendar-agnostic on
 * purpose, so a token is due a fixed time after it was created, whatever the time zone or DST.
 */

const SECOND_MS = 1000;
const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: SECOND_MS,
  m: 60 * SECOND_MS,
  h: 60 * 60 * SECOND_MS,
  d: 24 * 60 * 60 * SECOND_MS,
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

/** Milliseconds of a duration written in this codebase (a rule's literal): throws when it does not parse. */
export function durationMs(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new Error(`not a duration: ${JSON.stringify(text)}`);
  return ms;
}

/** An attribute validator message ("expected ..., got ...") or undefined when `text` parses. */
export function durationProblem(text: string): string | undefined {
  return parseDuration(text) === undefined ? `expected ${DURATION_HINT}, got ${JSON.stringify(text)}` : undefined;
}

export interface DurationFormat {
  /** How many units to show, largest first, skipping zeros: `"2d 3h"` with 2 (the default). */
  readonly units?: number;
  /** Under a second, `"0s"` instead of milliseconds (`"250ms"`): for ages, which tick in seconds. */
  readonly wholeSeconds?: boolean;
  /** Units as words after a space (`"3 d"`, `"30 min"`), for prose; `"3d"`, `"30m"` by default. */
  readonly spaced?: boolean;
}

const UNITS: ReadonlyArray<readonly [compact: string, spaced: string, seconds: number]> = [
  ['d', ' d', 86_400],
  ['h', ' h', 3_600],
  ['m', ' min', 60],
  ['s', ' s', 1],
];

/** A short human form for messages: `"2d 3h"`, `"45s"`, `"250ms"`; see {@link DurationFormat}. */
export function formatDuration(ms: number, format: DurationFormat = {}): string {
  const { units = 2, wholeSeconds = false, spaced = false } = format;
  const total = Math.max(0, ms);
  if (total < SECOND_MS && !wholeSeconds) return `${Math.round(total)}${spaced ? ' ms' : 'ms'}`;
  let rest = Math.floor(total / SECOND_MS);
  const parts: string[] = [];
  for (const [compact, word, seconds] of UNITS) {
    const amount = Math.floor(rest / seconds);
    rest -= amount * seconds;
    if (amount > 0 && parts.length < units) parts.push(`${amount}${spaced ? word : compact}`);
  }
  return parts.length > 0 ? parts.join(' ') : `0${spaced ? ' s' : 's'}`;
}

/** How long ago an RFC 3339 timestamp was, formatted as {@link formatDuration} does. */
export function ageOf(isoTimestamp: string, now: Date | number, format: DurationFormat = {}): string {
  const ms = Number(now) - Date.parse(isoTimestamp);
  return Number.isNaN(ms) ? 'an unknown time' : formatDuration(ms, format);
}
