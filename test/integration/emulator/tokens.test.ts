/** Token rules over HTTP: the 2-token cap, the last active token, revocation, values, idempotency, concurrency. */
import {
  ApiPaths,
  CreateConnectionConfigurationResponseSchema,
  ProblemTypes,
  TokenSchema,
  TokenValueResponseSchema,
  TokenWithValueSchema,
} from '../../../src/api/schemas';
import { signedRequest, startInProcessEmulator, type InProcessEmulator } from '../../helpers/emulator';
import { createConfiguration, expectProblem, generateToken, KUBERNETES_CONFIG, listTokens, REVERSE_PROXY_CONFIG, revokeToken } from './fixtures';

let emu: InProcessEmulator;
beforeEach(async () => {
  emu = await startInProcessEmulator();
});
afterEach(async () => {
  await emu.close();
});

test('a third active token is refused with 409 max-active-tokens listing the active ones, without values', async () => {
  const created = await createConfiguration(emu);
  const id = created.connectionConfiguration.connectionConfigurationId;
  const second = await generateToken(emu, id);

  const third = await signedRequest(emu, 'POST', ApiPaths.tokens(id));

  const problem = expectProblem(third, 409, ProblemTypes.maxActiveTokens);
  expect(problem.activeTokens!.map((t) => t.tokenId)).toEqual([created.token.tokenId, second.tokenId]);
  expect(third.text).not.toContain(created.token.value);
  expect(third.text).not.toContain(second.value);
  expect(third.text).not.toMatch(/"value"/);
  expect((await emu.control.stats()).tokensGenerated).toBe(2);
});

test('the only active token cannot be revoked (409 last-active-token)', async () => {
  const created = await createConfiguration(emu);
  const res = await revokeToken(emu, created.connectionConfiguration.connectionConfigurationId, created.token.tokenId);

  expectProblem(res, 409, ProblemTypes.lastActiveToken);
  const tokens = await listTokens(emu, created.connectionConfiguration.connectionConfigurationId);
  expect(tokens.active.map((t) => t.tokenId)).toEqual([created.token.tokenId]);
});

test('revoking marks the token REVOKED (MANUAL); revoking it again answers 200 unchanged', async () => {
  const created = await createConfiguration(emu);
  const id = created.connectionConfiguration.connectionConfigurationId;
  await generateToken(emu, id);

  const first = await revokeToken(emu, id, created.token.tokenId);
  expect(first.status).toBe(200);
  const revoked = TokenSchema.parse(first.body);
  expect(revoked).toMatchObject({ tokenId: created.token.tokenId, status: 'REVOKED', revokeReason: 'MANUAL' });
  expect(revoked.revokedAt).toBeDefined();

  const again = await revokeToken(emu, id, created.token.tokenId);
  expect(again.status).toBe(200);
  expect(TokenSchema.parse(again.body)).toEqual(revoked);
});

test('active tokens are listed oldest first; only the 3 most recently revoked are listed, newest first', async () => {
  const created = await createConfiguration(emu);
  const id = created.connectionConfiguration.connectionConfigurationId;
  // Rotate four times: each round generates a new token and revokes the previous one.
  const revokedInOrder: string[] = [];
  let current = created.token.tokenId;
  for (let round = 0; round < 4; round += 1) {
    const next = await generateToken(emu, id);
    expect((await revokeToken(emu, id, current)).status).toBe(200);
    revokedInOrder.push(current);
    current = next.tokenId;
  }
  const extra = await generateToken(emu, id);

  const tokens = await listTokens(emu, id);
  expect(tokens.active.map((t) => t.tokenId)).toEqual([current, extra.tokenId]);
  expect(tokens.revoked.map((t) => t.tokenId)).toEqual(revokedInOrder.slice(-3).reverse());
});

test('a token value is shown only for an active token (409 token-not-active otherwise)', async () => {
  const created = await createConfiguration(emu);
  const id = created.connectionConfiguration.connectionConfigurationId;
  await generateToken(emu, id);

  const shown = await signedRequest(emu, 'GET', ApiPaths.tokenValue(id, created.token.tokenId));
  expect(shown.status).toBe(200);
  expect(TokenValueResponseSchema.parse(shown.body)).toEqual({
    tokenId: created.token.tokenId,
    fingerprint: created.token.fingerprint,
    value: created.token.value,
  });

  await revokeToken(emu, id, created.token.tokenId);
  const refused = await signedRequest(emu, 'GET', ApiPaths.tokenValue(id, created.token.tokenId));
  expectProblem(refused, 409, ProblemTypes.tokenNotActive);
  expect(refused.text).not.toContain(created.token.value);
});

test('an unknown token is 404; a token of another configuration is not found under this one', async () => {
  const a = await createConfiguration(emu);
  const b = await createConfiguration(emu);
  const aId = a.connectionConfiguration.connectionConfigurationId;
  expectProblem(await signedRequest(emu, 'GET', ApiPaths.token(aId, 'tok_0000000000000000')), 404, ProblemTypes.notFound);
  expectProblem(await signedRequest(emu, 'GET', ApiPaths.token(aId, b.token.tokenId)), 404, ProblemTypes.notFound);
});

test("a token cannot be revoked or shown through another configuration's path", async () => {
  const a = await createConfiguration(emu);
  const b = await createConfiguration(emu);
  const aId = a.connectionConfiguration.connectionConfigurationId;
  const bId = b.connectionConfiguration.connectionConfigurationId;
  await generateToken(emu, bId);

  expectProblem(await revokeToken(emu, aId, b.token.tokenId), 404, ProblemTypes.notFound);
  const shown = await signedRequest(emu, 'GET', ApiPaths.tokenValue(aId, b.token.tokenId));
  expectProblem(shown, 404, ProblemTypes.notFound);
  expect(shown.text).not.toContain(b.token.value);
  expect((await listTokens(emu, bId)).active.map((t) => t.tokenId)).toContain(b.token.tokenId);
});

