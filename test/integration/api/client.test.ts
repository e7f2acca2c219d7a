/**
 * The client against the real emulator over HTTP on 127.0.0.1: every method round-trips, every
 * product rule arrives as its typed error, and EdgeGrid signatures made by akamai-edgegrid (the
 * client's signer) are accepted while a wrong secret is refused.
 */
import { randomUUID } from 'node:crypto';
import {
  type ApiLogEvent,
  DeploymentTypeMismatchError,
  IdempotencyKeyReusedError,
  InvalidIdempotencyKeyError,
  LastActiveTokenError,
  MaxActiveTokensError,
  NotFoundError,
  ProtectorClient,
  TokenNotActiveError,
  UnauthorizedError,
  ValidationError,
  fingerprintOf,
  loadCredentials,
  sendHeartbeat,
} from '../../../src/api';
import { type InProcessEmulator, spawnEmulator, startInProcessEmulator } from '../../helpers/emulator';

let emu: InProcessEmulator;
let events: ApiLogEvent[];
let client: ProtectorClient;

beforeAll(async () => {
  emu = await startInProcessEmulator();
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  events = [];
  client = new ProtectorClient({
    credentials: loadCredentials({ edgerc: emu.edgercPath, section: emu.section, env: {} }),
    logger: (event) => events.push(event),
  });
});

function kubernetesConfig(name = `k8s-${randomUUID().slice(0, 8)}`) {
  return client.createConnectionConfiguration({ name, deploymentType: 'KUBERNETES', contractId: 'ctr_1', groupId: 'grp_1' });
}

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

describe('round trips', () => {
  test('configuration lifecycle: create, list, get, update, delete', async () => {
    const created = await client.createConnectionConfiguration({
      name: 'edge proxy',
      description: 'first',
      deploymentType: 'REVERSE_PROXY',
      contractId: 'ctr_1',
      groupId: 'grp_1',
      target: { host: 'origin.example.com', ports: [443], protocol: 'HTTPS' },
    });
    const configId = created.connectionConfiguration.connectionConfigurationId;
    expect(created.connectionConfiguration).toMatchObject({ name: 'edge proxy', deploymentType: 'REVERSE_PROXY' });
    expect(created.token).toMatchObject({ status: 'ACTIVE', fingerprint: fingerprintOf(created.token.value) });

    const page = await client.listConnectionConfigurations({ page: 1, pageSize: 100 });
    expect(page.connectionConfigurations.map((c) => c.connectionConfigurationId)).toContain(configId);
    expect(page.pageSize).toBe(100);

    expect(await client.getConnectionConfiguration(configId)).toEqual(created.connectionConfiguration);

    const updated = await client.updateConnectionConfiguration(configId, { name: 'edge proxy 2', description: null });
    expect(updated.name).toBe('edge proxy 2');
    expect(updated.description).toBeUndefined();

    await client.deleteConnectionConfiguration(configId);
    expect(await rejectionOf(client.getConnectionConfiguration(configId))).toBeInstanceOf(NotFoundError);

    expect(events.map((e) => `${e.method} ${e.status}`)).toEqual(['POST 201', 'GET 200', 'GET 200', 'PATCH 200', 'DELETE 204', 'GET 404']);
    // A first attempt that finds nothing is still an error: only a retry may assume it was done.
    expect(await rejectionOf(client.deleteConnectionConfiguration(configId))).toBeInstanceOf(NotFoundError);
  });

  test('token lifecycle: list, get, show value, generate, revoke, heartbeat, instances, activity', async () => {
    const { connectionConfiguration, token: first } = await kubernetesConfig();
    const configId = connectionConfiguration.connectionConfigurationId;

    expect((await client.listTokens(configId)).active.map((t) => t.tokenId)).toEqual([first.tokenId]);
    expect(await client.getToken(configId, first.tokenId)).toMatchObject({ tokenId: first.tokenId, status: 'ACTIVE' });
    expect((await client.getTokenValue(configId, first.tokenId)).value).toBe(first.value);

    const second = await client.generateToken(configId);
    expect(second.fingerprint).toBe(fingerprintOf(second.value));

    const beat = await sendHeartbeat(emu.url, second.value, { instanceId: 'pod-1', deploymentType: 'KUBERNETES', version: '1.2.3' });
    expect(beat).toEqual({ connectionConfigurationId: configId, tokenId: second.tokenId });

    const revoked = await client.revokeToken(configId, first.tokenId);
    expect(revoked).toMatchObject({ status: 'REVOKED', revokeReason: 'MANUAL' });
    // Revoking again is safe (what a retry after a lost answer does).
    expect((await client.revokeToken(configId, first.tokenId)).status).toBe('REVOKED');

    const tokens = await client.listTokens(configId);
    expect(tokens.active.map((t) => t.tokenId)).toEqual([second.tokenId]);
    expect(tokens.revoked.map((t) => t.tokenId)).toEqual([first.tokenId]);

    const { instances } = await client.listInstances(configId);
    expect(instances).toEqual([expect.objectContaining({ instanceId: 'pod-1', tokenId: second.tokenId, tokenFingerprint: second.fingerprint, version: '1.2.3' })]);

    const types = (await client.listActivity(configId)).events.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['CONFIGURATION_CREATED', 'TOKEN_GENERATED', 'TOKEN_REVOKED', 'INSTANCE_FIRST_SEEN']));
  });

  test('the same idempotency key returns the same token, never a second one', async () => {
    const configId = (await kubernetesConfig()).connectionConfiguration.connectionConfigurationId;
    const before = (await emu.control.stats()).tokensGenerated;
    const key = `rotation-${randomUUID()}`;
    const a = await client.generateToken(configId, { idempotencyKey: key });
    const b = await client.generateToken(configId, { idempotencyKey: key });
    expect(b.tokenId).toBe(a.tokenId);
    expect((await emu.control.stats()).tokensGenerated).toBe(before + 1);
  });
});

