/**
 * `protector instance --aws-secret-id` as a real process: it reads its token from Secrets Manager
 * (the loopback test double, through the real AWS SDK v3 with SigV4), re-reads it every
 * `--aws-refresh-interval` so it follows a new version, and never logs a value.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { ProtectorClient, loadCredentials } from '../../../src/api';
import { type RunningEmulator, spawnEmulator } from '../../helpers/emulator';
import { startSecretsManagerDouble, TEST_ACCESS_KEY_ID, TEST_REGION, TEST_SECRET_ACCESS_KEY, type SecretsManagerDouble } from '../../helpers/secrets-manager-double';

jest.setTimeout(120_000);

const BIN = resolve(__dirname, '..', '..', '..', 'bin', 'protector');
let emu: RunningEmulator;
let sm: SecretsManagerDouble;
let client: ProtectorClient;
const children: ChildProcess[] = [];

beforeAll(async () => {
  [emu, sm] = await Promise.all([spawnEmulator(), startSecretsManagerDouble()]);
  client = new ProtectorClient({ credentials: loadCredentials({ edgerc: emu.edgercPath, section: emu.section, env: {} }) });
});
afterAll(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all([emu?.stop(), sm?.close()]);
});

/** AWS settings as a VM would have them, with nothing from the machine running the tests. */
const awsEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: TEST_SECRET_ACCESS_KEY, AWS_REGION: TEST_REGION };
  for (const name of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_SECRETS_MANAGER']) delete env[name];
  return { ...env, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };
};

