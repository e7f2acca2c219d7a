/** `protector emulator` as a process: ready line, .edgerc handling, logs, refusal of non-loopback hosts, clean stop. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiPaths } from '../../../src/api/schemas';
import { sendHeartbeat, signedRequest, spawnEmulator } from '../../helpers/emulator';
import { createConfiguration } from './fixtures';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'protector-cli-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('it writes its section into the .edgerc (0600), keeping other sections, and the host carries http://', async () => {
  const edgercPath = path.join(dir, 'edgerc');
  const other = '# my real account\n[prod]\nclient_secret = s3cret=\nhost = akab-xyz.luna.akamaiapis.net\naccess_token = akab-a\nclient_token = akab-c\n';
  writeFileSync(edgercPath, other);

  const emu = await spawnEmulator({ edgercPath, section: 'emulator' });
  try {
    const text = readFileSync(edgercPath, 'utf8');
    expect(text.startsWith(other)).toBe(true);
    expect(text).toContain(`[emulator]\n`);
    expect(text).toContain(`host = ${emu.url}\n`);
    expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(statSync(edgercPath).mode & 0o777).toBe(0o600);
  } finally {
    await emu.stop();
  }
});

test('an existing section keeps its credentials and only gets the new host', async () => {
  const edgercPath = path.join(dir, 'edgerc');
  const first = await spawnEmulator({ edgercPath });
  await first.stop();
  const before = readFileSync(edgercPath, 'utf8');

  const second = await spawnEmulator({ edgercPath });
  try {
    expect(second.credentials).toEqual({ ...first.credentials, host: second.url });
    expect(readFileSync(edgercPath, 'utf8')).toBe(before.replace(`host = ${first.url}`, `host = ${second.url}`));
    expect((await signedRequest(second, 'GET', ApiPaths.configurations())).status).toBe(200);
  } finally {
    await second.stop();
  }
});

test('the request log goes to stderr, one line per request, without bodies, token values or Authorization', async () => {
  const emu = await spawnEmulator({ edgercPath: path.join(dir, 'edgerc') });
  try {
    const created = await createConfiguration(emu);
    await sendHeartbeat(emu, created.token.value, { instanceId: 'pod-a', deploymentType: 'KUBERNETES', version: '1' });
    await emu.stop();

    const log = emu.stderr();
    expect(log).toMatch(/POST \/protector\/v1\/connection-configurations 201 \d+ms/);
    expect(log).toMatch(/POST \/protector\/v1\/instances\/heartbeat 200 \d+ms/);
    expect(log).not.toContain(created.token.value);
    expect(log).not.toContain('EG1-HMAC-SHA256');
    expect(log).not.toContain('shop-k8s');
  } finally {
    await emu.stop();
  }
});

test('SIGTERM stops it cleanly (exit code 0)', async () => {
  const emu = await spawnEmulator({ edgercPath: path.join(dir, 'edgerc') });
  await emu.stop();
  expect(await emu.exited).toEqual({ code: 0, signal: null });
});

test('SIGTERM stops it at once even while a request waits out an injected latency', async () => {
  const emu = await spawnEmulator({ edgercPath: path.join(dir, 'edgerc') });
  try {
    await emu.control.setFaults({ latencyMs: 30_000 });
    const pending = signedRequest(emu, 'GET', ApiPaths.configurations()).catch(() => 'no answer');
    for (let i = 0; i < 100 && (await emu.control.stats()).productRequests === 0; i += 1) await new Promise((r) => setTimeout(r, 50));

    const started = Date.now();
    await emu.stop();

    // The helper falls back on SIGKILL after 10 s: a clean exit means the wait was cut short.
    expect(await emu.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(8000);
    expect(await pending).toBe('no answer');
  } finally {
    await emu.stop();
  }
});

test('a non-loopback --host is refused with a usage error naming the flag', () => {
  const result = spawnSync(process.execPath, ['bin/protector', 'emulator', '--host', '0.0.0.0', '--edgerc', path.join(dir, 'edgerc')], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(result.status).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/--host 0\.0\.0\.0 is not a loopback address/);
  expect(result.stderr).not.toMatch(/\n\s+at /);
});
