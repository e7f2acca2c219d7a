/**
 * The processes the demo starts (the emulator, simulated instances, terraform), each tracked by
 * PID so that every one of them is stopped at the end, whatever happened.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import * as z from 'zod';
import { DemoFailure } from './failure';

const REPO_ROOT = resolve(__dirname, '..', '..');
const PROTECTOR_BIN = resolve(REPO_ROOT, 'bin', 'protector');
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface TrackOptions {
  /** Started `detached`: stopping it signals its whole process group (terraform and its providers). */
  group?: boolean;
  /** False for output that may hold token values (`terraform show -json` of a plan): kept in memory only. */
  logStdout?: boolean;
}

/** One child process with its output going to a log file. */
export class TrackedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  readonly group: boolean;
  #stdout = '';

  constructor(name: string, child: ChildProcess, logFile: string, options: TrackOptions = {}) {
    this.name = name;
    this.child = child;
    this.group = options.group ?? false;
    const log = createWriteStream(logFile, { flags: 'a' });
    if (options.logStdout === false) log.write('(stdout not logged: it may hold token values)\n');
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stdout += chunk;
      if (options.logStdout !== false) log.write(chunk);
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => log.write(chunk));
    this.exited = new Promise((resolveExit) =>
      child.once('close', (code, signal) => {
        log.end();
        resolveExit({ code, signal });
      }),
    );
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  stdout(): string {
    return this.#stdout;
  }

  /** Sends `signal` (to the whole process group when it has one), then SIGKILL if it has not exited in time. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
    if (this.running) signalProcess(this.pid, signal, this.group);
    const timer = setTimeout(() => signalProcess(this.pid, 'SIGKILL', this.group), STOP_TIMEOUT_MS);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }
}

function signalProcess(pid: number, signal: NodeJS.Signals, group: boolean): void {
  try {
    process.kill(group ? -pid : pid, signal);
  } catch {
    // Already gone.
  }
}

/** Every process the demo started and has not stopped yet. */
export class ProcessRegistry {
  readonly #live = new Set<TrackedProcess>();
  #closed = false;

  track(process: TrackedProcess): TrackedProcess {
    this.#live.add(process);
    void process.exited.then(() => this.#live.delete(process));
    // Started after stopAll() began (the demo was interrupted while it spawned): stop it at once,
    // or it would outlive the demo.
    if (this.#closed) void process.stop('SIGKILL');
    return process;
  }

  /** Stops everything still running, and anything started from now on: terraform first, then instances, the emulator last. */
  async stopAll(): Promise<void> {
    this.#closed = true;
    const order = (p: TrackedProcess) => (p.group ? 0 : p.name === 'emulator' ? 2 : 1);
    const live = [...this.#live];
    for (const rank of [0, 1, 2]) {
      await Promise.all(live.filter((p) => order(p) === rank).map((p) => p.stop('SIGTERM')));
    }
  }
}

const ReadyLineSchema = z.object({ url: z.string(), edgerc: z.string(), section: z.string() });

export interface EmulatorHandle {
  process: TrackedProcess;
  url: string;
  edgercPath: string;
  section: string;
}

/** Starts `protector emulator` on a free loopback port and waits for its ready line. */
export async function startEmulatorProcess(
  registry: ProcessRegistry,
  opts: { dataDir: string; edgercPath: string; section: string; logFile: string },
): Promise<EmulatorHandle> {
  const child = spawn(
    process.execPath,
    [PROTECTOR_BIN, 'emulator', '--host', '127.0.0.1', '--port', '0', '--data-dir', opts.dataDir, '--edgerc', opts.edgercPath, '--section', opts.section],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const tracked = registry.track(new TrackedProcess('emulator', child, opts.logFile));
  const line = await firstLine(tracked, READY_TIMEOUT_MS);
  const ready = ReadyLineSchema.safeParse(safeJson(line));
  if (!ready.success) throw new DemoFailure(`the emulator printed an unexpected first line: ${line}`);
  return { process: tracked, url: ready.data.url, edgercPath: opts.edgercPath, section: opts.section };
}

const InstanceSummarySchema = z.object({
  id: z.string(),
  heartbeats: z.number().int(),
  authFailures: z.number().int(),
  tokensUsed: z.array(z.string()),
});
export type InstanceSummary = z.infer<typeof InstanceSummarySchema>;

export interface InstanceHandle {
  id: string;
  environment: string;
  tokenFile: string;
  process: TrackedProcess;
}

/** Starts one `protector instance` on a token file. */
export function startInstanceProcess(
  registry: ProcessRegistry,
  opts: { id: string; environment: string; endpoint: string; tokenFile: string; intervalMs: number; logFile: string },
): InstanceHandle {
  const child = spawn(
    process.execPath,
    [
      PROTECTOR_BIN,
      'instance',
      '--endpoint',
      opts.endpoint,
      '--token-file',
      opts.tokenFile,
      '--id',
      opts.id,
      '--deployment-type',
      'reverse_proxy',
      '--interval',
      `${opts.intervalMs}ms`,
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const tracked = registry.track(new TrackedProcess(`instance ${opts.id}`, child, opts.logFile));
  return { id: opts.id, environment: opts.environment, tokenFile: opts.tokenFile, process: tracked };
}

/** SIGTERM, then the one-line JSON summary the instance prints on exit. */
export async function stopInstance(instance: InstanceHandle): Promise<InstanceSummary> {
  const exit = await instance.process.stop('SIGTERM');
  const line = instance.process.stdout().trim().split('\n').pop() ?? '';
  const summary = InstanceSummarySchema.safeParse(safeJson(line));
  if (!summary.success) {
    throw new DemoFailure(`instance ${instance.id} exited (code ${exit.code}, signal ${exit.signal}) without its JSON summary`);
  }
  return summary.data;
}

function firstLine(tracked: TrackedProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolveLine, reject) => {
    const check = () => {
      const text = tracked.stdout();
      const newline = text.indexOf('\n');
      if (newline >= 0) {
        cleanup();
        resolveLine(text.slice(0, newline));
      }
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new DemoFailure(`${tracked.name} did not start within ${timeoutMs / 1000}s`));
    }, timeoutMs);
    const onExit = () => {
      cleanup();
      reject(new DemoFailure(`${tracked.name} exited before it was ready`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      tracked.child.stdout?.off('data', check);
      tracked.child.off('close', onExit);
    };
    tracked.child.stdout?.on('data', check);
    tracked.child.once('close', onExit);
    check();
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
