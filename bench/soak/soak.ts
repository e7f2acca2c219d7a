/**
 * The soak: many rotations of one configuration while simulated instances heartbeat and the
 * emulator injects faults (503s, 429s with Retry-After, random latency, connections dropped after
 * the change was committed). After each rotation the faults pause for a moment to check, with
 * our own client, that exactly one token is active and that it is the one in Terraform's state.
 * `npm run soak` runs the full version; test/e2e/rotation/soak.test.ts a short one.
 */
import type { FaultPlanInput } from '../../src/emulator/control-schemas';
import { createRotationWorld, startInstance, stopAll, waitUntilOnToken, type RunningInstance } from '../../test/e2e/rotation/harness';

export interface SoakOptions {
  rotations: number;
  hosts: number;
  faults: FaultPlanInput;
  /** Hard bound on the whole soak; it stops after the rotation in progress. */
  maxMs: number;
  /** Bound on one apply. */
  applyTimeoutMs: number;
  progress?: (line: string) => void;
}

export const SOAK_FAULTS: FaultPlanInput = {
  serverErrorRate: 0.1,
  rateLimitRate: 0.1,
  retryAfterSeconds: 1,
  latencyMs: 0,
  latencyJitterMs: 300,
  dropAfterCommitRate: 0.1,
};

interface RotationRecord {
  rotation: number;
  ok: boolean;
  wallMs: number;
  activeTokens: number;
  /** The one active token is the one Terraform's state holds. */
  activeIsStateToken: boolean;
  /** Provider requests answered with an injected 503 or 429, or dropped: each one cost a retry. */
  retries: number;
  error?: string;
}

interface SoakReport {
  rotationsRequested: number;
  rotationsCompleted: number;
  records: RotationRecord[];
  authFailures: number;
  heartbeats: number;
  /** Tokens the API generated during the rotations; equal to the rotations when nothing was orphaned. */
  tokensGenerated: number;
  retries: { status503: number; status429: number; dropped: number };
  providerRequests: number;
  stoppedEarly: boolean;
  wallMs: number;
}

const HEARTBEAT_PATH = '/protector/v1/instances/heartbeat';
/** The emulator's request log line: `METHOD PATH STATUS|dropped NNms`. */
const LOG_LINE = /^(\S+) (\S+) (\d{3}|dropped) \d+ms$/;

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const started = Date.now();
  const say = options.progress ?? (() => undefined);
  const counts = { status503: 0, status429: 0, dropped: 0, requests: 0 };
  let counting = false;
  const onLog = (line: string) => {
    const match = LOG_LINE.exec(line);
    if (!counting || !match || match[2] === HEARTBEAT_PATH || !match[2]!.startsWith('/protector/')) return;
    counts.requests += 1;
    if (match[3] === '503') counts.status503 += 1;
    else if (match[3] === '429') counts.status429 += 1;
    else if (match[3] === 'dropped') counts.dropped += 1;
  };
  const world = await createRotationWorld({ hosts: options.hosts, drainTimeout: '3m' }, onLog);
  const instances: RunningInstance[] = [];
  const records: RotationRecord[] = [];
  let stoppedEarly = false;
  try {
    const first = await world.apply(0, options.applyTimeoutMs);
    if (first.code !== 0) throw new Error(`the first apply failed:\n${first.stdout}\n${first.stderr}`);
    const initial = await world.outputs();
    for (let host = 0; host < options.hosts; host++) instances.push(startInstance(world.emulator.url, `vm-${host}`, world.tokenFile(host)));
    await waitUntilOnToken(
      world.client,
      initial.configurationId,
      instances.map((i) => i.id),
      initial.tokenId,
      60_000,
    );
    const generatedBefore = (await world.emulator.control.stats()).tokensGenerated;

    for (let rotation = 1; rotation <= options.rotations; rotation++) {
      if (Date.now() - started > options.maxMs) {
        stoppedEarly = true;
        break;
      }
      const retriesBefore = counts.status503 + counts.status429 + counts.dropped;
      await world.emulator.control.setFaults(options.faults);
      counting = true;
      const applyStarted = Date.now();
      let ok = false;
      let error: string | undefined;
      try {
        const result = await world.apply(rotation, options.applyTimeoutMs);
        ok = result.code === 0;
        if (!ok) error = lastErrorOf(result.stdout + result.stderr);
      } catch (thrown) {
        error = thrown instanceof Error ? thrown.message.split('\n')[0] : String(thrown);
      }
      const wallMs = Date.now() - applyStarted;
      counting = false;
      await world.emulator.control.clearFaults();
      const state = await world.outputs();
      const tokens = await world.client.listTokens(state.configurationId);
      const record: RotationRecord = {
        rotation,
        ok,
        wallMs,
        activeTokens: tokens.active.length,
        activeIsStateToken: tokens.active.length === 1 && tokens.active[0]!.tokenId === state.tokenId,
        retries: counts.status503 + counts.status429 + counts.dropped - retriesBefore,
        ...(error !== undefined ? { error } : {}),
      };
      records.push(record);
      say(
        `rotation ${rotation}: ${ok ? 'ok' : `FAILED (${error})`} in ${(wallMs / 1000).toFixed(1)} s, ${record.activeTokens} active` +
          `${record.activeIsStateToken ? ' (the state token)' : ''}, ${record.retries} retries`,
      );
    }
    const generatedAfter = (await world.emulator.control.stats()).tokensGenerated;
    const summaries = await Promise.all(instances.splice(0).map((instance) => instance.stop()));
    return {
      rotationsRequested: options.rotations,
      rotationsCompleted: records.filter((r) => r.ok).length,
      records,
      authFailures: summaries.reduce((sum, s) => sum + s.authFailures, 0),
      heartbeats: summaries.reduce((sum, s) => sum + s.heartbeats, 0),
      tokensGenerated: generatedAfter - generatedBefore,
      retries: { status503: counts.status503, status429: counts.status429, dropped: counts.dropped },
      providerRequests: counts.requests,
      stoppedEarly,
      wallMs: Date.now() - started,
    };
  } finally {
    await stopAll(instances);
    await world.close();
  }
}

