import { DURATION_HINT, parseDuration } from '../src/api/duration';
import {
  MAX_DRAIN_TIMEOUT_HOURS,
  MAX_DRAIN_TIMEOUT_MS,
  MAX_ROTATION_PERIOD_DAYS,
  MAX_ROTATION_PERIOD_MS,
  RECOMMENDED_ROTATION_PERIOD,
  RECOMMENDED_ROTATION_PERIOD_DAYS,
  RECOMMENDED_ROTATION_PERIOD_MS,
} from '../src/api/rules';
import { invalidProp, rotationPeriodTooLong } from './errors';

/** Options of a rotation policy besides its period. */
export interface RotationPolicyOptions {
  /**
   * How long revoking the old token may wait for every Protector instance to move to the new one,
   * as a duration such as `"15m"`, at most 24 hours. On timeout the apply fails and the old token
   * stays active; the next apply retries.
   * @default "10m" (the provider's default)
   */
  readonly drainTimeout?: string;
  /**
   * Whether revoking the old token waits until no recently seen instance still uses it.
   * Turn it off only where no instance reports heartbeats.
   * @default true
   */
  readonly requireDrain?: boolean;
  /**
   * Arbitrary values; changing any of them rotates the token at the next deploy (for example
   * `{ reason: "incident-2026-11" }` to rotate on demand).
   * @default - no keepers
   */
  readonly keepers?: Readonly<Record<string, string>>;
}

/**
 * How often a connection's token is rotated, and how the old token is retired.
 *
 * The period is at most 365 days (tokens must be rotated at least once a year); more than 182 days
 * adds a warning, since twice a year is the recommended practice.
 */
export class RotationPolicy {
  /** Longest period allowed: a year. */
  public static readonly MAX_PERIOD_DAYS = MAX_ROTATION_PERIOD_DAYS;
  /** Longest period without a warning: twice a year. */
  public static readonly RECOMMENDED_MAX_PERIOD_DAYS = RECOMMENDED_ROTATION_PERIOD_DAYS;
  /** Longest drain timeout the provider accepts. */
  public static readonly MAX_DRAIN_TIMEOUT_HOURS = MAX_DRAIN_TIMEOUT_HOURS;

  /**
   * Rotate every `period`, a duration such as `"90d"`, `"12h"` or `"30s"` (units ms, s, m, h, d).
   * @throws when `every` is not a duration, is zero, or is longer than 365 days
   */
  public static every(period: string, options: RotationPolicyOptions = {}): RotationPolicy {
    return new RotationPolicy(period, options);
  }

  /** The recommended policy: rotate twice a year (every 182 days). */
  public static recommended(options: RotationPolicyOptions = {}): RotationPolicy {
    return new RotationPolicy(RECOMMENDED_ROTATION_PERIOD, options);
  }

  /** The period as written, e.g. `"90d"`: the token's `rotation_period`. */
  public readonly period: string;
  /** The period in milliseconds. */
  public readonly periodMs: number;
  /** @see RotationPolicyOptions.drainTimeout */
  public readonly drainTimeout?: string;
  /** @see RotationPolicyOptions.requireDrain */
  public readonly requireDrain?: boolean;
  /** @see RotationPolicyOptions.keepers */
  public readonly keepers?: Readonly<Record<string, string>>;

  private constructor(period: string, options: RotationPolicyOptions) {
    const owner = 'RotationPolicy';
    const periodMs = typeof period === 'string' ? parseDuration(period) : undefined;
    if (periodMs === undefined || periodMs <= 0) {
      throw invalidProp(owner, 'every', period, `must be a positive duration: ${DURATION_HINT}`);
    }
    if (periodMs > MAX_ROTATION_PERIOD_MS) {
      throw rotationPeriodTooLong('every', period, RotationPolicy.MAX_PERIOD_DAYS);
    }
    const { drainTimeout, requireDrain, keepers } = options ?? {};
    if (drainTimeout !== undefined) {
      const drainMs = typeof drainTimeout === 'string' ? parseDuration(drainTimeout) : undefined;
      if (drainMs === undefined || drainMs <= 0 || drainMs > MAX_DRAIN_TIMEOUT_MS) {
        throw invalidProp(
          owner,
          'drainTimeout',
          drainTimeout,
          `must be a positive duration of at most ${RotationPolicy.MAX_DRAIN_TIMEOUT_HOURS} hours (the provider's limit): ${DURATION_HINT}`,
        );
      }
    }
    if (requireDrain !== undefined && typeof requireDrain !== 'boolean') {
      throw invalidProp(owner, 'requireDrain', requireDrain, 'must be true or false');
    }
    if (keepers !== undefined) {
      const valid =
        typeof keepers === 'object' &&
        keepers !== null &&
        !Array.isArray(keepers) &&
        Object.entries(keepers).every(([key, value]) => key.length > 0 && typeof value === 'string');
      if (!valid) throw invalidProp(owner, 'keepers', keepers, 'must map non-empty names to string values');
    }
    this.period = period;
    this.periodMs = periodMs;
    this.drainTimeout = drainTimeout;
    this.requireDrain = requireDrain;
    this.keepers = keepers === undefined ? undefined : { ...keepers };
  }

  /** True when the period is longer than the recommended twice a year. */
  public get exceedsRecommendation(): boolean {
    return this.periodMs > RECOMMENDED_ROTATION_PERIOD_MS;
  }

  public toString(): string {
    return `RotationPolicy.every(${JSON.stringify(this.period)})`;
  }
}
