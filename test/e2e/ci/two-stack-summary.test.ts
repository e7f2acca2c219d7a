/**
 * What a pull request and a scheduled job of issue 12 see, on real plans of two stacks: staging's
 * token is due, production's is replaced by a keepers change while the revoke of its previous
 * token (left by a drain timeout) is retried. One `plan summary --format markdown` call renders
 * both; `status --check` then fails naming each finding. The drain logs its waiting instances at
 * INFO, and its timeout error says how recently stopped instances count.
 *
 * Set PROTECTOR_CI_OUTPUT_DIR to keep the rendered Markdown and the check output.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProtectorClient } from '../../../src/api';
import { startInProcessEmulator, type InProcessEmulator } from '../../helpers/emulator';
import { createTerraformWorkspace, type TerraformWorkspace } from '../../helpers/terraform';
import { rotationHcl, startInstance, stopAll, waitUntilOnToken, type RunningInstance } from '../rotation/harness';
import { protector } from './cli';

jest.setTimeout(300_000);

interface Stack {
  name: string;
  workspace: TerraformWorkspace;
  tokenFile: string;
}

let emulator: InProcessEmulator;
let client: ProtectorClient;
let root: string;
const stacks: Stack[] = [];
const running: RunningInstance[] = [];

async function stack(name: string, options: { rotationPeriod?: string; drainTimeout: string }): Promise<Stack> {
  const workspace = await createTerraformWorkspace({ hcl: '' });
  const hostsDir = path.join(workspace.dir, 'hosts');
  mkdirSync(path.join(hostsDir, 'host-0'), { recursive: true });
  // store_value: the plans then hold the token values, which the summary and status must never print.
  let hcl = rotationHcl(emulator.edgercPath, hostsDir, { hosts: 1, drainTimeout: options.drainTimeout, storeValue: true }).replace('e2e-rotation', `edge-${name}`);
  if (options.rotationPeriod) hcl = hcl.replace('  keepers ', `  rotation_period             = "${options.rotationPeriod}"\n  keepers `);
  workspace.writeFile('main.tf', hcl);
  const init = await workspace.run(['init', '-input=false', '-no-color']);
  if (init.code !== 0) throw new Error(`terraform init failed:\n${init.stdout}\n${init.stderr}`);
  // The layout of a cdktf app's output: the summary titles each plan by its stack.
  mkdirSync(path.join(root, 'stacks'), { recursive: true });
  symlinkSync(workspace.dir, path.join(root, 'stacks', name));
  const created = { name, workspace, tokenFile: path.join(hostsDir, 'host-0', 'token') };
  stacks.push(created);
  return created;
}

function apply(s: Stack, generation: number, env: NodeJS.ProcessEnv = {}) {
  return s.workspace.run(['apply', '-auto-approve', '-input=false', '-no-color', `-var=generation=${generation}`], { env, timeoutMs: 180_000 });
}

async function outputs(s: Stack): Promise<{ configurationId: string; tokenId: string; fingerprint: string }> {
  const result = JSON.parse((await s.workspace.run(['output', '-json', '-no-color'])).stdout) as Record<string, { value: string }>;
  return { configurationId: result.configuration_id!.value, tokenId: result.token_id!.value, fingerprint: result.fingerprint!.value };
}

function tokenValues(s: Stack): string[] {
  const state = JSON.parse(readFileSync(path.join(s.workspace.dir, 'terraform.tfstate'), 'utf8')) as {
    resources: Array<{ type: string; instances: Array<{ attributes: { value?: string } }> }>;
  };
  return state.resources.filter((r) => r.type === 'protector_token').flatMap((r) => r.instances.map((i) => i.attributes.value!));
}

beforeAll(async () => {
  emulator = await startInProcessEmulator({ log: false });
  client = new ProtectorClient({ credentials: emulator.credentials, maxRetries: 1 });
  root = mkdtempSync(path.join(os.tmpdir(), 'protector-ci-'));
});

afterAll(async () => {
  await stopAll(running);
  for (const s of stacks) s.workspace.cleanup();
  if (root) rmSync(root, { recursive: true, force: true });
  await emulator?.close();
});

test('a two-stack rotation plan in one Markdown comment, then status --check failing with one line per finding', async () => {
  // GIVEN staging, whose token is due 25 s after it was created
  const staging = await stack('staging', { rotationPeriod: '25s', drainTimeout: '10s' });
  expect((await apply(staging, 0)).code).toBe(0);
  const stagingToken = await outputs(staging);
  // AND production, whose last rotation timed out draining: an instance never re-read its token file
  const production = await stack('production', { drainTimeout: '3s' });
  expect((await apply(production, 0)).code).toBe(0);
  const previous = await outputs(production);
  running.push(startInstance(emulator.url, 'prod-vm-stuck', production.tokenFile, { follow: false }));
  await waitUntilOnToken(client, previous.configurationId, ['prod-vm-stuck'], previous.tokenId);
  const timedOut = await apply(production, 1, { TF_LOG: 'info' });
  expect(timedOut.code).not.toBe(0);

  // THEN each drain poll was logged at INFO with the waiting instance, and the error says how recently stopped instances count
  const polls = timedOut.stderr.split('\n').filter((line) => line.includes('waiting for instances to move off the old token'));
  expect(polls.length).toBeGreaterThanOrEqual(2);
  expect(polls[0]).toMatch(/\[INFO\].*still used by prod-vm-stuck \((GOOD|WARNING), last heartbeat \d+(ms|s) ago\); waited \d+(ms|s)? ?.* of 3s/);
  const error = (timedOut.stdout + timedOut.stderr).replace(/\s+/g, ' ').split('Error: Drain Timeout')[1] ?? '';
  expect(error).toMatch(
    /An instance counts while its last heartbeat is under 5 minutes old \(status GOOD or WARNING\): one that stopped or was removed recently keeps the drain waiting/,
  );

  // WHEN staging is due, production's keepers change, and each stack saves its plan
  const due = Date.parse((await client.getToken(stagingToken.configurationId, stagingToken.tokenId)).createdAt) + 26_000;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
  for (const [s, generation] of [
    [staging, 0],
    [production, 2],
  ] as const) {
    const plan = await s.workspace.run(['plan', '-input=false', '-no-color', '-out=plan.tfplan', `-var=generation=${generation}`]);
    expect({ code: plan.code, stderr: plan.stderr }).toEqual({ code: 0, stderr: '' });
  }
  const summary = await protector(
    [
      'plan',
      'summary',
      '--format',
      'markdown',
      '--plan',
      path.join(root, 'stacks', 'staging', 'plan.tfplan'),
      '--plan',
      path.join(root, 'stacks', 'production', 'plan.tfplan'),
    ],
    { TF_CLI_CONFIG_FILE: staging.workspace.cliConfigFile },
  );

  // THEN one section per stack: staging due, production replaced by keepers and its previous token's revoke retried
  expect({ code: summary.code, stderr: summary.stderr }).toEqual({ code: 0, stderr: '' });
  const md = summary.stdout;
  expect(md.split('\n')[0]).toBe('<!-- protector-plan-summary -->');
  expect(md).toMatch(/### staging\n\n\*\*1 to replace, 1 to update\*\*/);
  expect(md).toContain(`| \`protector_token.app\` | rotate_after passed (`);
  expect(md).toMatch(new RegExp(`\\| \`${stagingToken.fingerprint}\` → \\(known after apply\\) \\| 10s \\| \`protector_token_file\\.host\\[0\\]\` \\|`));
  expect(md).toMatch(/### production\n\n\*\*1 to replace, 1 to update, 1 revoke of a previous token retried\*\*/);
  expect(md).toContain('| `protector_token.app` | keepers changed (generation: "1" → "2") |');
  expect(md).toContain(`- \`protector_token.app\`: retrying the revoke of the previous token ${previous.tokenId} (${previous.fingerprint}) (waits up to 3s`);
  expect(md).not.toMatch(/delete\*\* `protector_token\.app`/);
  for (const value of [...tokenValues(staging), ...tokenValues(production)]) expect(md).not.toContain(value);

  // AND the scheduled job's check fails with one line per finding
  const check = await protector(['status', '--check', '--edgerc', emulator.edgercPath, '--state', staging.workspace.dir, '--state', production.workspace.dir], {
    TF_CLI_CONFIG_FILE: staging.workspace.cliConfigFile,
  });
  expect(check.stderr).toBe('');
  expect(check.code).toBe(1);
  const kinds = check.stdout
    .trimEnd()
    .split('\n')
    .map((line) => line.split(':')[0]);
  expect(kinds).toEqual(expect.arrayContaining(['OVERDUE', 'AT_CAP', 'STALE_INSTANCE']));
  expect(check.stdout).toMatch(new RegExp(`^OVERDUE: token ${stagingToken.tokenId} .*protector_token\\.app in .*is overdue`, 'm'));
  expect(check.stdout).toMatch(
    new RegExp(`^AT_CAP: ${previous.configurationId} has 2 active tokens.*${previous.tokenId} is the previous token of protector_token\\.app`, 'm'),
  );
  for (const value of [...tokenValues(staging), ...tokenValues(production)]) expect(check.stdout).not.toContain(value);

  const keep = process.env.PROTECTOR_CI_OUTPUT_DIR;
  if (keep) {
    writeFileSync(path.join(keep, 'two-stack-summary.md'), md);
    writeFileSync(
      path.join(keep, 'status-check.txt'),
      `$ protector status --check --state stacks/staging --state stacks/production\n${check.stdout}(exit ${check.code})\n`,
    );
  }
});
