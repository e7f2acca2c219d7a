/**
 * Why a token is replaced, ordered by what forced it. Terraform lists `replace_paths` in its own
 * order, and a token's stored `rotate_after` is the due date of its *old* rotation period: after
 * `rotation_period` is shortened (30d -> 1m) that date is still in the future, so "rotate_after
 * passed (<future date>)" would be the wrong reading. The due date that forced the plan is then
 * `created_at` plus the new period.
 */
import { parseDuration } from '../api/duration';

/** Strongest first: an explicit request, a changed setting, a keepers change, then being due. */
const RANKS = ['requested', 'configuration', 'keepers', 'period-shortened', 'due'] as const;
export type ReasonRank = (typeof RANKS)[number];

export interface Reason {
  rank: ReasonRank;
  text: string;
}

export function orderReasons(reasons: readonly Reason[]): string[] {
  return [...reasons].sort((a, b) => RANKS.indexOf(a.rank) - RANKS.indexOf(b.rank)).map((reason) => reason.text);
}

export interface DueFacts {
  /** `rotate_after` in the prior state: due date under the old `rotation_period`. */
  priorRotateAfter?: string;
  createdAt?: string;
  periodBefore?: string;
  periodAfter?: string;
  /** When the plan was made (`timestamp` of the plan JSON), if Terraform recorded it. */
  planTime?: string;
}

/** The reason for a `rotate_after` replacement: passed under the old period, or due under a shorter new one. */
export function rotateAfterReason(facts: DueFacts): Reason {
  const { priorRotateAfter, createdAt, periodBefore, periodAfter, planTime } = facts;
  const newDue = createdAt !== undefined && periodAfter !== undefined ? dueDate(createdAt, periodAfter) : undefined;
  const periodChanged = periodAfter !== undefined && periodAfter !== periodBefore;
  const priorPassed =
    priorRotateAfter !== undefined &&
    (planTime !== undefined ? Date.parse(priorRotateAfter) <= Date.parse(planTime) : newDue === undefined || priorRotateAfter <= newDue);
  if (periodChanged && newDue !== undefined && !priorPassed) {
    return {
      rank: 'period-shortened',
      text: `rotation_period ${periodBefore === undefined ? 'set' : 'shortened'} (${JSON.stringify(periodBefore ?? null)} → ${JSON.stringify(periodAfter)}): due since ${newDue}`,
    };
  }
  return { rank: 'due', text: priorRotateAfter !== undefined ? `rotate_after passed (${priorRotateAfter})` : 'rotate_after passed' };
}

function dueDate(createdAt: string, period: string): string | undefined {
  const created = Date.parse(createdAt);
  const ms = parseDuration(period);
  if (Number.isNaN(created) || ms === undefined) return undefined;
  return new Date(created + ms).toISOString();
}
