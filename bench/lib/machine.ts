/** The header every results file carries: when, on what load, at which commit. */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';

interface MachineInfo {
  date: string;
  loadAverage: string;
  cpus: number;
  commit: string;
  node: string;
  terraform: string;
}

export function machineInfo(): MachineInfo {
  const run = (command: string, args: string[]) => {
    try {
      return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return 'unknown';
    }
  };
  const dirty = run('git', ['status', '--porcelain', '--untracked-files=no']) !== '';
  return {
    date: new Date().toISOString(),
    loadAverage: loadavg()
      .map((value) => value.toFixed(2))
      .join(' '),
    cpus: cpus().length,
    commit: `${run('git', ['rev-parse', '--short', 'HEAD'])}${dirty ? ' (with uncommitted changes)' : ''}`,
    node: process.version,
    terraform: run('terraform', ['version']).split('\n')[0] ?? 'unknown',
  };
}

export function machineMarkdown(info: MachineInfo, loadAfter?: string): string {
  return [
    `- Date: ${info.date}`,
    `- Load average (1/5/15 min) at start: ${info.loadAverage}${loadAfter ? `; at end: ${loadAfter}` : ''} on ${info.cpus} CPUs`,
    `- Commit: ${info.commit}`,
    `- ${info.node}, ${info.terraform}`,
  ].join('\n');
}

export function currentLoad(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}
