/**
 * Real-terraform test helpers: build the provider bundle once (rebuilt only when sources are
 * newer), and temp workspaces whose CLI configuration installs our provider from a filesystem
 * mirror in the workspace, so `terraform init` runs offline with a fresh lock file every time.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProvider, PROVIDER_BUNDLE, REPO_ROOT } from '../../src/provider/bundle';
import { cliConfigFor, installProvider } from '../../src/provider/install';

/** Newest modification time of the files the bundle is made from. */
export function newestSourceMtime(): number {
  let newest = statSync(join(REPO_ROOT, 'package.json')).mtimeMs;
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') || entry.name.endsWith('.proto')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  walk(join(REPO_ROOT, 'src'));
  return newest;
}

let built: Promise<string> | undefined;

/**
 * Builds dist/provider/terraform-provider-protector unless it is newer than every source file.
 * Jest workers may race: each builds to its own file and renames it into place atomically.
 */
export function buildProviderOnce(): Promise<string> {
  built ??= (async () => {
    if (existsSync(PROVIDER_BUNDLE) && statSync(PROVIDER_BUNDLE).mtimeMs >= newestSourceMtime()) return PROVIDER_BUNDLE;
    const temporary = `${PROVIDER_BUNDLE}.${process.pid}.tmp`;
    await buildProvider(temporary);
    renameSync(temporary, PROVIDER_BUNDLE);
    return PROVIDER_BUNDLE;
  })();
  return built;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  /** Default 120 s; the whole process group (terraform and its providers) is killed after it. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface TerraformWorkspace {
  dir: string;
  /** The TF_CLI_CONFIG_FILE every run uses. */
  cliConfigFile: string;
  run(args: string[], options?: RunOptions): Promise<RunResult>;
  /** Writes (or replaces) a file in the workspace, e.g. `main.tf` between steps. */
  writeFile(name: string, content: string): void;
  cleanup(): void;
}

export interface WorkspaceOptions {
  hcl: string;
  env?: NodeJS.ProcessEnv;
  /** The provider file to install into the workspace's mirror; default the bundle. */
  provider?: string;
}

export async function createTerraformWorkspace(options: WorkspaceOptions): Promise<TerraformWorkspace> {
  const bundlePath = options.provider ?? (await buildProviderOnce());
  const dir = mkdtempSync(join(tmpdir(), 'protector-tf-'));
  const mirrorDir = join(dir, '.mirror');
  await installProvider({ mirrorDir, bundlePath });
  const cliConfigFile = join(dir, 'terraform.tfrc');
  writeFileSync(cliConfigFile, cliConfigFor(mirrorDir));
  writeFileSync(join(dir, 'main.tf'), options.hcl);

  const baseEnv: NodeJS.ProcessEnv = {
    ...process.env,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    TF_CLI_CONFIG_FILE: cliConfigFile,
    ...options.env,
  };

  return {
    dir,
    cliConfigFile,
    run: (args, runOptions = {}) => runTerraform(dir, args, { ...baseEnv, ...runOptions.env }, runOptions.timeoutMs ?? 120_000),
    writeFile: (name, content) => writeFileSync(join(dir, name), content),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function runTerraform(cwd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    // Own process group, so a timeout also stops the provider processes terraform started.
    const child = spawn('terraform', args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
      reject(new Error(`terraform ${args.join(' ')} did not finish within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
