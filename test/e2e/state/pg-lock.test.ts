/**
 * Shared state with locking on a real PostgreSQL (Terraform's `pg` backend): two `terraform apply`
 * runs of one environment (two pipeline runs, two checkouts) race a due rotation. One holds the
 * lock and rotates; the other waits with -lock-timeout and then has nothing to do, or without it
 * fails with Terraform's lock error. Afterwards exactly one new token, exactly one active, and the
 * simulated instances never failed to authenticate.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProtectorClient } from '../../../src/api';
import { startInProcessEmulator, type InProcessEmulator } from '../../helpers/emulator';
import { createTerraformWorkspace, type TerraformWorkspace } from '../../helpers/terraform';
import { rotationHcl, startInstance, stopAll, waitUntilOnToken, type InstanceSummary, type RunningInstance } from '../rotation/harness';
import { requirePostgres, type Postgres } from './postgres';

jest.setTimeout(600_000);

const ROTATION_PERIOD_S = 20;
const availability = requirePostgres();
const describeWithPostgres = availability.kind === 'available' ? describe : describe.skip;
if (availability.kind === 'missing') process.stderr.write(`SKIPPED shared-state tests: ${availability.reason}\n`);

interface Run {
  code: number;
  output: string;
}

describeWithPostgres('two applies on one pg-backed state racing a due rotation', () => {
  let postgres: Postgres;
  let emulator: InProcessEmulator;
  let client: ProtectorClient;
  let hostsDir: string;
  const checkouts: TerraformWorkspace[] = [];
  const instances: RunningInstance[] = [];
  let configurationId: string;

  /** Both checkouts share the hosts dir and one state: schema `race_<unique>` in PostgreSQL. */
  function hcl(schema: string): string {
    return rotationHcl(emulator.edgercPath, hostsDir, { hosts: 2, drainTimeout: '2m' })
      .replace('terraform {\n', `terraform {\n  backend "pg" {\n    schema_name = "${schema}"\n  }\n`)
      .replace('  keepers ', `  rotation_period             = "${ROTATION_PERIOD_S}s"\n  keepers `);
  }

  /** `terraform apply` in a checkout, streaming its output so a test can act at a given moment. */
  function apply(checkout: TerraformWorkspace, extra: string[], onOutput?: (text: string) => void): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn('terraform', ['apply', '-auto-approve', '-input=false', '-no-color', '-var=generation=0', ...extra], {
        cwd: checkout.dir,
        env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_CLI_CONFIG_FILE: checkout.cliConfigFile, PG_CONN_STR: postgres.url },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      let output = '';
      const take = (chunk: string) => {
        output += chunk;
        onOutput?.(output);
      };
      child.stdout.setEncoding('utf8').on('data', take);
      child.stderr.setEncoding('utf8').on('data', take);
      const timer = setTimeout(() => {
        try {
          process.kill(-(child.pid as number), 'SIGKILL');
        } catch {
          // gone
        }
      }, 300_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, output });
      });
    });
  }

  async function managedTokenId(): Promise<string> {
    const active = (await client.listTokens(configurationId)).active;
    if (active.length !== 1) throw new Error(`expected exactly one active token, found ${active.map((t) => t.tokenId).join(', ')}`);
    return active[0]!.tokenId;
  }

  /** Waits until the active token is due (rotation_period after it was created). */
  async function untilDue(): Promise<void> {
    const [token] = (await client.listTokens(configurationId)).active;
    const due = Date.parse(token!.createdAt) + (ROTATION_PERIOD_S + 1) * 1000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
  }

  async function generatedTokens(): Promise<string[]> {
    const { events } = await client.listActivity(configurationId);
    return events.filter((e) => e.type === 'TOKEN_GENERATED').map((e) => e.tokenId!);
  }

  function expectOneRotation(runs: Run[]): { rotated: Run; other: Run } {
    const rotatedRuns = runs.filter((run) => run.code === 0 && /Apply complete! Resources: 1 added, 2 changed, 1 destroyed\./.test(run.output));
    expect(rotatedRuns).toHaveLength(1);
    return { rotated: rotatedRuns[0]!, other: runs.find((run) => run !== rotatedRuns[0])! };
  }

  beforeAll(async () => {
    if (availability.kind !== 'available') return;
    postgres = await availability.start();
    emulator = await startInProcessEmulator({ log: false });
    client = new ProtectorClient({ credentials: emulator.credentials, maxRetries: 1 });
    hostsDir = mkdtempSync(path.join(os.tmpdir(), 'pg-race-hosts-'));
    for (const host of [0, 1]) mkdirSync(path.join(hostsDir, `host-${host}`), { recursive: true });
    const schema = `race_${process.pid}_${Date.now().toString(36)}`;
    for (let i = 0; i < 2; i++) {
      const checkout = await createTerraformWorkspace({ hcl: hcl(schema) });
      checkouts.push(checkout);
      const init = await checkout.run(['init', '-input=false', '-no-color'], { env: { PG_CONN_STR: postgres.url } });
      if (init.code !== 0) throw new Error(`terraform init failed:\n${init.stdout}\n${init.stderr}`);
    }
    const first = await apply(checkouts[0]!, []);
    if (first.code !== 0) throw new Error(`first apply failed:\n${first.output}`);
    configurationId = (await client.listConnectionConfigurations({ page: 1, pageSize: 100 })).connectionConfigurations[0]!.connectionConfigurationId;
    const tokenId = await managedTokenId();
    instances.push(
      startInstance(emulator.url, 'vm-0', path.join(hostsDir, 'host-0', 'token')),
      startInstance(emulator.url, 'vm-1', path.join(hostsDir, 'host-1', 'token')),
    );
    await waitUntilOnToken(client, configurationId, ['vm-0', 'vm-1'], tokenId);
  });

  afterAll(async () => {
    await stopAll(instances);
    for (const checkout of checkouts) checkout.cleanup();
    if (hostsDir) rmSync(hostsDir, { recursive: true, force: true });
    await emulator?.close();
    await postgres?.stop();
  });

  test('with -lock-timeout: one rotates, the other waits for the lock and then has nothing to do', async () => {
    // GIVEN the token is due
    await untilDue();
    const before = await generatedTokens();
    const old = await managedTokenId();
    // WHEN both checkouts apply at once
    const runs = await Promise.all(checkouts.map((checkout) => apply(checkout, ['-lock-timeout=4m'])));
    // THEN exactly one rotated, and the other found the new token in the shared state
    const { other } = expectOneRotation(runs);
    expect(other.code).toBe(0);
    expect(other.output).toMatch(/No changes\. Your infrastructure matches the configuration\./);
    const after = await generatedTokens();
    expect(after.length - before.length).toBe(1);
    const current = await managedTokenId();
    expect(current).not.toBe(old);
    await waitUntilOnToken(client, configurationId, ['vm-0', 'vm-1'], current);
  });

  test("without -lock-timeout: the second run fails with Terraform's lock error while the first rotates", async () => {
    await untilDue();
    const before = await generatedTokens();
    // WHEN the second checkout applies while the first is in the middle of the rotation
    let second: Promise<Run> | undefined;
    const first = apply(checkouts[0]!, [], (output) => {
      if (!second && /protector_token\.app: Creating\.\.\./.test(output)) second = apply(checkouts[1]!, []);
    });
    const firstRun = await first;
    expect(second).toBeDefined();
    const secondRun = await second!;
    // THEN
    expect(firstRun.code).toBe(0);
    expect(firstRun.output).toMatch(/Apply complete! Resources: 1 added, 2 changed, 1 destroyed\./);
    expect(secondRun.code).not.toBe(0);
    expect(secondRun.output).toMatch(/Error acquiring the state lock/);
    expect((await generatedTokens()).length - before.length).toBe(1);
    await managedTokenId();
  });

  test('the instances never failed to authenticate', async () => {
    const summaries: InstanceSummary[] = await Promise.all(instances.map((instance) => instance.stop()));
    for (const summary of summaries) {
      expect(summary.authFailures).toBe(0);
      expect(summary.heartbeats).toBeGreaterThan(10);
      expect(summary.tokensUsed.length).toBe(3);
    }
  });
});
