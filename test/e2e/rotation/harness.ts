/**
 * What the rotation end-to-end tests share: the emulator (in process), a Terraform workspace with
 * plain HCL (one configuration, a `protector_token` with create_before_destroy, one
 * `protector_token_file` per host), real `protector instance` processes on those files, and
 * reads of the API (our client) and the activity log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import * as z from 'zod';
import { ProtectorClient } from '../../../src/api';
import type { ActivityEvent } from '../../../src/api/schemas';
import { startInProcessEmulator, type InProcessEmulator } from '../../helpers/emulator';
import { createTerraformWorkspace, type RunResult, type TerraformWorkspace } from '../../helpers/terraform';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(REPO_ROOT, 'bin', 'protector');
const HEARTBEAT_MS = 200;
const POLL_MS = 100;

export interface RotationSetup {
  hosts: number;
  drainTimeout: string;
  /** `store_value = true` on the token: for tests that need the value in state and plans. */
  storeValue?: boolean;
}

export function rotationHcl(edgercPath: string, hostsDir: string, setup: RotationSetup): string {
  return `
terraform {
  required_providers {
    protector = { source = "protector-iac/protector" }
  }
}

variable "generation" {
  type = string
}

provider "protector" {
  edgerc  = ${JSON.stringify(edgercPath)}
  section = "default"
}

resource "protector_connection_configuration" "app" {
  name            = "e2e-rotation"
  deployment_type = "reverse_proxy"
  contract_id     = "ctr_E2E-1"
  group_id        = "grp_e2e"
}

resource "protector_token" "app" {
  connection_configuration_id = protector_connection_configuration.app.id
  keepers                     = { generation = var.generation }
  drain_timeout               = ${JSON.stringify(setup.drainTimeout)}
  store_value                 = ${setup.storeValue === true}

  lifecycle {
    create_before_destroy = true
  }
}

resource "protector_token_file" "host" {
  count                       = ${setup.hosts}
  connection_configuration_id = protector_connection_configuration.app.id
  token_id                    = protector_token.app.id
  path                        = "${hostsDir}/host-\${count.index}/token"
}

output "configuration_id" {
  value = protector_connection_configuration.app.id
}

output "token_id" {
  value = protector_token.app.id
}

output "fingerprint" {
  value = protector_token.app.fingerprint
}
`;
}

export interface RotationWorld {
  emulator: InProcessEmulator;
  workspace: TerraformWorkspace;
  client: ProtectorClient;
  hostsDir: string;
  tokenFile(host: number): string;
  /** `terraform apply -auto-approve -var generation=G`. */
  apply(generation: number | string, timeoutMs?: number): Promise<RunResult>;
  outputs(): Promise<{ configurationId: string; tokenId: string; fingerprint: string }>;
  activity(configurationId: string): Promise<ActivityEvent[]>;
  close(): Promise<void>;
}

export async function createRotationWorld(setup: RotationSetup, emulatorLog?: (line: string) => void): Promise<RotationWorld> {
  const emulator = await startInProcessEmulator({ log: emulatorLog ?? false });
  let workspace: TerraformWorkspace | undefined;
  try {
    // The workspace dir is only known once created: write the HCL after, with the real hosts dir.
    workspace = await createTerraformWorkspace({ hcl: '' });
    const hostsDir = path.join(workspace.dir, 'hosts');
    for (let host = 0; host < setup.hosts; host++) mkdirSync(path.join(hostsDir, `host-${host}`), { recursive: true });
    workspace.writeFile('main.tf', rotationHcl(emulator.edgercPath, hostsDir, setup));
    const init = await workspace.run(['init', '-input=false', '-no-color']);
    if (init.code !== 0) throw new Error(`terraform init failed:\n${init.stdout}\n${init.stderr}`);
    const ws = workspace;
    const client = new ProtectorClient({ credentials: emulator.credentials, maxRetries: 1 });
    return {
      emulator,
      workspace: ws,
      client,
      hostsDir,
      tokenFile: (host) => path.join(hostsDir, `host-${host}`, 'token'),
      apply: (generation, timeoutMs) => ws.run(['apply', '-auto-approve', '-input=false', '-no-color', `-var=generation=${generation}`], { timeoutMs }),
      outputs: async () => {
        const result = await ws.run(['output', '-json', '-no-color']);
        const parsed = z
          .object({
            configuration_id: z.object({ value: z.string() }),
            token_id: z.object({ value: z.string() }),
            fingerprint: z.object({ value: z.string() }),
          })
          .parse(JSON.parse(result.stdout));
        return { configurationId: parsed.configuration_id.value, tokenId: parsed.token_id.value, fingerprint: parsed.fingerprint.value };
      },
      activity: async (configurationId) => (await client.listActivity(configurationId)).events,
      close: async () => {
        ws.cleanup();
        await emulator.close();
      },
    };
  } catch (error) {
    workspace?.cleanup();
    await emulator.close();
    throw error;
  }
}

export function expectApplied(result: RunResult): void {
  if (result.code !== 0) throw new Error(`terraform apply failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
}

// ---------------------------------------------------------------------------------------------
// Simulated instances
// ---------------------------------------------------------------------------------------------

const InstanceSummarySchema = z.object({
  id: z.string(),
  heartbeats: z.number().int(),
  authFailures: z.number().int(),
  tokensUsed: z.array(z.string()),
});
export type InstanceSummary = z.infer<typeof InstanceSummarySchema>;

export interface RunningInstance {
  id: string;
  child: ChildProcess;
  /** SIGTERM, then the JSON summary line it prints on exit (SIGKILL after 10 s). */
  stop(): Promise<InstanceSummary>;
  stderr(): string;
}

export function startInstance(endpoint: string, id: string, tokenFile: string, opts: { follow?: boolean } = {}): RunningInstance {
  const args = [BIN, 'instance', '--endpoint', endpoint, '--token-file', tokenFile, '--id', id, '--deployment-type', 'reverse_proxy', '--interval', `${HEARTBEAT_MS}ms`];
  if (opts.follow === false) args.push('--no-follow');
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-32_768)));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return {
    id,
    child,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        return InstanceSummarySchema.parse(JSON.parse(line));
      } catch {
        throw new Error(`instance ${id} printed no summary (stdout: ${stdout}; stderr: ${stderr})`);
      }
    },
  };
}

/** Stops every instance still running (for afterEach/finally); ignores summaries. */
export async function stopAll(instances: RunningInstance[]): Promise<void> {
  await Promise.all(instances.map((instance) => instance.stop().catch(() => undefined)));
}

/** Polls until the API has seen each instance heartbeat with `tokenId` (bounded). */
export async function waitUntilOnToken(client: ProtectorClient, configurationId: string, ids: string[], tokenId: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { instances } = await client.listInstances(configurationId);
    const pending = ids.filter((id) => !instances.some((i) => i.instanceId === id && i.tokenId === tokenId));
    if (pending.length === 0) return;
    if (Date.now() > deadline) throw new Error(`instances ${pending.join(', ')} did not heartbeat with ${tokenId} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
