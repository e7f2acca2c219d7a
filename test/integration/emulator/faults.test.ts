/** Test-only fault injection: latency, 503, 429 with Retry-After, dropped or held answers after a commit. */
import * as http from 'node:http';
import { ApiPaths, ProblemTypes } from '../../../src/api/schemas';
import { edgeGridAuthorization, signedRequest, startInProcessEmulator, type InProcessEmulator } from '../../helpers/emulator';
import { createConfiguration, expectProblem, listTokens } from './fixtures';

let emu: InProcessEmulator;
beforeEach(async () => {
  emu = await startInProcessEmulator();
});
afterEach(async () => {
  await emu.close();
});

test('added latency delays product requests, not the controls', async () => {
  await emu.control.setFaults({ latencyMs: 600 });

  const started = Date.now();
  expect((await signedRequest(emu, 'GET', ApiPaths.configurations())).status).toBe(200);
  expect(Date.now() - started).toBeGreaterThanOrEqual(590);

  const controlStarted = Date.now();
  await emu.control.stats();
  expect(Date.now() - controlStarted).toBeLessThan(500);
});

test('a share of 503: with rate 1 every product request fails before doing anything; controls still answer', async () => {
  await emu.control.setFaults({ serverErrorRate: 1 });

  const res = await signedRequest(emu, 'POST', ApiPaths.configurations(), { name: 'x', deploymentType: 'KUBERNETES', contractId: 'c', groupId: 'g' });

  expect(res.status).toBe(503);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(await emu.control.stats()).toMatchObject({ configurations: 0, productRequests: 1, faultsInjected: 1 });

  await emu.control.clearFaults();
  expect((await signedRequest(emu, 'GET', ApiPaths.configurations())).status).toBe(200);
});

test('a share of 429 carries Retry-After', async () => {
  await emu.control.setFaults({ rateLimitRate: 1, retryAfterSeconds: 7 });

  const res = await signedRequest(emu, 'GET', ApiPaths.configurations());

  expectProblem(res, 429, ProblemTypes.rateLimited);
  expect(res.headers.get('retry-after')).toBe('7');
});

test('a fractional share faults roughly that share of requests', async () => {
  await emu.control.setFaults({ serverErrorRate: 0.5 });
  const statuses: number[] = [];
  for (let i = 0; i < 60; i += 1) statuses.push((await signedRequest(emu, 'GET', ApiPaths.configurations())).status);
  const failed = statuses.filter((s) => s === 503).length;
  // Binomial(60, 0.5): outside 10..50 has a probability below 1e-7.
  expect(failed).toBeGreaterThan(10);
  expect(failed).toBeLessThan(50);
});

test('maxFaults bounds the faults and pathPattern limits which requests get them', async () => {
  await emu.control.setFaults({ serverErrorRate: 1, maxFaults: 2, pathPattern: '**/tokens' });
  const created = await createConfiguration(emu);
  const id = created.connectionConfiguration.connectionConfigurationId;

  const statuses = [];
  for (let i = 0; i < 3; i += 1) statuses.push((await signedRequest(emu, 'GET', ApiPaths.tokens(id))).status);

  expect(statuses).toEqual([503, 503, 200]);
  expect((await emu.control.stats()).faultsInjected).toBe(2);
});

test('a dropped connection after commit: the client gets no answer, but the change happened', async () => {
  const created = await createConfiguration(emu);
  const id = created.connectionConfiguration.connectionConfigurationId;
  await emu.control.setFaults({ dropAfterCommitRate: 1, maxFaults: 1 });

  const { url, authorization } = edgeGridAuthorization(emu, 'POST', ApiPaths.tokens(id), undefined);
  const outcome = await new Promise<string>((resolve) => {
    const req = http.request(url, {
      method: 'POST',
      headers: { Authorization: authorization, 'Idempotency-Key': 'dropped-once-1', 'Content-Type': 'application/json' },
    });
    req.on('response', (res) => resolve(`answered ${res.statusCode}`));
    req.on('error', (error: NodeJS.ErrnoException) => resolve(`error ${error.code}`));
    req.end();
  });

  expect(outcome).toBe('error ECONNRESET');
  expect((await listTokens(emu, id)).active).toHaveLength(2);
  expect(await emu.control.stats()).toMatchObject({ tokensGenerated: 2, faultsInjected: 1 });

  // The retry with the same key gets the committed token instead of a refusal or a duplicate.
  const retry = await signedRequest(emu, 'POST', ApiPaths.tokens(id), undefined, { headers: { 'Idempotency-Key': 'dropped-once-1' } });
  expect(retry.status).toBe(201);
  expect((await emu.control.stats()).tokensGenerated).toBe(2);
});

test('reads and refused changes are never dropped', async () => {
  const created = await createConfiguration(emu);
  const id = created.connectionConfiguration.connectionConfigurationId;
  await emu.control.setFaults({ dropAfterCommitRate: 1 });

  expect((await signedRequest(emu, 'GET', ApiPaths.tokens(id))).status).toBe(200);
  expectProblem(await signedRequest(emu, 'POST', ApiPaths.revokeToken(id, created.token.tokenId)), 409, ProblemTypes.lastActiveToken);
  expect((await emu.control.stats()).faultsInjected).toBe(0);
});

test('a held change is committed before its answer leaves; reads on the same path are not held and spend no fault', async () => {
  const created = await createConfiguration(emu);
  const id = created.connectionConfiguration.connectionConfigurationId;
  await emu.control.setFaults({ holdAfterCommitMs: 1500, pathPattern: '/protector/v1/connection-configurations/*/tokens', maxFaults: 1 });

  const read = Date.now();
  expect((await signedRequest(emu, 'GET', ApiPaths.tokens(id))).status).toBe(200);
  expect(Date.now() - read).toBeLessThan(1000);
  expect((await emu.control.stats()).faultsInjected).toBe(0);

  const started = Date.now();
  const generation = signedRequest(emu, 'POST', ApiPaths.tokens(id));
  // WHILE the answer is held, the token already exists
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect((await listTokens(emu, id)).active).toHaveLength(2);
  expect((await generation).status).toBe(201);
  expect(Date.now() - started).toBeGreaterThanOrEqual(1490);
  expect((await emu.control.stats()).faultsInjected).toBe(1);
});

test('an invalid fault plan is refused with a validation problem', async () => {
  const res = await fetch(`${emu.url}/_emulator/faults`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ serverErrorRate: 2 }),
  });
  expect(res.status).toBe(400);
  expect(((await res.json()) as { errors: { path: string }[] }).errors[0].path).toBe('serverErrorRate');
});
