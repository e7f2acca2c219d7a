/**
 * Runs the real `terraform` in a stack folder, its output going to a log file only (the demo's
 * report shows the plan summary, not terraform's output).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { DemoFailure } from './failure';
import type { DemoLog } from './log';
import { type ProcessRegistry, TrackedProcess } from './processes';

const TERRAFORM_TIMEOUT_MS = 90_000;

export interface TerraformRunner {
  /**
   * Runs `terraform ARGS` in `dir`; fails the demo on a non-zero exit unless it is in `okCodes`.
   * `secretStdout`: its stdout may hold token values (`show -json` of a plan), so it is not logged.
   */
  run(dir: string, label: string, args: string[], options?: { okCodes?: number[]; secretStdout?: boolean }): Promise<{ code: number; stdout: string; logFile: string }>;
}

/** Settings of the user's environment that would change what the demo's terraform does or logs. */
const IGNORED_ENV = /^TF_(LOG(_\w+)?|CLI_ARGS(_\w+)?|DATA_DIR|WORKSPACE|PLUGIN_CACHE_DIR|VAR_\w+)$/;

export function terraformRunner(registry: ProcessRegistry, log: DemoLog, cliConfigFile: string): TerraformRunner {
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !IGNORED_ENV.test(name))),
    TF_CLI_CONFIG_FILE: cliConfigFile,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
  };
  return {
    run: async (dir, label, args, { okCodes = [0], secretStdout = false } = {}) => {
      const logFile = log.fileFor(`${label}-terraform-${args[0]}`);
      log.note(`terraform ${args.join(' ')} (in ${dir}, log ${logFile})`);
      // Its own process group, so stopping it also stops the provider processes it started.
      const child = spawn('terraform', [...args, '-no-color'], { cwd: dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      const tracked = registry.track(new TrackedProcess(`terraform ${label} ${args[0]}`, child, logFile, { group: true, logStdout: !secretStdout }));
      const spawnFailed = new Promise<never>((_, reject) =>
        child.once('error', (error: NodeJS.ErrnoException) =>
          reject(new DemoFailure(error.code === 'ENOENT' ? '`terraform` is not on PATH; install Terraform >= 1.11' : `cannot run terraform: ${error.message}`)),
        ),
      );
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        void tracked.stop('SIGKILL');
      }, TERRAFORM_TIMEOUT_MS);
      const exit = await Promise.race([tracked.exited, spawnFailed]).finally(() => clearTimeout(timer));
      const code = exit.code ?? -1;
      if (timedOut) throw new DemoFailure(`terraform ${args[0]} for ${label} did not finish within ${TERRAFORM_TIMEOUT_MS / 1000}s (stopped)\n  full output: ${logFile}`);
      if (!okCodes.includes(code)) {
        throw new DemoFailure(`terraform ${args[0]} for ${label} failed (exit ${exit.code ?? exit.signal}): ${errorsIn(logFile)}\n  full output: ${logFile}`);
      }
      return { code, stdout: tracked.stdout(), logFile };
    },
  };
}

/** Terraform's `Error:` blocks from a log, shortened: they say why without the whole output. */
function errorsIn(logFile: string): string {
  const lines = readFileSync(logFile, 'utf8').split('\n');
  const picked: string[] = [];
  lines.forEach((line, index) => {
    if (/^\s*(│\s*)?Error:/.test(line))
      picked.push(
        ...lines
          .slice(index, index + 6)
          .map((l) => l.replace(/^\s*│\s?/, '').trim())
          .filter(Boolean),
      );
  });
  return picked.length > 0 ? picked.slice(0, 12).join(' / ') : 'no error message (see the log)';
}
