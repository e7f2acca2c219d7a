/**
 * `npm run demo` itself, as CI runs it: exit 0 in well under two minutes, a report whose
 * invariants hold for both environments, nothing left running, and no token value printed or
 * logged (checked against every token the emulator ever generated in that run). Then the demo
 * stopped by SIGTERM while terraform runs: it stops everything it started and leaves no state.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import * as path from 'node:path';

jest.setTimeout(180_000);

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const DEMO_BUDGET_MS = 120_000;

interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

function runDemo(): Promise<DemoRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    // Own process group, so a hung demo can be stopped with everything it started.
    const child = spawn('npm', ['run', '--silent', 'demo'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PROTECTOR_DEMO_KEEP: '1' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), DEMO_BUDGET_MS + 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, wallMs: Date.now() - started });
    });
  });
}

/** Every token value in the emulator's saved state (test-side knowledge only: never printed). */
function tokenValuesIn(stateFile: string): string[] {
  const values: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (typeof record.tokenId === 'string' && typeof record.value === 'string') values.push(record.value);
      Object.values(record).forEach(visit);
    }
  };
  visit(JSON.parse(readFileSync(stateFile, 'utf8')));
  return values;
}

let run: DemoRun;
let runRoot: string | undefined;

beforeAll(async () => {
  run = await runDemo();
  const logs = /full logs in (\S+) while it runs/.exec(run.stdout)?.[1];
  runRoot = logs ? path.dirname(logs) : undefined;
});

afterAll(() => {
  if (runRoot && path.basename(runRoot).startsWith('protector-demo-')) rmSync(runRoot, { recursive: true, force: true });
});

test('exits 0 within two minutes and says every invariant holds', () => {
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  expect(run.wallMs).toBeLessThan(DEMO_BUDGET_MS);
  expect(run.stdout).toMatch(/All invariants hold: 0 authentication failures/);
});

test.each([
  ['staging', /rotated because {2}rotate_after passed/],
  ['production', /rotated because {2}keepers changed \(rotation: "initial" → "suspected-leak-2026-03"\)/],
])('the %s report: rotated for its reason, old token revoked, 0 authentication failures, 1 active token', (environment, reason) => {
  const report = run.stdout.split('\nReport\n------\n')[1] ?? '';
  const section = report.split('\n\n').find((block) => block.startsWith(`${environment}:`)) ?? '';
  expect(section).toMatch(reason);
  const old = /old token +(tok_\w+) +(sha256:[0-9a-f]{12}) +revoked at /.exec(section);
  const next = /new token +(tok_\w+) +(sha256:[0-9a-f]{12})/.exec(section);
  expect(old).not.toBeNull();
  expect(next).not.toBeNull();
  expect(next![1]).not.toBe(old![1]);
  expect(section).toMatch(/instances +3, all on the new token before the old one was revoked/);
  const heartbeats = /heartbeats +(\d+) served, (\d+) authentication failures/.exec(section);
  expect(Number(heartbeats?.[1])).toBeGreaterThan(0);
  expect(heartbeats?.[2]).toBe('0');
  expect(section).toMatch(/active tokens +1$/m);
});

test('shows each rotation plan through the plan summary', () => {
  expect(run.stdout).toMatch(/│ replace protector_token\.\S+ \(new token first, old one revoked after the drain\)/);
  expect(run.stdout.match(/│ Rotation summary: 1 to replace, 3 to update\./g)).toHaveLength(2);
});

test('prints no token value', () => {
  expect(runRoot).toBeDefined();
  const stateFile = path.join(runRoot!, 'emulator-data', 'state.json');
  expect(existsSync(stateFile)).toBe(true);
  const values = tokenValuesIn(stateFile);
  // Two configurations: initial tokens, first managed tokens (or adopted) and the rotations.
  expect(values.length).toBeGreaterThanOrEqual(4);
  for (const value of values) {
    expect(run.stdout).not.toContain(value);
    expect(run.stderr).not.toContain(value);
  }
});

test('logs no token value: its logs folder holds none of them', () => {
  const values = tokenValuesIn(path.join(runRoot!, 'emulator-data', 'state.json'));
  const logsDir = path.join(runRoot!, 'logs');
  const logs = readdirSync(logsDir);
  expect(logs.length).toBeGreaterThan(10);
  for (const file of logs) {
    const text = readFileSync(path.join(logsDir, file), 'utf8');
    for (const value of values) expect({ file, leaks: text.includes(value) }).toEqual({ file, leaks: false });
  }
});

test('leaves no process running (emulator, instances, terraform, providers)', () => {
  expect(runRoot).toBeDefined();
  expect(processesUsing(runRoot!)).toEqual([]);
});

interface StoppedRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** The run's temporary folder, from the line naming its logs. */
  root: string | undefined;
  /** Whether terraform was running when the SIGTERM was sent. */
  sawTerraform: boolean;
}

describe('stopped by SIGTERM while terraform runs', () => {
  let stopped: StoppedRun;

  beforeAll(async () => {
    stopped = await runDemoAndTerminate();
  });

  afterAll(() => {
    const root = stopped?.root;
    if (root && path.basename(root).startsWith('protector-demo-')) rmSync(root, { recursive: true, force: true });
  });

  test('exits non-zero saying it was stopped', () => {
    expect(stopped.sawTerraform).toBe(true);
    expect(stopped).toMatchObject({ code: 143, signal: null });
    expect(stopped.stdout).toMatch(/SIGTERM: stopping everything the demo started/);
  });

  test('stops every process it started, terraform and its providers included', () => {
    expect(stopped.root).toBeDefined();
    expect(processesUsing(stopped.root!)).toEqual([]);
  });

  test('leaves only its logs behind: no state, token file or credentials', () => {
    expect(readdirSync(stopped.root!)).toEqual(['logs']);
  });
});

/**
 * Runs the demo as one process (no npm or tsx wrapper to relay the signal), waits until it runs
 * terraform, then sends SIGTERM to the demo alone: the processes it started get no signal from
 * us, so whatever stops them is the demo's doing.
 */
function runDemoAndTerminate(): Promise<StoppedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/demo/main.ts'], {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let root: string | undefined;
    let sawTerraform = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const logs = /full logs in (\S+) while it runs/.exec(stdout)?.[1];
      root ??= logs ? path.dirname(logs) : undefined;
    });
    child.stderr.resume();
    const poll = setInterval(() => {
      if (sawTerraform || !root) return;
      if (processesUsing(root).some((p) => /^terraform /.test(p))) {
        sawTerraform = true;
        child.kill('SIGTERM');
      }
    }, 100);
    // Bounded: a demo that ignores SIGTERM is killed with its group, and the test fails on the code.
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), DEMO_BUDGET_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ code, signal, stdout, root, sawTerraform });
    });
  });
}

/** Command lines of the live processes whose command line or working directory is inside `dir` (Linux /proc). */
function processesUsing(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      if (cmdline && (cmdline.includes(dir) || cwd.startsWith(dir))) found.push(cmdline);
    } catch {
      // Exited while we looked, or not ours to read.
    }
  }
  return found;
}
