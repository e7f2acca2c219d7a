/** Connection configurations over HTTP: create, list, read, change, delete. */
import { ApiPaths, ConnectionConfigurationPageSchema, ConnectionConfigurationSchema, ProblemTypes, TokenSchema } from '../../../src/api/schemas';
import { fingerprintOf } from '../../../src/api/fingerprint';
import { signedRequest, startInProcessEmulator, type InProcessEmulator } from '../../helpers/emulator';
import { createConfiguration, expectProblem, KUBERNETES_CONFIG, listTokens, REVERSE_PROXY_CONFIG } from './fixtures';

let emu: InProcessEmulator;
beforeEach(async () => {
  emu = await startInProcessEmulator();
});
afterEach(async () => {
  await emu.close();
});

test('creating a configuration answers 201 with the configuration and its automatically generated token', async () => {
  const created = await createConfiguration(emu, REVERSE_PROXY_CONFIG);

  expect(created.connectionConfiguration).toMatchObject({
    name: 'shop-proxy',
    description: 'edge proxy',
    deploymentType: 'REVERSE_PROXY',
    target: { host: 'origin.example.com', ports: [443], protocol: 'HTTPS' },
  });
  expect(created.connectionConfiguration.connectionConfigurationId).toMatch(/^ccfg_[0-9a-z]{16}$/);
  expect(created.token.tokenId).toMatch(/^tok_[0-9a-z]{16}$/);
  expect(created.token).toMatchObject({
    connectionConfigurationId: created.connectionConfiguration.connectionConfigurationId,
    status: 'ACTIVE',
    deploymentType: 'REVERSE_PROXY',
  });
  expect(created.token.value).toMatch(/^aap_[A-Za-z0-9_-]{43}$/);
  expect(created.token.fingerprint).toBe(fingerprintOf(created.token.value));

  const tokens = await listTokens(emu, created.connectionConfiguration.connectionConfigurationId);
  expect(tokens.active.map((t) => t.tokenId)).toEqual([created.token.tokenId]);
  expect(JSON.stringify(tokens)).not.toContain(created.token.value);
});

test('a target is refused for a KUBERNETES configuration, with a per-field validation error', async () => {
  const res = await signedRequest(emu, 'POST', ApiPaths.configurations(), {
    ...KUBERNETES_CONFIG,
    target: REVERSE_PROXY_CONFIG.target,
  });

  const problem = expectProblem(res, 400, ProblemTypes.validation);
  expect(problem.errors).toEqual([expect.objectContaining({ path: 'target', message: expect.stringMatching(/REVERSE_PROXY/) })]);
  expect((await emu.control.stats()).configurations).toBe(0);
});

test('an invalid body gets one error per invalid field', async () => {
  const res = await signedRequest(emu, 'POST', ApiPaths.configurations(), {
    name: '',
    deploymentType: 'VM',
    contractId: 'ctr_1',
    extra: true,
  });

  const problem = expectProblem(res, 400, ProblemTypes.validation);
  const paths = problem.errors!.map((e) => e.path);
  expect(paths).toEqual(expect.arrayContaining(['name', 'deploymentType', 'groupId']));
  expect(problem.errors!.some((e) => e.message.includes('extra'))).toBe(true);
});

test('a body that is not JSON is a validation problem', async () => {
  const res = await signedRequest(emu, 'POST', ApiPaths.configurations(), '{"name":');
  expectProblem(res, 400, ProblemTypes.validation);
});

test('configurations are listed page by page in creation order', async () => {
  const ids: string[] = [];
  for (const name of ['a', 'b', 'c']) {
    ids.push((await createConfiguration(emu, { ...KUBERNETES_CONFIG, name })).connectionConfiguration.connectionConfigurationId);
  }

  const page2 = await signedRequest(emu, 'GET', `${ApiPaths.configurations()}?page=2&pageSize=2`);
  expect(page2.status).toBe(200);
  const parsed = ConnectionConfigurationPageSchema.parse(page2.body);
  expect(parsed).toMatchObject({ page: 2, pageSize: 2, totalItems: 3 });
  expect(parsed.connectionConfigurations.map((c) => c.connectionConfigurationId)).toEqual([ids[2]]);

  const bad = await signedRequest(emu, 'GET', `${ApiPaths.configurations()}?pageSize=1000`);
  expect(expectProblem(bad, 400, ProblemTypes.validation).errors![0].path).toBe('query.pageSize');
});

