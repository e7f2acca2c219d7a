/** Runs a command and returns its exit code and output instead of throwing on a non-zero exit (async: a test may serve HTTP from its own process meanwhile). */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface CommandRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCommand(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CommandRun> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, { ...options, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

const PROTECTOR_BIN = join(__dirname, '..', '..', 'bin', 'protector');

/** `protector ARGS` from this clone (bin/protector runs the TypeScript sources through tsx). */
export function runProtector(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CommandRun> {
  return runCommand(process.execPath, [PROTECTOR_BIN, ...args], options);
}
