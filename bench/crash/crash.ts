/**
 * Crash convergence: rotation applies SIGKILLed (terraform and, with its process group, the
 * provider) at a random moment of one phase of the rotation, each followed by a normal apply,
 * while simulated instances keep heartbeating. Phases rotate over generate / registration (the
 * token files being written) / drain / revoke; the kill comes 0-250 ms after the phase's API
 * request was answered. `npm run bench:crash` runs 20; test/e2e/rotation/crash-convergence.test.ts 2.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRotationWorld, startInstance, stopAll, waitUntilOnToken, type RotationWorld, type RunningInstance } from '../../test/e2e/rotation/harness';

const PHASES = ['generate', 'registration', 'drain', 'revoke'] as const;
type Phase = (typeof PHASES)[number];

/** The emulator's request log line that opens each phase's kill window. */
const PHASE_LINES: Record<Phase, RegExp> = {
  generate: /^POST \/protector\/v1\/connection-configurations\/[^/]+\/tokens 201 /,
  registration: /^GET \/protector\/v1\/connection-configurations\/[^/]+\/tokens\/[^/]+\/value 200 /,
  drain: /^GET \/protector\/v1\/connection-configurations\/[^/]+\/instances 200 /,
  revoke: /^POST \/protector\/v1\/connection-configurations\/[^/]+\/tokens\/[^/]+\/revoke 200 /,
};
const GENERATED = PHASE_LINES.generate;
const MAX_KILL_DELAY_MS = 250;
const KILLED_APPLY_BOUND_MS = 120_000;

interface CrashOptions {
  runs: number;
  hosts: number;
  /** Hard bound on the whole benchmark; it stops after the run in progress. */
  maxMs: number;
  random?: () => number;
  progress?: (line: string) => void;
}

interface CrashRecord {
  run: number;
  phase: Phase;
  /** False when the apply finished before the moment came (counted, but not a crash). */
  killed: boolean;
  delayMs: number;
  /** The last API request the emulator answered before the kill. */
  lastRequest: string;
  /**
   * The kill landed while Terraform rewrote its local state file (it truncates, then writes), so
   * the file was empty or cut short; restored from terraform.tfstate.backup, as an operator would.
   */
  stateRestored: boolean;
  converged: boolean;
  orphanActiveTokens: number;
  capErrors: number;
  tokensGenerated: number;
  error?: string;
}

interface CrashReport {
  records: CrashRecord[];
  authFailures: number;
  heartbeats: number;
  stoppedEarly: boolean;
  wallMs: number;
}

export async function runCrashes(options: CrashOptions): Promise<CrashReport> {
  const started = Date.now();
  const random = options.random ?? Math.random;
  const say = options.progress ?? (() => undefined);
  let onLine: (line: string) => void = () => undefined;
  let lastLine = '';
  const world = await createRotationWorld({ hosts: options.hosts, drainTimeout: '60s' }, (line) => {
    if (!line.includes('/instances/heartbeat')) lastLine = line;
    onLine(line);
  });
  const instances: RunningInstance[] = [];
  const records: CrashRecord[] = [];
  let stoppedEarly = false;
  try {
    const first = await world.apply(0);
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

    for (let run = 1; run <= options.runs; run++) {
      if (Date.now() - started > options.maxMs) {
        stoppedEarly = true;
        break;
      }
      const phase = PHASES[(run - 1) % PHASES.length]!;
      const delayMs = Math.floor(random() * MAX_KILL_DELAY_MS);
      const generatedBefore = (await world.emulator.control.stats()).tokensGenerated;
      const crash = await applyKilledIn(
        world,
        run,
        phase,
        delayMs,
        (listener) => (onLine = listener),
        () => lastLine,
      );
      onLine = () => undefined;
      const stateRestored = restoreStateTruncatedByKill(world.workspace.dir);
      const recovery = await world.apply(run);
      const output = recovery.stdout + recovery.stderr;
      const state = await world.outputs().catch(() => undefined);
      const tokens = state ? await world.client.listTokens(state.configurationId) : undefined;
      const orphanActiveTokens = tokens ? tokens.active.filter((t) => t.tokenId !== state?.tokenId).length : -1;
      const record: CrashRecord = {
        run,
        phase,
        killed: crash.killed,
        delayMs,
        lastRequest: crash.lastRequest,
        stateRestored,
        converged: recovery.code === 0 && !output.includes('Error:') && tokens?.active.length === 1 && orphanActiveTokens === 0,
        orphanActiveTokens,
        capErrors: (output.match(/already has 2 active tokens|max-active-tokens|Token Cap Reached/gi) ?? []).length,
        tokensGenerated: (await world.emulator.control.stats()).tokensGenerated - generatedBefore,
        ...(recovery.code !== 0 ? { error: (output.split('\n').find((l) => l.includes('Error:')) ?? `exit ${recovery.code}`).trim().slice(0, 200) } : {}),
      };
      records.push(record);
      say(
        `run ${run}: killed in ${phase}${crash.killed ? ` ${delayMs} ms after its request (last: ${crash.lastRequest})` : ' (apply finished first)'}; ` +
          (stateRestored ? 'terraform.tfstate was cut short by the kill (restored from its backup); ' : '') +
          `recovery ${record.converged ? 'converged' : `FAILED (${record.error ?? 'invariant'})`}, ${record.tokensGenerated} token(s) generated`,
      );
      // The instances move to the new token before the next run starts from a settled state.
      if (state)
        await waitUntilOnToken(
          world.client,
          state.configurationId,
          instances.map((i) => i.id),
          state.tokenId,
          60_000,
        ).catch(() => undefined);
    }
    const summaries = await Promise.all(instances.splice(0).map((instance) => instance.stop()));
    return {
      records,
      authFailures: summaries.reduce((sum, s) => sum + s.authFailures, 0),
      heartbeats: summaries.reduce((sum, s) => sum + s.heartbeats, 0),
      stoppedEarly,
      wallMs: Date.now() - started,
    };
  } finally {
    await stopAll(instances);
    await world.close();
  }
}

