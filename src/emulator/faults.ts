/**
 * Test-only fault injection for product API requests: added latency, a share of 503s, a share
 * of 429s with `Retry-After`, and dropping or holding the answer after a change was committed. The
 * plan comes from `PUT /_emulator/faults`; `/_emulator/` requests never get faults.
 */
import { FaultPlanSchema, type FaultPlan } from './control-schemas';
import { compileGlob, type PathMatcher } from './glob';

export interface FaultDecision {
  latencyMs: number;
  /** Answer this status before doing anything. */
  reject?: 503 | 429;
  retryAfterSeconds: number;
  /** If the request commits a change, destroy the connection instead of answering. */
  dropAfterCommit: boolean;
  /** If the request commits a change, wait this long before answering. */
  holdAfterCommitMs: number;
  /** Whether this request already used up one fault of the budget. */
  counted: boolean;
}

const NO_FAULT: FaultDecision = { latencyMs: 0, retryAfterSeconds: 0, dropAfterCommit: false, holdAfterCommitMs: 0, counted: false };
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export class FaultInjector {
  private plan: FaultPlan = FaultPlanSchema.parse({});
  private matchesPath: PathMatcher | undefined;
  /** Faults left under the plan's `maxFaults`; Infinity when unlimited. */
  private budget = Infinity;
  injected = 0;

  constructor(private readonly chance: () => number = Math.random) {}

  setPlan(plan: FaultPlan): void {
    this.plan = plan;
    this.matchesPath = plan.pathPattern === undefined ? undefined : compileGlob(plan.pathPattern);
    this.budget = plan.maxFaults ?? Infinity;
  }

  clear(): void {
    this.setPlan(FaultPlanSchema.parse({}));
  }

  currentPlan(): FaultPlan {
    return this.plan;
  }

  /** What to do to this product request. Latency and rejections count as injected right away. */
  decide(method: string, path: string): FaultDecision {
    if (this.budget <= 0) return NO_FAULT;
    if (this.matchesPath && !this.matchesPath(path)) return NO_FAULT;
    const plan = this.plan;
    let reject: FaultDecision['reject'];
    if (plan.serverErrorRate > 0 && this.chance() < plan.serverErrorRate) reject = 503;
    else if (plan.rateLimitRate > 0 && this.chance() < plan.rateLimitRate) reject = 429;
    const dropAfterCommit = reject === undefined && STATE_CHANGING.has(method) && plan.dropAfterCommitRate > 0 && this.chance() < plan.dropAfterCommitRate;
    const latencyMs = plan.latencyMs + (plan.latencyJitterMs > 0 ? Math.floor(this.chance() * (plan.latencyJitterMs + 1)) : 0);
    const holdAfterCommitMs = reject === undefined && STATE_CHANGING.has(method) ? plan.holdAfterCommitMs : 0;
    const counted = latencyMs > 0 || reject !== undefined || holdAfterCommitMs > 0;
    if (counted) this.spend();
    return { latencyMs, reject, retryAfterSeconds: plan.retryAfterSeconds, dropAfterCommit, holdAfterCommitMs, counted };
  }

  /**
   * Called once a request chosen for a drop has committed its change: true means destroy the
   * connection now. Checked again here because concurrent requests may have used the budget.
   */
  takeDrop(decision: FaultDecision): boolean {
    if (!decision.dropAfterCommit) return false;
    if (decision.counted) return true;
    if (this.budget <= 0) return false;
    this.spend();
    return true;
  }

  private spend(): void {
    this.budget -= 1;
    this.injected += 1;
  }
}