test('a configuration can be read and changed; deployment type is immutable and target stays reverse-proxy only', async () => {
  const { connectionConfiguration: k8s } = await createConfiguration(emu);
  const id = k8s.connectionConfigurationId;

  const patched = await signedRequest(emu, 'PATCH', ApiPaths.configuration(id), { name: 'renamed', description: 'now described' });
  expect(patched.status).toBe(200);
  expect(ConnectionConfigurationSchema.parse(patched.body)).toMatchObject({ name: 'renamed', description: 'now described' });

  const cleared = await signedRequest(emu, 'PATCH', ApiPaths.configuration(id), { description: null });
  expect(ConnectionConfigurationSchema.parse(cleared.body).description).toBeUndefined();

  const withTarget = await signedRequest(emu, 'PATCH', ApiPaths.configuration(id), { target: REVERSE_PROXY_CONFIG.target });
  expect(expectProblem(withTarget, 400, ProblemTypes.validation).errors![0].path).toBe('target');

  const typeChange = await signedRequest(emu, 'PATCH', ApiPaths.configuration(id), { deploymentType: 'REVERSE_PROXY' });
  expectProblem(typeChange, 400, ProblemTypes.validation);

  const read = await signedRequest(emu, 'GET', ApiPaths.configuration(id));
  expect(ConnectionConfigurationSchema.parse(read.body)).toMatchObject({ name: 'renamed', deploymentType: 'KUBERNETES' });
});

test('an unknown configuration is 404 not-found; a malformed id is a validation problem', async () => {
  expectProblem(await signedRequest(emu, 'GET', ApiPaths.configuration('ccfg_0000000000000000')), 404, ProblemTypes.notFound);
  expectProblem(await signedRequest(emu, 'GET', ApiPaths.tokens('ccfg_0000000000000000')), 404, ProblemTypes.notFound);
  expectProblem(await signedRequest(emu, 'GET', ApiPaths.configuration('not-an-id')), 400, ProblemTypes.validation);
  expectProblem(await signedRequest(emu, 'GET', '/protector/v1/nothing-here'), 404, ProblemTypes.notFound);
});

test('deleting a configuration revokes all its tokens (CONFIGURATION_DELETED); its tokens still answer, the configuration is gone', async () => {
  const created = await createConfiguration(emu);
  const id = created.connectionConfiguration.connectionConfigurationId;
  const second = await signedRequest(emu, 'POST', ApiPaths.tokens(id));
  const secondId = TokenSchema.parse(second.body).tokenId;

  const deleted = await signedRequest(emu, 'DELETE', ApiPaths.configuration(id));
  expect(deleted.status).toBe(204);

  expectProblem(await signedRequest(emu, 'GET', ApiPaths.configuration(id)), 404, ProblemTypes.notFound);
  expectProblem(await signedRequest(emu, 'GET', ApiPaths.tokens(id)), 404, ProblemTypes.notFound);
  for (const tokenId of [created.token.tokenId, secondId]) {
    const token = await signedRequest(emu, 'GET', ApiPaths.token(id, tokenId));
    expect(token.status).toBe(200);
    expect(TokenSchema.parse(token.body)).toMatchObject({ status: 'REVOKED', revokeReason: 'CONFIGURATION_DELETED' });
  }
  const list = ConnectionConfigurationPageSchema.parse((await signedRequest(emu, 'GET', ApiPaths.configurations())).body);
  expect(list.totalItems).toBe(0);
  expect(await emu.control.stats()).toMatchObject({ configurations: 0, activeTokens: 0 });

  expectProblem(await signedRequest(emu, 'DELETE', ApiPaths.configuration(id)), 404, ProblemTypes.notFound);
});

test('a wrong method on a known path is 405 with Allow', async () => {
  const res = await signedRequest(emu, 'PUT', ApiPaths.configurations(), KUBERNETES_CONFIG);
  expect(res.status).toBe(405);
  expect(res.headers.get('allow')).toBe('POST, GET');
});

test('a target that names a port twice is refused with the field at fault', async () => {
  const answer = await signedRequest(emu, 'POST', ApiPaths.configurations(), {
    ...REVERSE_PROXY_CONFIG,
    target: { host: 'origin.example.com', ports: [443, 443], protocol: 'HTTPS' },
  });

  const problem = expectProblem(answer, 400, ProblemTypes.validation);
  expect(problem.errors).toEqual([expect.objectContaining({ path: 'target.ports', message: expect.stringMatching(/each port once/) })]);
});

test.each(['0x10', '1e1', '2.5', '-1', ''])('a page size of %j is not a whole number and is refused', async (pageSize) => {
  const answer = await signedRequest(emu, 'GET', `${ApiPaths.configurations()}?pageSize=${encodeURIComponent(pageSize)}`);

  expect(expectProblem(answer, 400, ProblemTypes.validation).errors![0].path).toBe('query.pageSize');
});