function startInstance(args: string[], env: NodeJS.ProcessEnv = awsEnv()) {
  const child = spawn(process.execPath, [BIN, 'instance', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

async function reverseProxyConfiguration() {
  return client.createConnectionConfiguration({ name: `aws-${Date.now()}`, deploymentType: 'REVERSE_PROXY', contractId: 'c', groupId: 'g' });
}

const onToken = (configId: string, instanceId: string, tokenId: string) => async () =>
  (await client.listInstances(configId)).instances.find((i) => i.instanceId === instanceId && i.tokenId === tokenId);

test('reads the token from Secrets Manager with a SigV4-signed GetSecretValue and follows a new version', async () => {
  // GIVEN a secret holding the configuration's token
  const { connectionConfiguration, token: first } = await reverseProxyConfiguration();
  const configId = connectionConfiguration.connectionConfigurationId;
  const arn = sm.seedSecret(`protector/it-${Date.now()}`);
  sm.putSecretValue(arn, first.value);
  const callsBefore = sm.calls.length;

  // WHEN an instance reads it (by ARN), re-reading every 300 ms
  const instance = startInstance([
    '--endpoint',
    emu.url,
    '--aws-secret-id',
    arn,
    '--aws-endpoint',
    sm.url,
    '--aws-refresh-interval',
    '300ms',
    '--id',
    'vm-aws-1',
    '--deployment-type',
    'reverse_proxy',
    '--interval',
    '100ms',
  ]);
  await waitFor('the first heartbeat', onToken(configId, 'vm-aws-1', first.tokenId));
  // AND a new version of the secret holds a new token
  const second = await client.generateToken(configId);
  sm.putSecretValue(arn, second.value);

  // THEN the instance moves to it, without an authentication failure
  await waitFor('a heartbeat with the new token', onToken(configId, 'vm-aws-1', second.tokenId));
  await client.revokeToken(configId, first.tokenId);
  await new Promise((r) => setTimeout(r, 300));
  expect(await instance.stop()).toBe(0);
  const summary = JSON.parse(instance.stdout().trim()) as { authFailures: number; tokensUsed: string[] };
  expect(summary).toMatchObject({ authFailures: 0, tokensUsed: [first.fingerprint, second.fingerprint] });
  expect(instance.stderr()).toContain(`AWS secret changed: now using ${second.fingerprint}`);
  for (const value of [first.value, second.value]) expect(instance.stdout() + instance.stderr()).not.toContain(value);

  // AND the SDK called only GetSecretValue, signed for the test key, several times (the re-reads)
  const calls = sm.calls.slice(callsBefore);
  expect(new Set(calls.map((c) => c.operation))).toEqual(new Set(['GetSecretValue']));
  expect(calls.length).toBeGreaterThanOrEqual(3);
  expect(calls.every((c) => c.accessKeyId === TEST_ACCESS_KEY_ID && c.status === 200 && /aws-sdk-js/.test(c.userAgent))).toBe(true);
  expect(sm.signatureFailures).toEqual([]);
});

test('--no-follow reads the secret once and keeps that token', async () => {
  const { connectionConfiguration, token: first } = await reverseProxyConfiguration();
  const configId = connectionConfiguration.connectionConfigurationId;
  const name = `protector/stuck-${Date.now()}`;
  sm.seedSecret(name);
  sm.putSecretValue(name, first.value);
  const instance = startInstance([
    '--endpoint',
    emu.url,
    '--aws-secret-id',
    name,
    '--aws-endpoint',
    sm.url,
    '--aws-refresh-interval',
    '100ms',
    '--id',
    'vm-stuck',
    '--deployment-type',
    'reverse_proxy',
    '--interval',
    '100ms',
    '--no-follow',
  ]);
  await waitFor('the first heartbeat', onToken(configId, 'vm-stuck', first.tokenId));
  const second = await client.generateToken(configId);
  sm.putSecretValue(name, second.value);
  await new Promise((r) => setTimeout(r, 1500));
  expect(await instance.stop()).toBe(0);
  expect(JSON.parse(instance.stdout().trim())).toMatchObject({ authFailures: 0, tokensUsed: [first.fingerprint] });
  expect(instance.stderr()).toContain('not following the AWS Secrets Manager secret');
});

test('a missing secret, a wrong key and a missing region are usage errors that say what to change', async () => {
  const base = ['--endpoint', emu.url, '--aws-endpoint', sm.url, '--id', 'vm-x', '--deployment-type', 'reverse_proxy'];
  const missing = startInstance([...base, '--aws-secret-id', 'protector/does-not-exist']);
  expect(await missing.exited).toBe(2);
  expect(missing.stderr()).toMatch(/--aws-secret-id protector\/does-not-exist: the secret does not exist/);

  const wrongKey = startInstance([...base, '--aws-secret-id', 'protector/x'], { ...awsEnv(), AWS_ACCESS_KEY_ID: 'AKIAWRONGWRONGWRONG0' });
  expect(await wrongKey.exited).toBe(2);
  expect(wrongKey.stderr()).toMatch(/the AWS credentials are not valid for that endpoint/);

  const noRegion = { ...awsEnv() };
  delete noRegion.AWS_REGION;
  const regionless = startInstance([...base, '--aws-secret-id', 'protector/x'], noRegion);
  expect(await regionless.exited).toBe(2);
  expect(regionless.stderr()).toMatch(/needs a region: pass --aws-region or set AWS_REGION/);

  const both = startInstance([...base, '--aws-secret-id', 'protector/x', '--token-file', '/tmp/x']);
  expect(await both.exited).toBe(2);
  expect(both.stderr()).toMatch(/pass exactly one of --token-file PATH .* and --aws-secret-id ID/);
  for (const run of [missing, wrongKey, regionless, both]) expect(run.stderr()).not.toMatch(/\n\s+at /);
});

test('the test double refuses unsigned requests and signatures not made with the test secret', async () => {
  const failuresBefore = sm.signatureFailures.length;
  const post = (headers: Record<string, string>) =>
    fetch(sm.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue', ...headers },
      body: JSON.stringify({ SecretId: 'protector/x' }),
    });
  const unsigned = await post({});
  expect(unsigned.status).toBe(400);
  expect(await unsigned.json()).toMatchObject({ __type: 'IncompleteSignature' });

  const amzDate = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const forged = await post({
    'x-amz-date': amzDate,
    authorization: `AWS4-HMAC-SHA256 Credential=${TEST_ACCESS_KEY_ID}/${amzDate.slice(0, 8)}/${TEST_REGION}/secretsmanager/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`,
  });
  expect(forged.status).toBe(400);
  expect(await forged.json()).toMatchObject({ __type: 'InvalidSignatureException' });
  expect(sm.signatureFailures.length).toBe(failuresBefore + 2);
});