describe('product rules arrive as typed errors', () => {
  test('a third active token is refused with the two active ones listed', async () => {
    const { connectionConfiguration, token: first } = await kubernetesConfig();
    const configId = connectionConfiguration.connectionConfigurationId;
    const second = await client.generateToken(configId);

    const error = await rejectionOf(client.generateToken(configId));
    expect(error).toBeInstanceOf(MaxActiveTokensError);
    const capError = error as MaxActiveTokensError;
    expect(capError.status).toBe(409);
    expect(capError.activeTokens.map((t) => t.tokenId)).toEqual([first.tokenId, second.tokenId]);
    expect(capError.message).toContain(`${first.tokenId} (${first.fingerprint}, created`);
    expect(capError.message).toContain(`${second.tokenId} (${second.fingerprint}, created`);
    expect(capError.message).toMatch(/Revoke the one no instance uses/);
    expect(capError.message).not.toContain(first.value);
    // Not retried: a rule is not a transient failure.
    expect(events.filter((e) => e.method === 'POST' && e.status === 409)).toHaveLength(1);
  });

  test('the only active token cannot be revoked', async () => {
    const { connectionConfiguration, token } = await kubernetesConfig();
    const error = await rejectionOf(client.revokeToken(connectionConfiguration.connectionConfigurationId, token.tokenId));
    expect(error).toBeInstanceOf(LastActiveTokenError);
    expect(error.message).toContain(`${token.tokenId} is the only active token`);
    expect(error.message).toMatch(/Generate a new token first/);
  });

  test('a revoked token has no value to show', async () => {
    const { connectionConfiguration, token } = await kubernetesConfig();
    const configId = connectionConfiguration.connectionConfigurationId;
    await client.generateToken(configId);
    await client.revokeToken(configId, token.tokenId);
    expect(await rejectionOf(client.getTokenValue(configId, token.tokenId))).toBeInstanceOf(TokenNotActiveError);
  });

  test('unknown ids are NotFoundError naming what is missing', async () => {
    const error = await rejectionOf(client.getToken('ccfg_doesnotexist0', 'tok_doesnotexist0'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toContain('ccfg_doesnotexist0');
  });

  test('an invalid request is a ValidationError with the field', async () => {
    const error = await rejectionOf(
      client.createConnectionConfiguration({
        name: 'k8s',
        deploymentType: 'KUBERNETES',
        contractId: 'ctr_1',
        groupId: 'grp_1',
        target: { host: 'origin.example.com', ports: [443], protocol: 'HTTPS' },
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors.map((e) => e.path)).toContain('target');
  });

  test('an idempotency key reused for a different request is refused', async () => {
    const key = `create-${randomUUID()}`;
    const base = { deploymentType: 'KUBERNETES' as const, contractId: 'ctr_1', groupId: 'grp_1' };
    await client.createConnectionConfiguration({ ...base, name: 'one' }, { idempotencyKey: key });
    const error = await rejectionOf(client.createConnectionConfiguration({ ...base, name: 'two' }, { idempotencyKey: key }));
    expect(error).toBeInstanceOf(IdempotencyKeyReusedError);
    expect(error.message).toMatch(/Use a new key/);
  });

  test('an idempotency key the API would refuse is caught before sending', async () => {
    const configId = (await kubernetesConfig()).connectionConfiguration.connectionConfigurationId;
    const error = await rejectionOf(client.generateToken(configId, { idempotencyKey: 'short' }));
    expect(error).toBeInstanceOf(InvalidIdempotencyKeyError);
  });

  test('heartbeats: a revoked token is unauthorized, a token of the other deployment type is refused', async () => {
    const { connectionConfiguration, token } = await kubernetesConfig();
    const configId = connectionConfiguration.connectionConfigurationId;

    const mismatch = await rejectionOf(sendHeartbeat(emu.url, token.value, { instanceId: 'vm-1', deploymentType: 'REVERSE_PROXY', version: '1' }));
    expect(mismatch).toBeInstanceOf(DeploymentTypeMismatchError);
    expect(mismatch.message).toContain(token.fingerprint);

    await client.generateToken(configId);
    await client.revokeToken(configId, token.tokenId);
    const refused = await rejectionOf(sendHeartbeat(emu.url, token.value, { instanceId: 'pod-1', deploymentType: 'KUBERNETES', version: '1' }));
    expect(refused).toBeInstanceOf(UnauthorizedError);
    expect(refused.message).toContain(token.fingerprint);
    expect(refused.message).not.toContain(token.value);
  });
});

describe('EdgeGrid', () => {
  test('a request signed with the wrong secret is refused as UnauthorizedError', async () => {
    const credentials = loadCredentials({ edgerc: emu.edgercPath, section: emu.section, env: {} });
    const wrong = new ProtectorClient({ credentials: { ...credentials, clientSecret: Buffer.from('not the secret at all').toString('base64') } });
    const error = await rejectionOf(wrong.listConnectionConfigurations());
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error.message).toMatch(/EdgeGrid signature/);
  });

  test('a spawned `protector emulator` accepts the client with the credentials it wrote', async () => {
    const spawned = await spawnEmulator();
    try {
      const viaEnv = new ProtectorClient({
        // Nothing named and no ~/.edgerc: the AKAMAI_* variables are the credentials.
        credentials: loadCredentials({
          env: {
            HOME: `${spawned.edgercPath}.absent-home`,
            AKAMAI_HOST: spawned.credentials.host,
            AKAMAI_CLIENT_TOKEN: spawned.credentials.clientToken,
            AKAMAI_CLIENT_SECRET: spawned.credentials.clientSecret,
            AKAMAI_ACCESS_TOKEN: spawned.credentials.accessToken,
          },
        }),
      });
      const created = await viaEnv.createConnectionConfiguration({ name: 'spawned', deploymentType: 'KUBERNETES', contractId: 'c', groupId: 'g' });
      const viaFile = new ProtectorClient({ credentials: loadCredentials({ edgerc: spawned.edgercPath, section: spawned.section, env: {} }) });
      const got = await viaFile.getConnectionConfiguration(created.connectionConfiguration.connectionConfigurationId);
      expect(got.name).toBe('spawned');
    } finally {
      await spawned.stop();
    }
  });
});
