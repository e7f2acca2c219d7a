/**
 * Timed terraform runs for the benchmarks: a workspace that installs a given provider bundle from
 * a filesystem mirror, and runs that report wall time and CPU time of terraform plus every
 * provider process it started. The CPU of terraform and its (waited-for) children comes from the
 * shell's `times` builtin; the providers' own share from a preload (./provider-cpu-hook.cjs).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliConfigFor, installProvider } from '../../src/provider/install';

const CPU_HOOK = join(__dirname, 'provider-cpu-hook.cjs');

export interface TimedRun {
  code: number;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** terraform and every process it started and waited for (its providers), user + system. */
  cpuMs: number;
  /** The providers' share of `cpuMs`. */
  providerCpuMs: number;
  /** How many provider processes ran (and exited cleanly). */
  providerLaunches: number;
}

/** A terraform command that ran out of its time bound (it and its providers were killed). */
export class StepTimeoutError extends Error {}

interface BenchWorkspace {
  dir: string;
  run(args: string[], options?: { timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<TimedRun>;
  cleanup(): void;
}

interface BenchWorkspaceOptions {
  /** The provider bundle to install; none for a configuration of Terraform's built-in resources only. */
  bundlePath: string | undefined;
  hcl: string;
  /** e.g. `--cpu-prof --cpu-prof-dir=DIR` for the provider processes. */
  providerNodeOptions?: string;
}

export async function createBenchWorkspace(options: BenchWorkspaceOptions): Promise<BenchWorkspace> {
  const dir = mkdtempSync(join(tmpdir(), 'protector-bench-'));
  const cliConfigFile = join(dir, 'terraform.tfrc');
  if (options.bundlePath === undefined) writeFileSync(cliConfigFile, '');
  else {
    const mirrorDir = join(dir, '.mirror');
    await installProvider({ mirrorDir, bundlePath: options.bundlePath });
    writeFileSync(cliConfigFile, cliConfigFor(mirrorDir));
  }
  writeFileSync(join(dir, 'main.tf'), options.hcl);
  const cpuFile = join(dir, 'provider-cpu.txt');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    TF_CLI_CONFIG_FILE: cliConfigFile,
    PROTECTOR_BENCH_CPU_FILE: cpuFile,
    NODE_OPTIONS: [`--require=${CPU_HOOK}`, options.providerNodeOptions ?? ''].join(' ').trim(),
  };
  return {
    dir,
    run: async (args, runOptions = {}) => {
      rmSync(cpuFile, { force: true });
      const result = await timedTerraform(dir, args, { ...env, ...runOptions.env }, runOptions.timeoutMs ?? 600_000);
      const providers = existsSync(cpuFile) ? readFileSync(cpuFile, 'utf8').trim().split('\n').filter(Boolean) : [];
      const providerCpuMs = providers.reduce((sum, line) => {
        const [, user, system] = line.split(' ').map(Number);
        return sum + ((user ?? 0) + (system ?? 0)) / 1000;
      }, 0);
      return { ...result, providerCpuMs, providerLaunches: providers.length };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `times` prints the shell's and then its children's user and system time, as `0m1.234s 0m0.056s`. */
const SHELL_SCRIPT = 'terraform "$@"; rc=$?; times >&3; exit $rc';

function timedTerraform(cwd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Omit<TimedRun, 'providerCpuMs' | 'providerLaunches'>> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    // Own process group, so the time bound also stops the providers terraform started.
    const child = spawn('bash', ['-c', SHELL_SCRIPT, 'bash', ...args, '-no-color', '-input=false'], {
      cwd,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let times = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timesPipe = child.stdio[3] as NodeJS.ReadableStream;
    timesPipe.setEncoding('utf8');
    timesPipe.on('data', (chunk: string) => (times += chunk));
    const timer = setTimeout(() => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
      reject(new StepTimeoutError(`terraform ${args.join(' ')} did not finish within ${timeoutMs} ms (stopped)`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      resolve({ code: code ?? -1, stdout, stderr, wallMs, cpuMs: childrenCpuMs(times) });
    });
  });
}

function childrenCpuMs(times: string): number {
  const lines = times.trim().split('\n');
  const children = lines[1] ?? '';
  let total = 0;
  for (const match of children.matchAll(/(\d+)m([\d.]+)s/g)) total += (Number(match[1]) * 60 + Number(match[2])) * 1000;
  return total;
}
