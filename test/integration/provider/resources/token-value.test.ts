/**
 * protector_token_value (ephemeral): opened the way Terraform opens it, against the in-process
 * emulator: the value of an active token, and clear errors for a missing or revoked one.
 */
import { connectionConfigurationResource } from '../../../../src/provider/resources/connection-configuration';
import { tokenResource } from '../../../../src/provider/resources/token';
import { tokenValueEphemeralResource as resource } from '../../../../src/provider/resources/token-value';
import { Unknown, type Model } from '../../../../src/provider/framework/types';
import { expectNoErrors, startHarness, type Harness } from './harness';

let harness: Harness;
let configId: string;
beforeAll(async () => {
  harness = await startHarness();
  const configuration = await harness.converge(connectionConfigurationResource, null, {
    id: null,
    created_at: null,
    name: 'ephemeral',
    description: null,
    deployment_type: 'kubernetes',
    contract_id: 'ctr_1',
    group_id: 'grp_1',
    target: null,
  });
  configId = configuration.state!.id as string;
});
afterAll(async () => {
  await harness.close();
});

const config = (tokenId: Model[string], overrides: Partial<Model> = {}): Model => ({
  connection_configuration_id: configId,
  token_id: tokenId,
  value: null,
  fingerprint: null,
  ...overrides,
});

async function newToken(keeper: string): Promise<Model> {
  const { state } = await harness.converge(tokenResource, null, {
    id: null,
    connection_configuration_id: configId,
    rotation_period: null,
    keepers: { k: keeper },
    drain_timeout: null,
    require_drain: false,
    store_value: null,
    value: null,
    fingerprint: null,
    created_at: null,
    rotate_after: null,
  });
  return state!;
}

test('opens with the value and fingerprint of an active token, and says neither value nor secret anywhere else', async () => {
  // GIVEN a token managed by protector_token
  const token = await newToken('a');
  const expected = await harness.deps.api.getTokenValue(configId, token.id as string);
  // WHEN Terraform opens the ephemeral resource for it
  const result = await harness.open(resource, config(token.id));
  // THEN the result holds the value and the token's fingerprint
  expectNoErrors(harness.last);
  expect(result).toEqual(config(token.id, { value: expected.value, fingerprint: token.fingerprint }));
  // AND nothing the provider logged or said holds the value
  expect(harness.everythingSaid()).not.toContain(expected.value);
  expect(harness.logs.some((line) => line.message === 'read token value' && line.fields?.fingerprint === token.fingerprint)).toBe(true);
});

test('a revoked token is a "Token Revoked" error on token_id that says what to do', async () => {
  // GIVEN a token revoked outside Terraform (a second token exists, so the API allows it)
  const revoked = await newToken('b');
  await newToken('c');
  await harness.deps.api.revokeToken(configId, revoked.id as string);
  // WHEN it is opened
  const result = await harness.open(resource, config(revoked.id));
  // THEN it fails clearly, on the token_id attribute
  expect(result).toBeNull();
  expect(harness.last).toEqual([
    expect.objectContaining({ severity: 'error', summary: 'Token Revoked', path: ['token_id'], detail: expect.stringContaining('plans a new token') }),
  ]);
});

test('a token that does not exist is a "Token Not Found" error on token_id', async () => {
  const result = await harness.open(resource, config('tok_0000000000'));
  expect(result).toBeNull();
  expect(harness.last).toEqual([
    expect.objectContaining({ severity: 'error', summary: 'Token Not Found', path: ['token_id'], detail: expect.stringContaining('protector_token.NAME.id') }),
  ]);
});

test('a config still unknown (a rotation in the plan) gives unknown results without calling the API', async () => {
  const before = harness.logs.length;
  const result = await harness.open(resource, config(Unknown));
  expectNoErrors(harness.last);
  expect(result).toEqual(config(Unknown, { value: Unknown, fingerprint: Unknown }));
  expect(harness.logs.slice(before).some((line) => line.message === 'read token value')).toBe(false);
});

test('validation names a malformed id and echoes no long string', () => {
  const diagnostics = harness.validate(resource, config('not-a-token', { connection_configuration_id: 'ccfg_bad!' }));
  expect(diagnostics.map((d) => d.path)).toEqual([['connection_configuration_id'], ['token_id']]);
  expect(diagnostics.every((d) => d.summary === 'Invalid Attribute Value')).toBe(true);
});
