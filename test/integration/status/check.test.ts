/**
 * `protector status --check` against the emulator: one line per finding, exit 1 on findings and 0
 * without, the state given as a terraform.tfstate file, and never a token value.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProtectorClient } from '../../../src/api';
import { sendHeartbeat, startInProcessEmulator, type InProcessEmulator } from '../../helpers/emulator';

jest.setTimeout(90_000);

const BIN = path.resolve(__dirname, '..', '..', '..', 'bin', 'protector');
const DAY = 24 * 60 * 60 * 1000;

let emu: InProcessEmulator;
let client: ProtectorClient;
let dir: string;
beforeAll(async () => {
  emu = await startInProcessEmulator();
  client = new ProtectorClient({ credentials: emu.credentials });
  dir = mkdtempSync(path.join(os.tmpdir(), 'status-check-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await emu.close();
});

function protector(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function configuration(name: string) {
  const created = await client.createConnectionConfiguration({ name, deploymentType: 'REVERSE_PROXY', contractId: 'ctr_1', groupId: 'grp_1' });
  return { id: created.connectionConfiguration.connectionConfigurationId, initial: created.token };
}

/** A raw terraform.tfstate managing these tokens, each `{ name, configId, tokenId, rotateAfter }`. */
function stateFile(name: string, tokens: Array<{ name: string; configId: string; tokenId: string; fingerprint: string; rotateAfter: Date }>): string {
  const file = path.join(dir, name);
  const resources = tokens.map((t) => ({
    mode: 'managed',
    type: 'protector_token',
    name: t.name,
    provider: 'provider["registry.terraform.io/protector-iac/protector"]',
    instances: [
      {
        schema_version: 0,
        attributes: {
          id: t.tokenId,
          connection_configuration_id: t.configId,
          fingerprint: t.fingerprint,
          created_at: new Date().toISOString(),
          rotate_after: t.rotateAfter.toISOString(),
          value: 'FAKE-STATE-SECRET-never-printed-0123456789',
        },
        sensitive_attributes: [],
      },
    ],
  }));
  writeFileSync(file, JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 1, lineage: 'x', outputs: {}, resources }));
  return file;
}

