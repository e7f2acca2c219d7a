/**
 * Issue 9, item 10, at the command line: `protector status --edgerc F --section typo` used to
 * exit 0 with whatever AKAMAI_* held (in CI, production credentials). It must exit 2 (usage)
 * naming the file and the sections it has, and never reach the server the variables name.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type InProcessEmulator, startInProcessEmulator } from '../../helpers/emulator';
import { readEdgercSection } from '../../../src/emulator/edgerc';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(REPO_ROOT, 'bin', 'protector');

/** Async on purpose: the emulator runs in this process and must keep answering meanwhile. */
function protector(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

let emulator: InProcessEmulator;
let dir: string;
beforeAll(async () => {
  emulator = await startInProcessEmulator();
  dir = mkdtempSync(path.join(os.tmpdir(), 'status-credentials-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await emulator.close();
});

test('a section missing from the named file exits 2 naming the file and its sections, ignoring AKAMAI_*', async () => {
  // GIVEN an .edgerc with [default] and [emulator], and AKAMAI_* variables that would work
  const reachable = readEdgercSection(emulator.edgercPath, emulator.section)!;
  const edgerc = path.join(dir, 'team.edgerc');
  writeFileSync(edgerc, '[default]\nhost = akab-x.luna.akamaiapis.net\nclient_token = a\nclient_secret = b\naccess_token = c\n[emulator]\n');
  const env = {
    ...process.env,
    HOME: dir,
    AKAMAI_HOST: reachable.host,
    AKAMAI_CLIENT_TOKEN: reachable.clientToken,
    AKAMAI_CLIENT_SECRET: reachable.clientSecret,
    AKAMAI_ACCESS_TOKEN: reachable.accessToken,
  };
  // WHEN
  const result = await protector(['status', '--edgerc', edgerc, '--section', 'typo'], env);
  // THEN
  expect(result.status).toBe(2);
  expect(result.stderr).toContain(`${edgerc} has no section [typo]; it has [default] and [emulator]`);
  expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(result.stdout).toBe('');

  // and with no flags at all, the AKAMAI_* variables are still used (nothing was named), even
  // when ~/.edgerc exists without a [default] section
  writeFileSync(path.join(dir, '.edgerc'), '[other]\nhost = akab-x.luna.akamaiapis.net\n');
  const plain = await protector(['status'], env);
  expect({ status: plain.status, stderr: plain.stderr }).toEqual({ status: 0, stderr: '' });
}, 120_000);