/** The first `Error:` line of a failed run's output, without values (the provider never prints token values). */
function lastErrorOf(output: string): string {
  const line = output.split('\n').find((l) => l.includes('Error:'));
  return (line ?? 'exit code non-zero').trim().slice(0, 200);
}

export function soakMarkdown(report: SoakReport, options: SoakOptions): string {
  const activeCounts = new Map<number, number>();
  for (const r of report.records) activeCounts.set(r.activeTokens, (activeCounts.get(r.activeTokens) ?? 0) + 1);
  const walls = report.records.map((r) => r.wallMs).sort((a, b) => a - b);
  const pct = (p: number) => (walls.length === 0 ? 0 : walls[Math.min(walls.length - 1, Math.floor((p / 100) * walls.length))]!);
  const lines = [
    `Faults: ${JSON.stringify(options.faults)}; ${options.hosts} simulated instances heartbeating every 200 ms.`,
    '',
    '| figure | value | target |',
    '|---|---:|---|',
    `| rotations completed | ${report.rotationsCompleted} / ${report.rotationsRequested}${report.stoppedEarly ? ' (stopped at the time bound)' : ''} | all |`,
    `| authentication failures (all instances) | ${report.authFailures} (of ${report.heartbeats} heartbeats) | 0 |`,
    `| rotations that left exactly 1 active token, the one in state | ${report.records.filter((r) => r.activeTokens === 1 && r.activeIsStateToken).length} / ${report.records.length} | all |`,
    `| active tokens after each rotation (count: rotations) | ${[...activeCounts.entries()].map(([k, v]) => `${k}: ${v}`).join(', ')} | 1: all |`,
    `| tokens generated vs rotations completed | ${report.tokensGenerated} vs ${report.rotationsCompleted} | equal (no orphans) |`,
    `| retries used by the provider (503 / 429 / dropped) | ${report.retries.status503 + report.retries.status429 + report.retries.dropped} (${report.retries.status503} / ${report.retries.status429} / ${report.retries.dropped}) of ${report.providerRequests} requests | |`,
    `| apply wall time p50 / p90 / max | ${(pct(50) / 1000).toFixed(1)} / ${(pct(90) / 1000).toFixed(1)} / ${((walls[walls.length - 1] ?? 0) / 1000).toFixed(1)} s | |`,
    `| soak wall time | ${(report.wallMs / 60_000).toFixed(1)} min | |`,
  ];
  const failed = report.records.filter((r) => !r.ok);
  if (failed.length > 0) lines.push('', 'Failed rotations:', ...failed.map((r) => `- rotation ${r.rotation}: ${r.error ?? ''}`));
  return lines.join('\n');
}
