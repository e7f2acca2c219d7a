/**
 * What the AWS end-to-end tests share: the emulator (in process), the Secrets Manager test double,
 * a Terraform CLI configuration that installs our provider and the image's mirrored
 * `hashicorp/aws` 5.100.0, AWS settings that reach only the double, simulated VMs that read their
 * token from Secrets Manager (`protector instance --aws-secret-id`), and the checks every rotation
 * must pass.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as z from 'zod';
import { fingerprintOf } from '../../../src/api/fingerprint';
import { cliConfigFor, PROVIDER_ADDRESS } from '../../../src/provider/install';
import { AWS_PROVIDER, awsProviderMirror } from '../../../scripts/aws-bindings';
import type { ProtectorClient } from '../../../src/api';
import { TEST_ACCESS_KEY_ID, TEST_REGION, TEST_SECRET_ACCESS_KEY, type SecretsManagerDouble } from '../../helpers/secrets-manager-double';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(REPO_ROOT, 'bin', 'protector');
const HEARTBEAT_MS = 200;
const REFRESH_MS = 500;

/** The image's filesystem mirror of hashicorp/aws; the suites are skipped without one. */
export const AWS_MIRROR = awsProviderMirror();

/** A CLI configuration with our provider from `protectorMirror` and hashicorp/aws from the image's mirror, nothing from the network. */
export function combinedCliConfig(protectorMirror: string): string {
  const ours = cliConfigFor(protectorMirror).replace(/\n {2}direct \{[\s\S]*?\n {2}\}/, '');
  return ours.replace(
    /\n\}\n$/,
    `\n  filesystem_mirror {\n    path    = ${JSON.stringify(AWS_MIRROR)}\n    include = [${JSON.stringify(AWS_PROVIDER.address)}]\n  }\n` +
      `  direct {\n    exclude = [${JSON.stringify(PROVIDER_ADDRESS)}, ${JSON.stringify(AWS_PROVIDER.address)}]\n  }\n}\n`,
  );
}

/** AWS settings that reach only the double: static test keys, no profile, no metadata service. */
export function awsEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('AWS_')) delete env[name];
  delete env.TF_LOG;
  return {
    ...env,
    AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: TEST_SECRET_ACCESS_KEY,
    AWS_REGION: TEST_REGION,
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

const InstanceSummarySchema = z.object({ id: z.string(), heartbeats: z.number().int(), authFailures: z.number().int(), tokensUsed: z.array(z.string()) });
type InstanceSummary = z.infer<typeof InstanceSummarySchema>;

export interface AwsVm {
  id: string;
  stop(): Promise<InstanceSummary>;
}

/** A simulated Protector VM reading its token from the secret (`follow: false`: only at boot). */
export function startAwsVm(emulatorUrl: string, sm: SecretsManagerDouble, id: string, secretId: string, opts: { follow?: boolean } = {}): AwsVm {
  const args = [
    BIN,
    'instance',
    '--endpoint',
    emulatorUrl,
    '--aws-secret-id',
    secretId,
    '--aws-endpoint',
    sm.url,
    '--aws-refresh-interval',
    `${REFRESH_MS}ms`,
    '--id',
    id,
    '--deployment-type',
    'reverse_proxy',
    '--interval',
    `${HEARTBEAT_MS}ms`,
  ];
  if (opts.follow === false) args.push('--no-follow');
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: awsEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-32_768)));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return {
    id,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      try {
        return InstanceSummarySchema.parse(JSON.parse(stdout.trim().split('\n').pop() ?? ''));
      } catch {
        throw new Error(`VM ${id} printed no summary (stdout: ${stdout}; stderr: ${stderr})`);
      }
    },
  };
}

export async function stopAllVms(vms: AwsVm[]): Promise<void> {
  await Promise.all(vms.splice(0).map((vm) => vm.stop().catch(() => undefined)));
}

/** Polls until the API has seen each VM heartbeat with `tokenId` (bounded). */
export async function waitUntilOnToken(client: ProtectorClient, configurationId: string, ids: string[], tokenId: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { instances } = await client.listInstances(configurationId);
    const pending = ids.filter((id) => !instances.some((i) => i.instanceId === id && i.tokenId === tokenId));
    if (pending.length === 0) return;
    if (Date.now() > deadline) throw new Error(`VMs ${pending.join(', ')} did not heartbeat with ${tokenId} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface Deployed {
  configurationId: string;
  tokenId: string;
  fingerprint: string;
}

/**
 * What one rotation from `old` to `next` must leave behind: the secret's AWSCURRENT holds the new
 * token and is a new version, exactly one token is active, the old one is revoked, and it was
 * revoked only after every VM heartbeated with its successor.
 */
export async function expectRotated(
  client: ProtectorClient,
  sm: SecretsManagerDouble,
  secretId: string,
  vmIds: string[],
  old: Deployed,
  next: Deployed,
  versionsBefore: number,
): Promise<void> {
  expect(next.tokenId).not.toBe(old.tokenId);
  const versions = sm.versions(secretId);
  expect(versions).toHaveLength(versionsBefore + 1);
  expect(versions.filter((v) => v.stages.includes('AWSCURRENT')).map((v) => v.versionId)).toEqual([versions.at(-1)!.versionId]);
  expect(fingerprintOf(sm.currentValue(secretId)!)).toBe(next.fingerprint);
  const tokens = await client.listTokens(old.configurationId);
  expect(tokens.active.map((t) => t.tokenId)).toEqual([next.tokenId]);
  expect(tokens.revoked.map((t) => t.tokenId)).toContain(old.tokenId);
  const { events } = await client.listActivity(old.configurationId);
  const revoked = events.find((e) => e.type === 'TOKEN_REVOKED' && e.tokenId === old.tokenId);
  expect(revoked).toBeDefined();
  for (const id of vmIds) {
    const moved = events.findIndex((e) => e.type === 'INSTANCE_TOKEN_CHANGED' && e.instanceId === id && e.tokenId === next.tokenId);
    expect({ id, movedBeforeRevoke: moved >= 0 && moved < events.indexOf(revoked!) }).toEqual({ id, movedBeforeRevoke: true });
  }
}

/** The resources of a local state file whose type starts with `aws_`, as JSON text. */
export function awsResourcesInState(stateFile: string): string {
  const state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { resources: { type: string }[] };
  return JSON.stringify(state.resources.filter((resource) => resource.type.startsWith('aws_')));
}

/** Every recorded call was SigV4-signed with the test key and named an emulated operation. */
export function expectOnlySignedKnownCalls(sm: SecretsManagerDouble): void {
  expect(sm.signatureFailures).toEqual([]);
  expect(sm.calls.filter((call) => call.accessKeyId !== TEST_ACCESS_KEY_ID)).toEqual([]);
  expect(sm.calls.filter((call) => call.status !== 200)).toEqual([]);
}