/**
 * Starts the rotation apply in its own process group and SIGKILLs the group `delayMs` after the
 * phase's request was answered (for drain: an instance poll after the new token was generated).
 */
function applyKilledIn(
  world: RotationWorld,
  generation: number,
  phase: Phase,
  delayMs: number,
  listen: (listener: (line: string) => void) => void,
  lastLine: () => string,
): Promise<{ killed: boolean; lastRequest: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('terraform', ['apply', '-auto-approve', '-input=false', '-no-color', `-var=generation=${generation}`], {
      cwd: world.workspace.dir,
      env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0', TF_CLI_CONFIG_FILE: world.workspace.cliConfigFile },
      detached: true,
      stdio: 'ignore',
    });
    let generated = false;
    let armed = false;
    let killed = false;
    let lastRequest = '';
    const kill = () => {
      if (killed || child.exitCode !== null || child.signalCode !== null) return;
      killed = true;
      lastRequest = lastLine()
        .replace(/\/connection-configurations\/[^/]+/, '/…')
        .replace(/\/tokens\/[^/]+/, '/tokens/…');
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    listen((line) => {
      if (GENERATED.test(line)) generated = true;
      if (armed || !PHASE_LINES[phase].test(line) || (phase !== 'generate' && !generated)) return;
      armed = true;
      if (delayMs === 0) kill();
      else setTimeout(kill, delayMs);
    });
    // Bounded: a phase that never comes leaves a finished apply, never a hanging one.
    const timer = setTimeout(kill, KILLED_APPLY_BOUND_MS);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      listen(() => undefined);
      resolve({ killed, lastRequest });
    });
  });
}

export function crashMarkdown(report: CrashReport): string {
  const { records } = report;
  const killed = records.filter((r) => r.killed);
  const lines = [
    '| figure | value | target |',
    '|---|---:|---|',
    `| runs that converged on the next apply | ${records.filter((r) => r.converged).length} / ${records.length}${report.stoppedEarly ? ' (stopped at the time bound)' : ''} | all |`,
    `| runs killed mid-apply (the rest finished before the moment came) | ${killed.length} / ${records.length} | |`,
    `| kills per phase (generate / registration / drain / revoke) | ${PHASES.map((p) => killed.filter((r) => r.phase === p).length).join(' / ')} | spread |`,
    `| state files cut short by the kill (Terraform's local backend), restored from the backup | ${records.filter((r) => r.stateRestored).length} | |`,
    `| orphan active tokens after recovery | ${records.reduce((sum, r) => sum + Math.max(0, r.orphanActiveTokens), 0)} | 0 |`,
    `| cap errors | ${records.reduce((sum, r) => sum + r.capErrors, 0)} | 0 |`,
    `| authentication failures (all instances) | ${report.authFailures} (of ${report.heartbeats} heartbeats) | 0 |`,
    `| tokens generated per run (crash + recovery) | ${[...new Set(records.map((r) => r.tokensGenerated))].join(', ')} | 1 |`,
    '',
    '| run | phase | killed after (ms) | last API request before the kill | converged | tokens generated |',
    '|---:|---|---:|---|---|---:|',
    ...records.map(
      (r) =>
        `| ${r.run} | ${r.phase} | ${r.killed ? r.delayMs : 'not killed'} | ${r.lastRequest || '-'} | ${r.converged ? 'yes' : `no: ${r.error ?? 'invariant'}`} | ${r.tokensGenerated} |`,
    ),
  ];
  return lines.join('\n');
}

/**
 * Terraform's local backend rewrites terraform.tfstate in place (seek, truncate, write), so a
 * SIGKILL in that moment leaves it empty or cut short, and the next apply would create everything
 * anew (a second connection configuration: that is Terraform's, not the provider's, and remote
 * backends replace the state whole). Restores the backup Terraform wrote before its first write;
 * true when it had to.
 */
function restoreStateTruncatedByKill(dir: string): boolean {
  const state = join(dir, 'terraform.tfstate');
  const backup = join(dir, 'terraform.tfstate.backup');
  try {
    JSON.parse(readFileSync(state, 'utf8'));
    return false;
  } catch {
    if (!existsSync(backup)) return false;
    copyFileSync(backup, state);
    return true;
  }
}
