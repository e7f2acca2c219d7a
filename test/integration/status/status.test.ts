/**
 * `protector status` against the emulator: tokens with fingerprints, ages and status, instances
 * with the token each uses, and never a token value.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProtectorClient } from '../../../src/api';
import { sendHeartbeat, startInProcessEmulator, type InProcessEmulator } from '../../helpers/emulator';

const BIN = path.resolve(__dirname, '..', '..', '..', 'bin', 'protector');

let emu: InProcessEmulator;
beforeAll(async () => {
  emu = await startInProcessEmulator();
});
afterAll(async () => {
  await emu.close();
});

function status(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'status', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('shows every configuration with its tokens and instances, fingerprints only', async () => {
  // GIVEN a configuration with a rotated token (one active, one revoked) and an instance on it
  const client = new ProtectorClient({ credentials: emu.credentials });
  const created = await client.createConnectionConfiguration({
    name: 'status-demo',
    deploymentType: 'REVERSE_PROXY',
    contractId: 'ctr_1',
    groupId: 'grp_1',
  });
  const configId = created.connectionConfiguration.connectionConfigurationId;
  const second = await client.generateToken(configId);
  await client.revokeToken(configId, created.token.tokenId);
  const beat = await sendHeartbeat(emu, second.value, { instanceId: 'edge-vm-1', deploymentType: 'REVERSE_PROXY', version: '1.2.3' });
  expect(beat.status).toBe(200);

  // WHEN
  const text = await status(['--edgerc', emu.edgercPath, '--section', 'default']);
  const json = await status(['--edgerc', emu.edgercPath, '--config', configId, '--json']);

  // THEN
  expect(text.stderr).toBe('');
  expect(text.code).toBe(0);
  expect(text.stdout).toContain(`${configId}  "status-demo"  REVERSE_PROXY`);
  expect(text.stdout).toMatch(new RegExp(`ACTIVE +${second.tokenId}  ${second.fingerprint}  age \\d+s`));
  expect(text.stdout).toMatch(new RegExp(`REVOKED +${created.token.tokenId}  ${created.token.fingerprint}  age \\d+s, revoked \\d+s ago \\(MANUAL\\)`));
  expect(text.stdout).toMatch(new RegExp(`edge-vm-1 +GOOD +${second.tokenId} ${second.fingerprint}  last seen \\d+s ago`));
  const parsed = JSON.parse(json.stdout) as Array<{ tokens: { active: Array<{ tokenId: string }> }; instances: unknown[] }>;
  expect(parsed).toHaveLength(1);
  expect(parsed[0]!.tokens.active.map((t) => t.tokenId)).toEqual([second.tokenId]);
  expect(parsed[0]!.instances).toHaveLength(1);
  for (const output of [text.stdout, json.stdout]) {
    expect(output).not.toContain(second.value);
    expect(output).not.toContain(created.token.value);
  }
});

test('a bad --config id or missing credentials is a usage error with what to do', async () => {
  const badId = await status(['--edgerc', emu.edgercPath, '--config', 'nope']);
  expect(badId.code).toBe(2);
  expect(badId.stderr).toMatch(/--config "nope" is not a connection configuration id/);
  const noSection = await status(['--edgerc', emu.edgercPath, '--section', 'missing']);
  expect(noSection.code).toBe(2);
  expect(noSection.stderr).toMatch(/missing/);
  expect(noSection.stderr).not.toMatch(/\n\s+at /);
});

test('a configuration id that does not exist and an unreachable API are external failures (exit 3) saying what to check', async () => {
  const unknown = await status(['--edgerc', emu.edgercPath, '--config', 'ccfg_8h2k4m9x1q']);
  expect(unknown.code).toBe(3);
  expect(unknown.stderr).toMatch(/connection configuration ccfg_8h2k4m9x1q does not exist.*Check the id/);
  expect(unknown.stderr).not.toMatch(/\n\s+at /);

  // GIVEN credentials that point at a port nobody listens on
  const down = path.join(mkdtempSync(path.join(os.tmpdir(), 'status-')), 'edgerc');
  try {
    writeFileSync(down, readFileSync(emu.edgercPath, 'utf8').replace(/^host = .*$/m, 'host = http://127.0.0.1:1'));
    const unreachable = await status(['--edgerc', down]);
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toMatch(/ECONNREFUSED.*Check that the API at .* is reachable/);
    expect(unreachable.stdout).toBe('');
  } finally {
    rmSync(path.dirname(down), { recursive: true, force: true });
  }
});