test('tokens carry the deployment type of their configuration', async () => {
  const proxy = await createConfiguration(emu, REVERSE_PROXY_CONFIG);
  const token = await generateToken(emu, proxy.connectionConfiguration.connectionConfigurationId);
  expect(token.deploymentType).toBe('REVERSE_PROXY');
});

describe('Idempotency-Key', () => {
  test('generating again with the same key returns the same token (201), even though two are now active', async () => {
    const created = await createConfiguration(emu);
    const id = created.connectionConfiguration.connectionConfigurationId;
    const first = await generateToken(emu, id, 'rotate-2026-12-01');

    const replay = await signedRequest(emu, 'POST', ApiPaths.tokens(id), undefined, { headers: { 'Idempotency-Key': 'rotate-2026-12-01' } });

    expect(replay.status).toBe(201);
    expect(TokenWithValueSchema.parse(replay.body)).toEqual(first);
    expect(await emu.control.stats()).toMatchObject({ tokensGenerated: 2, activeTokens: 2 });
  });

  test('a key whose token was revoked since answers 409 token-not-active and creates nothing', async () => {
    const created = await createConfiguration(emu);
    const id = created.connectionConfiguration.connectionConfigurationId;
    const first = await generateToken(emu, id, 'rotate-2026-12-01');
    await revokeToken(emu, id, first.tokenId);

    const replay = await signedRequest(emu, 'POST', ApiPaths.tokens(id), undefined, { headers: { 'Idempotency-Key': 'rotate-2026-12-01' } });

    expectProblem(replay, 409, ProblemTypes.tokenNotActive);
    expect((await emu.control.stats()).tokensGenerated).toBe(2);
  });

  test('the same key on another configuration is refused with 422 idempotency-key-reused', async () => {
    const a = await createConfiguration(emu);
    const b = await createConfiguration(emu);
    await generateToken(emu, a.connectionConfiguration.connectionConfigurationId, 'shared-key-123');

    const reused = await signedRequest(emu, 'POST', ApiPaths.tokens(b.connectionConfiguration.connectionConfigurationId), undefined, {
      headers: { 'Idempotency-Key': 'shared-key-123' },
    });

    expectProblem(reused, 422, ProblemTypes.idempotencyKeyReused);
    expect((await listTokens(emu, b.connectionConfiguration.connectionConfigurationId)).active).toHaveLength(1);
  });

  test('a malformed key is a validation problem naming the header', async () => {
    const created = await createConfiguration(emu);
    const res = await signedRequest(emu, 'POST', ApiPaths.tokens(created.connectionConfiguration.connectionConfigurationId), undefined, {
      headers: { 'Idempotency-Key': 'short' },
    });
    expect(expectProblem(res, 400, ProblemTypes.validation).errors![0].path).toBe('Idempotency-Key');
  });

  test('creating a configuration twice with the same key returns the same configuration and token', async () => {
    const headers = { 'Idempotency-Key': 'create-shop-k8s-1' };
    const first = await signedRequest(emu, 'POST', ApiPaths.configurations(), KUBERNETES_CONFIG, { headers });
    const replay = await signedRequest(emu, 'POST', ApiPaths.configurations(), KUBERNETES_CONFIG, { headers });

    expect([first.status, replay.status]).toEqual([201, 201]);
    expect(CreateConnectionConfigurationResponseSchema.parse(replay.body)).toEqual(CreateConnectionConfigurationResponseSchema.parse(first.body));
    expect(await emu.control.stats()).toMatchObject({ configurations: 1, tokensGenerated: 1 });

    const different = await signedRequest(emu, 'POST', ApiPaths.configurations(), { ...KUBERNETES_CONFIG, name: 'other' }, { headers });
    expectProblem(different, 422, ProblemTypes.idempotencyKeyReused);
  });

  test('a key is remembered for 24 hours, then a new token is generated', async () => {
    let now = Date.parse('2026-12-01T10:00:00Z');
    await emu.close();
    emu = await startInProcessEmulator({ clock: () => now });
    const created = await createConfiguration(emu);
    const id = created.connectionConfiguration.connectionConfigurationId;
    const first = await generateToken(emu, id, 'daily-key-0001');
    await revokeToken(emu, id, created.token.tokenId);

    now += 23 * 3600_000;
    expect((await generateToken(emu, id, 'daily-key-0001')).tokenId).toBe(first.tokenId);
    now += 2 * 3600_000;
    expect((await generateToken(emu, id, 'daily-key-0001')).tokenId).not.toBe(first.tokenId);
  });
});

test('two concurrent generates with one active token: exactly one succeeds', async () => {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const created = await createConfiguration(emu);
    const id = created.connectionConfiguration.connectionConfigurationId;

    const results = await Promise.all([
      signedRequest(emu, 'POST', ApiPaths.tokens(id)),
      signedRequest(emu, 'POST', ApiPaths.tokens(id)),
      signedRequest(emu, 'POST', ApiPaths.tokens(id)),
    ]);

    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect((await listTokens(emu, id)).active).toHaveLength(2);
  }
});

test('two concurrent revokes of the two active tokens: exactly one succeeds, one token stays active', async () => {
  const created = await createConfiguration(emu);
  const id = created.connectionConfiguration.connectionConfigurationId;
  const second = await generateToken(emu, id);

  const results = await Promise.all([revokeToken(emu, id, created.token.tokenId), revokeToken(emu, id, second.tokenId)]);

  expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  expect((await listTokens(emu, id)).active).toHaveLength(1);
});
