/**
 * `protector instance` as a real process against a spawned emulator: it heartbeats with the
 * token in its file, follows the file when it is replaced (atomic rename) or rewritten in place,
 * logs authentication failures by fingerprint only, and prints its summary on SIGTERM.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ProtectorClient, fingerprintOf, loadCredentials } from '../../../src/api';
import { type RunningEmulator, spawnEmulator } from '../../helpers/emulator';

const BIN = resolve(__dirname, '..', '..', '..', 'bin', 'protector');

let emu: RunningEmulator;
let client: ProtectorClient;
let dir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  emu = await spawnEmulator();
  client = new ProtectorClient({ credentials: loadCredentials({ edgerc: emu.edgercPath, section: emu.section, env: {} }) });
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'instance-'));
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface RunningInstance {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** SIGTERM, then the exit code (bounded: SIGKILL after 10 s fails the test). */
  stop(): Promise<number | null>;
}

function startInstance(args: string[]): RunningInstance {
  const child = spawn(process.execPath, [BIN, 'instance', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

async function kubernetesConfiguration() {
  return client.createConnectionConfiguration({ name: `sim-${Date.now()}`, deploymentType: 'KUBERNETES', contractId: 'c', groupId: 'g' });
}

function instanceOn(configId: string, instanceId: string, tokenId: string) {
  return async () => {
    const { instances } = await client.listInstances(configId);
    return instances.find((i) => i.instanceId === instanceId && i.tokenId === tokenId);
  };
}

test('follows a token file replaced by an atomic rename, with no authentication failure', async () => {
  const { connectionConfiguration, token: first } = await kubernetesConfiguration();
  const configId = connectionConfiguration.connectionConfigurationId;
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, `${first.value}\n`);

  const instance = startInstance([
    '--endpoint',
    emu.url,
    '--token-file',
    tokenFile,
    '--id',
    'pod-1',
    '--deployment-type',
    'kubernetes',
    '--interval',
    '100ms',
    '--version',
    '2.0.0',
  ]);
  await waitFor('the first heartbeat', instanceOn(configId, 'pod-1', first.tokenId));

  const second = await client.generateToken(configId);
  writeFileSync(join(dir, 'token.next'), second.value);
  renameSync(join(dir, 'token.next'), tokenFile);
  const moved = await waitFor('a heartbeat with the new token', instanceOn(configId, 'pod-1', second.tokenId));
  expect(moved).toMatchObject({ version: '2.0.0', tokenFingerprint: second.fingerprint });
  await client.revokeToken(configId, first.tokenId);
  await new Promise((r) => setTimeout(r, 300));

  expect(await instance.stop()).toBe(0);
  const lines = instance.stdout().trim().split('\n');
  expect(lines).toHaveLength(1);
  const summary = JSON.parse(lines[0]!) as { id: string; heartbeats: number; authFailures: number; tokensUsed: string[] };
  expect(summary).toEqual({ id: 'pod-1', heartbeats: expect.any(Number), authFailures: 0, tokensUsed: [first.fingerprint, second.fingerprint] });
  expect(summary.heartbeats).toBeGreaterThanOrEqual(3);
  expect(instance.stderr()).toContain(`token file changed: now using ${second.fingerprint}`);
  expect(instance.stderr() + instance.stdout()).not.toContain(first.value);
  expect(instance.stderr() + instance.stdout()).not.toContain(second.value);

  const { instances } = await client.listInstances(configId);
  expect(instances).toEqual([expect.objectContaining({ instanceId: 'pod-1', tokenId: second.tokenId, status: 'GOOD' })]);
});

test('a revoked token in the file is an authentication failure, logged by fingerprint; an in-place rewrite recovers', async () => {
  const { connectionConfiguration, token: first } = await kubernetesConfiguration();
  const configId = connectionConfiguration.connectionConfigurationId;
  const second = await client.generateToken(configId);
  await client.revokeToken(configId, first.tokenId);
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, first.value);

  const instance = startInstance(['--endpoint', emu.url, '--token-file', tokenFile, '--id', 'pod-2', '--deployment-type', 'kubernetes', '--interval', '100ms']);
  await waitFor('an authentication failure', async () => (instance.stderr().includes('authentication failed') ? true : undefined));
  writeFileSync(tokenFile, second.value); // same inode: only the stat check can notice
  await waitFor('a heartbeat with the valid token', instanceOn(configId, 'pod-2', second.tokenId));

  expect(await instance.stop()).toBe(0);
  const summary = JSON.parse(instance.stdout()) as { authFailures: number; heartbeats: number; tokensUsed: string[] };
  expect(summary.authFailures).toBeGreaterThanOrEqual(1);
  expect(summary.heartbeats).toBeGreaterThanOrEqual(1);
  expect(summary.tokensUsed).toEqual([fingerprintOf(first.value), second.fingerprint]);
  expect(instance.stderr()).toContain(`authentication failed with token ${first.fingerprint} (HTTP 401`);
  expect(instance.stderr()).not.toContain(first.value);
});

test('a token of the other deployment type counts as an authentication failure', async () => {
  const { token } = await kubernetesConfiguration();
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, token.value);
  const instance = startInstance(['--endpoint', emu.url, '--token-file', tokenFile, '--id', 'vm-1', '--deployment-type', 'reverse_proxy', '--interval', '100ms']);
  await waitFor('an authentication failure', async () => (instance.stderr().includes('authentication failed') ? true : undefined));
  expect(await instance.stop()).toBe(0);
  const summary = JSON.parse(instance.stdout()) as { heartbeats: number; authFailures: number };
  expect(summary.heartbeats).toBe(0);
  expect(summary.authFailures).toBeGreaterThanOrEqual(1);
  expect(instance.stderr()).toContain('HTTP 403: token is for another deployment type');
});

test('bad flags and a missing token file are usage errors (exit 2) saying what to fix', async () => {
  const missing = startInstance(['--endpoint', emu.url, '--token-file', join(dir, 'absent'), '--id', 'x', '--deployment-type', 'kubernetes']);
  const missingCode = await new Promise((done) => missing.child.once('exit', done));
  expect(missingCode).toBe(2);
  expect(missing.stderr()).toContain(`--token-file ${join(dir, 'absent')}: the file does not exist`);

  writeFileSync(join(dir, 'token'), 'x'.repeat(40));
  const badType = startInstance(['--endpoint', emu.url, '--token-file', join(dir, 'token'), '--id', 'x', '--deployment-type', 'vm', '--interval', '5ms']);
  expect(await new Promise((done) => badType.child.once('exit', done))).toBe(2);
  expect(badType.stderr()).toContain('--deployment-type "vm" is not one of kubernetes, reverse_proxy');
});