test('findings: one line each, exit 1; overdue, due soon, at the cap, unmanaged and instances on old tokens', async () => {
  // GIVEN production: the managed token is overdue, and an instance still runs on the revoked previous token
  const production = await configuration('check-production');
  const current = await client.generateToken(production.id);
  expect((await sendHeartbeat(emu, production.initial.value, { instanceId: 'prod-vm-1', deploymentType: 'REVERSE_PROXY', version: '1' })).status).toBe(200);
  await client.revokeToken(production.id, production.initial.tokenId);
  // AND staging: the managed token is due in 3 days, and a second active token no state manages holds an instance
  const staging = await configuration('check-staging');
  const managed = await client.generateToken(staging.id);
  expect((await sendHeartbeat(emu, staging.initial.value, { instanceId: 'stage-vm-1', deploymentType: 'REVERSE_PROXY', version: '1' })).status).toBe(200);
  const state = stateFile('findings.tfstate', [
    { name: 'production', configId: production.id, tokenId: current.tokenId, fingerprint: current.fingerprint, rotateAfter: new Date(Date.now() - 2 * DAY) },
    { name: 'staging', configId: staging.id, tokenId: managed.tokenId, fingerprint: managed.fingerprint, rotateAfter: new Date(Date.now() + 3 * DAY) },
  ]);

  // WHEN
  const text = await protector(['status', '--check', '--edgerc', emu.edgercPath, '--state', state]);
  const json = await protector(['status', '--check', '--edgerc', emu.edgercPath, '--state', state, '--format', 'json']);
  const markdown = await protector(['status', '--check', '--edgerc', emu.edgercPath, '--state', state, '--format', 'markdown']);

  // THEN
  expect(text.stderr).toBe('');
  expect(text.code).toBe(1);
  const lines = text.stdout.trimEnd().split('\n');
  expect(lines.map((line) => line.split(':')[0]).sort()).toEqual(['AT_CAP', 'DUE_SOON', 'OVERDUE', 'STALE_INSTANCE', 'STALE_INSTANCE', 'UNMANAGED_TOKEN']);
  expect(text.stdout).toMatch(
    new RegExp(
      `^OVERDUE: token ${current.tokenId} \\(${current.fingerprint}\\) of ${production.id} \\(protector_token\\.production in .*findings\\.tfstate\\) is overdue: rotate_after .* passed 2d( \\d+s)? ago\\. Run the deploy`,
      'm',
    ),
  );
  expect(text.stdout).toMatch(new RegExp(`^DUE_SOON: token ${managed.tokenId} .* is due in 2d 23h`, 'm'));
  expect(text.stdout).toMatch(
    new RegExp(`^UNMANAGED_TOKEN: token ${staging.initial.tokenId} \\(${staging.initial.fingerprint}\\) of ${staging.id} is active but no given state manages it`, 'm'),
  );
  expect(text.stdout).toMatch(new RegExp(`^AT_CAP: ${staging.id} has 2 active tokens`, 'm'));
  expect(text.stdout).toMatch(
    new RegExp(`^STALE_INSTANCE: instance prod-vm-1 of ${production.id} \\(last seen \\d+s ago\\) still uses revoked token ${production.initial.tokenId}`, 'm'),
  );
  expect(text.stdout).toMatch(
    new RegExp(`^STALE_INSTANCE: instance stage-vm-1 .* still uses ${staging.initial.tokenId} .*, not the newest token ${managed.tokenId}`, 'm'),
  );

  expect(json.code).toBe(1);
  const report = JSON.parse(json.stdout) as { ok: boolean; dueWithin: string; findings: Array<{ kind: string }> };
  expect(report).toMatchObject({ ok: false, dueWithin: '14d' });
  expect(report.findings).toHaveLength(6);
  expect(markdown.code).toBe(1);
  expect(markdown.stdout).toContain('<!-- protector-status-check -->');
  expect(markdown.stdout).toContain('| OVERDUE |');

  for (const output of [text.stdout, json.stdout, markdown.stdout]) {
    for (const value of [production.initial.value, current.value, staging.initial.value, managed.value, 'FAKE-STATE-SECRET']) expect(output).not.toContain(value);
  }

  // AND a shorter --due-within leaves the staging token out
  const shorter = await protector(['status', '--check', '--edgerc', emu.edgercPath, '--state', state, '--due-within', '1d']);
  expect(shorter.stdout).not.toContain('DUE_SOON');
});

test('nothing to report: exit 0 and one OK line', async () => {
  const healthy = await configuration('check-healthy');
  const token = await client.generateToken(healthy.id);
  await client.revokeToken(healthy.id, healthy.initial.tokenId);
  const state = stateFile('healthy.tfstate', [
    { name: 'app', configId: healthy.id, tokenId: token.tokenId, fingerprint: token.fingerprint, rotateAfter: new Date(Date.now() + 90 * DAY) },
  ]);
  const result = await protector(['status', '--check', '--edgerc', emu.edgercPath, '--state', state]);
  expect({ code: result.code, stderr: result.stderr, stdout: result.stdout }).toEqual({
    code: 0,
    stderr: '',
    stdout: 'status check: OK (1 configuration, nothing due within 14d)\n',
  });
});

test('bad check options are usage errors (exit 2) saying what to pass', async () => {
  const badDuration = await protector(['status', '--check', '--edgerc', emu.edgercPath, '--due-within', 'two weeks']);
  expect(badDuration.code).toBe(2);
  expect(badDuration.stderr).toMatch(/--due-within "two weeks" is not a duration; use one such as "14d"/);
  const withoutCheck = await protector(['status', '--edgerc', emu.edgercPath, '--due-within', '3d']);
  expect(withoutCheck.code).toBe(2);
  expect(withoutCheck.stderr).toMatch(/only apply with --check/);
  const noState = await protector(['status', '--check', '--edgerc', emu.edgercPath, '--state', path.join(dir, 'nope')]);
  expect(noState.code).toBe(2);
  expect(noState.stderr).toMatch(/--state .*nope: no such file or directory/);
});
