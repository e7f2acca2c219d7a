/**
 * `npm run bench:emulator [-- --seconds 5 --rounds 3 --concurrency 32 --instances 100 --no-write]`:
 * instance heartbeats per second that a real `protector emulator` process answers, in memory
 * and with `--data-dir`, in the same run (rounds alternate, so both see the same machine load).
 * Prints a Markdown table with the date, load average and commit, and appends it to
 * `bench/results/emulator.md` unless `--no-write`.
 *
 * `--emulator-root DIR` runs the emulator of another checkout (e.g. an older commit) with this
 * script's load generator, to compare.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProtectorClient } from '../../src/api/client';
import { EmulatorReadyLineSchema } from '../../src/emulator/control-schemas';
import { readEdgercSection, type EmulatorCredentials } from '../../src/emulator/edgerc';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const RESULTS_FILE = path.join(REPO_ROOT, 'bench', 'results', 'emulator.md');
const READY_TIMEOUT_MS = 30_000;
const WARM_UP_MS = 1000;

interface Options {
  seconds: number;
  rounds: number;
  concurrency: number;
  instances: number;
  write: boolean;
  emulatorRoot: string;
}

interface Sample {
  mode: 'in memory' | 'with --data-dir';
  heartbeatsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
  /** Heartbeats per second of CPU the emulator process used: what it could do on one free core. */
  perCpuSecond: number;
  stateBytes?: number;
}

