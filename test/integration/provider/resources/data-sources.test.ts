import { connectionConfigurationResource } from '../../../../src/provider/resources/connection-configuration';
import { instancesDataSource } from '../../../../src/provider/resources/instances-data-source';
import { tokensDataSource } from '../../../../src/provider/resources/tokens-data-source';
import type { Model } from '../../../../src/provider/framework/types';
import { sendHeartbeat, signedRequest } from '../../../helpers/emulator';
import { expectNoErrors, startHarness, type Harness } from './harness';

let harness: Harness;
let configId: string;
beforeAll(async () => {
  harness = await startHarness();
  const { state } = await harness.converge(connectionConfigurationResource, null, {
    id: null,
    created_at: null,
    name: 'data-sources',
    description: null,
    deployment_type: 'kubernetes',
    contract_id: 'ctr_1',
    group_id: 'grp_1',
    target: null,
  });
  configId = state!.id as string;
});
afterAll(async () => {
  await harness.close();
});

function query(id: string): Model {
  return { connection_configuration_id: id, id: null, active: null, revoked: null, instances: null };
}

test('protector_tokens lists active and revoked tokens with fingerprints and revoke reasons, never values', async () => {
  // GIVEN a second token, then the first revoked by hand
  const [initial] = (await harness.deps.api.listTokens(configId)).active;
  const second = await harness.deps.api.generateToken(configId);
  await harness.deps.api.revokeToken(configId, initial!.tokenId);

  const result = await harness.readData(tokensDataSource, query(configId));
  expectNoErrors(harness.last);
  expect(result).toEqual({
    connection_configuration_id: configId,
    id: configId,
    active: [
      {
        id: second.tokenId,
        fingerprint: second.fingerprint,
        status: 'ACTIVE',
        deployment_type: 'kubernetes',
        created_at: second.createdAt,
        revoked_at: null,
        revoke_reason: null,
      },
    ],
    revoked: [expect.objectContaining({ id: initial!.tokenId, status: 'REVOKED', revoke_reason: 'MANUAL', revoked_at: expect.any(String) })],
  });
  expect(JSON.stringify(result)).not.toContain(second.value);
  expect(harness.everythingSaid()).not.toContain(second.value);
});

test('protector_instances shows each instance with the token it uses', async () => {
  const token = await harness.deps.api.generateToken(configId);
  const beat = await sendHeartbeat(harness.emulator, token.value, { instanceId: 'node-a', deploymentType: 'KUBERNETES', version: '1.2.3' });
  expect(beat.status).toBe(200);

  const result = await harness.readData(instancesDataSource, query(configId));
  expectNoErrors(harness.last);
  expect(result?.instances).toEqual([
    {
      id: 'node-a',
      token_id: token.tokenId,
      token_fingerprint: token.fingerprint,
      version: '1.2.3',
      last_heartbeat_at: expect.any(String),
      status: 'GOOD',
    },
  ]);
});

test('a malformed configuration id is rejected at validation with the attribute path', () => {
  const items = harness.validate(tokensDataSource, query('my-config'));
  expect(items).toEqual([expect.objectContaining({ severity: 'error', path: ['connection_configuration_id'] })]);
  expect(items[0]!.detail).toMatch(/expected a connection configuration id such as "ccfg_8h2k4m9x1q", got "my-config"/);
});

test('a configuration that does not exist is an error that says so', async () => {
  const gone = await signedRequest(harness.emulator, 'GET', '/protector/v1/connection-configurations/ccfg_doesnotexist00/tokens');
  expect(gone.status).toBe(404);
  await harness.readData(instancesDataSource, query('ccfg_doesnotexist00'));
  expect(harness.last).toEqual([expect.objectContaining({ severity: 'error' })]);
  expect(harness.last[0]!.detail).toMatch(/ccfg_doesnotexist00/);
});
