/**
 * `npm run demo` itself, as CI runs it: exit 0 in well under two minutes, a report whose
 * invariants hold for both environments, nothing left running, and no token value printed
 * (checked against every token the emulator ever generated in that run).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
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

test('leaves no process running', () => {
  const pids = [...run.stdout.matchAll(/\(pid (\d+)\)/g)].map((m) => Number(m[1]));
  expect(pids.length).toBeGreaterThan(0);
  for (const pid of pids) expect(isAlive(pid)).toBe(false);
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