function parseOptions(argv: string[]): Options {
  const number = (flag: string, fallback: number, min: number, max: number) => {
    const at = argv.indexOf(flag);
    if (at < 0) return fallback;
    const value = Number(argv[at + 1]);
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${flag} expects a whole number from ${min} to ${max}, got ${argv[at + 1]}`);
    return value;
  };
  const rootAt = argv.indexOf('--emulator-root');
  return {
    seconds: number('--seconds', 5, 1, 60),
    rounds: number('--rounds', 3, 1, 10),
    concurrency: number('--concurrency', 32, 1, 512),
    instances: number('--instances', 100, 1, 10_000),
    write: !argv.includes('--no-write'),
    emulatorRoot: rootAt >= 0 ? path.resolve(argv[rootAt + 1]) : REPO_ROOT,
  };
}

interface Emulator {
  url: string;
  credentials: EmulatorCredentials;
  /** CPU seconds (user + system) the process used so far. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** CPU time of a process from /proc (Linux), in seconds; NaN where /proc is missing. */
function cpuSecondsOf(pid: number): number {
  try {
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const ticksPerSecond = 100; // USER_HZ, 100 on every Linux architecture Node supports
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return NaN;
  }
}

/** Starts `protector emulator` as its own process (stderr, its request log, to /dev/null). */
async function spawnEmulator(root: string, workDir: string, dataDir: string | undefined): Promise<Emulator> {
  const edgerc = path.join(workDir, 'edgerc');
  const args = [path.join(root, 'bin', 'protector'), 'emulator', '--port', '0', '--edgerc', edgerc];
  if (dataDir) args.push('--data-dir', dataDir);
  const child: ChildProcess = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`the emulator printed no ready line within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (!stdout.includes('\n')) return;
      clearTimeout(timer);
      resolve(EmulatorReadyLineSchema.parse(JSON.parse(stdout.slice(0, stdout.indexOf('\n')))).url);
    });
    child.once('exit', (code) => reject(new Error(`the emulator exited early (code ${code})`)));
  }).catch(async (error: unknown) => {
    child.kill('SIGKILL');
    await exited;
    throw error;
  });
  const credentials = readEdgercSection(edgerc, 'default') as EmulatorCredentials;
  return {
    url,
    credentials,
    cpuSeconds: () => cpuSecondsOf(child.pid!),
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Sends heartbeats from `concurrency` loops over keep-alive connections until `untilMs`. */
async function drive(url: string, tokenValue: string, options: Options, untilMs: number, latencies?: number[]): Promise<{ ok: number; failed: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const target = new URL('/protector/v1/instances/heartbeat', url);
  const bodies = Array.from({ length: options.instances }, (_, i) => JSON.stringify({ instanceId: `bench-${i}`, deploymentType: 'KUBERNETES', version: '1.0.0' }));
  let ok = 0;
  let failed = 0;
  let next = 0;
  const beat = (body: string) =>
    new Promise<number>((resolve) => {
      const req = http.request(
        target,
        {
          method: 'POST',
          agent,
          headers: { Authorization: `Bearer ${tokenValue}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', () => resolve(0));
      req.end(body);
    });
  const loop = async () => {
    while (Date.now() < untilMs) {
      const started = performance.now();
      const status = await beat(bodies[next++ % bodies.length]);
      latencies?.push(performance.now() - started);
      if (status === 200) ok += 1;
      else failed += 1;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  agent.destroy();
  return { ok, failed };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function measure(mode: Sample['mode'], options: Options): Promise<Sample> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'bench-emulator-'));
  const dataDir = mode === 'with --data-dir' ? path.join(workDir, 'data') : undefined;
  const emulator = await spawnEmulator(options.emulatorRoot, workDir, dataDir);
  try {
    const client = new ProtectorClient({ credentials: emulator.credentials });
    const created = await client.createConnectionConfiguration({ name: 'bench', deploymentType: 'KUBERNETES', contractId: 'ctr_bench', groupId: 'grp_bench' });
    await drive(emulator.url, created.token.value, options, Date.now() + WARM_UP_MS);
    const latencies: number[] = [];
    const cpuBefore = emulator.cpuSeconds();
    const started = performance.now();
    const { ok, failed } = await drive(emulator.url, created.token.value, options, Date.now() + options.seconds * 1000, latencies);
    const elapsedS = (performance.now() - started) / 1000;
    // Includes the coalesced writes the heartbeats asked for, which the stop below would flush.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const cpuUsed = emulator.cpuSeconds() - cpuBefore;
    latencies.sort((a, b) => a - b);
    await emulator.stop();
    const stateFile = dataDir ? path.join(dataDir, 'state.json') : undefined;
    return {
      mode,
      heartbeatsPerSecond: ok / elapsedS,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      failures: failed,
      perCpuSecond: ok / cpuUsed,
      stateBytes: stateFile && existsSync(stateFile) ? statSync(stateFile).size : undefined,
    };
  } finally {
    await emulator.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

function commitOf(root: string): string {
  try {
    const commit = execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${commit} (uncommitted changes)` : commit;
  } catch {
    return 'unknown';
  }
}

const fmt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');

const load = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' / ');

function table(samples: Sample[], options: Options, loadBefore: string, loadAfter: string): string {
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const lines = [
    `## ${date}`,
    '',
    `- commit: \`${commitOf(options.emulatorRoot)}\`${options.emulatorRoot === REPO_ROOT ? '' : ` (emulator of ${options.emulatorRoot})`}`,
    `- machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown'}), Node ${process.version}`,
    `- load average (1 / 5 / 15 min): before ${loadBefore}, after ${loadAfter}`,
    `- load: ${options.concurrency} concurrent keep-alive connections, ${options.instances} instance ids, ${options.seconds} s per round after 1 s warm-up, ${options.rounds} rounds alternating`,
    '',
    'heartbeats/s is what the emulator answered while sharing the machine with the load generator (and anything else running);',
    'per emulator CPU-second is heartbeats divided by the CPU time the emulator process used, what it does on one free core.',
    '',
    '| round | mode | heartbeats/s | per emulator CPU-second | p50 ms | p99 ms | failed | state.json bytes |',
    '|---:|---|---:|---:|---:|---:|---:|---:|',
    ...samples.map(
      (s, i) =>
        `| ${Math.floor(i / 2) + 1} | ${s.mode} | ${fmt(s.heartbeatsPerSecond)} | ${fmt(s.perCpuSecond)} | ${s.p50Ms.toFixed(2)} | ${s.p99Ms.toFixed(2)} | ${s.failures} | ${s.stateBytes ?? ''} |`,
    ),
  ];
  // The median resists a round that other work on the machine slowed down; the best shows what a quiet moment allowed.
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  for (const [label, pick] of [
    ['median', median],
    ['best', (values: number[]) => Math.max(...values)],
  ] as const) {
    for (const mode of ['in memory', 'with --data-dir'] as const) {
      const ofMode = samples.filter((s) => s.mode === mode);
      lines.push(
        `| **${label}** | **${mode}** | **${fmt(pick(ofMode.map((s) => s.heartbeatsPerSecond)))}** | **${fmt(pick(ofMode.map((s) => s.perCpuSecond)))}** | | | | |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const loadBefore = load();
  const samples: Sample[] = [];
  for (let round = 0; round < options.rounds; round += 1) {
    const order: Sample['mode'][] = round % 2 === 0 ? ['in memory', 'with --data-dir'] : ['with --data-dir', 'in memory'];
    const pair: Sample[] = [];
    for (const mode of order) pair.push(await measure(mode, options));
    samples.push(...pair.sort((a) => (a.mode === 'in memory' ? -1 : 1)));
  }
  const markdown = table(samples, options, loadBefore, load());
  process.stdout.write(markdown);
  if (options.write) {
    if (!existsSync(RESULTS_FILE)) {
      writeFileSync(
        RESULTS_FILE,
        '# Emulator benchmark\n\nHeartbeats per second a `protector emulator` process answers, in memory and with `--data-dir`, ' +
          'measured by `npm run bench:emulator` (newest last). Target: at least 5,000/s with a data dir on a 2-core machine.\n\n',
      );
    }
    appendFileSync(RESULTS_FILE, `\n${markdown}`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:emulator failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
