/**
 * EdgeGrid: requests signed by the maintained `akamai-edgegrid` package are accepted; any
 * tampering with what was signed, a wrong secret or client, a stale timestamp or a replayed
 * nonce is refused with 401.
 */
import { ApiPaths, ProblemTypes } from '../../../src/api/schemas';
import { edgeGridAuthorization, sendRaw, signedRequest, startInProcessEmulator, type InProcessEmulator } from '../../helpers/emulator';
import { expectProblem, KUBERNETES_CONFIG } from './fixtures';

let emu: InProcessEmulator;
beforeAll(async () => {
  emu = await startInProcessEmulator();
});
afterAll(async () => {
  await emu.close();
});

const body = JSON.stringify(KUBERNETES_CONFIG);

test('a GET and a POST signed by akamai-edgegrid are accepted', async () => {
  expect((await signedRequest(emu, 'GET', `${ApiPaths.configurations()}?page=1&pageSize=5`)).status).toBe(200);
  expect((await signedRequest(emu, 'POST', ApiPaths.configurations(), body)).status).toBe(201);
});

test('a POST body over 128 KiB is signed on its first 131072 bytes, as akamai-edgegrid does', async () => {
  const huge = JSON.stringify({ ...KUBERNETES_CONFIG, description: 'x'.repeat(200_000) });
  const res = await signedRequest(emu, 'POST', ApiPaths.configurations(), huge);
  // Past authentication: refused for the over-long description, not for the signature.
  expect(expectProblem(res, 400, ProblemTypes.validation).errors![0].path).toBe('description');
});

test('a request without an EdgeGrid signature is 401', async () => {
  const res = await sendRaw(`${emu.url}${ApiPaths.configurations()}`, 'GET', {});
  expectProblem(res, 401, ProblemTypes.unauthorized);
});

test('a changed body is refused', async () => {
  const { url, authorization } = edgeGridAuthorization(emu, 'POST', ApiPaths.configurations(), body);
  const tampered = body.replace('shop-k8s', 'shop-k9s');
  const res = await sendRaw(url, 'POST', { Authorization: authorization }, tampered);
  expect(expectProblem(res, 401, ProblemTypes.unauthorized).detail).toMatch(/signature does not match/);
  expect((await emu.control.stats()).configurations).toBe(1);
});

test('a changed path or query is refused', async () => {
  const signed = edgeGridAuthorization(emu, 'GET', `${ApiPaths.configurations()}?page=1`, undefined);
  const otherQuery = await sendRaw(`${emu.url}${ApiPaths.configurations()}?page=2`, 'GET', { Authorization: signed.authorization });
  expectProblem(otherQuery, 401, ProblemTypes.unauthorized);

  const signed2 = edgeGridAuthorization(emu, 'GET', ApiPaths.configurations(), undefined);
  const otherPath = await sendRaw(`${emu.url}${ApiPaths.configuration('ccfg_0000000000000000')}`, 'GET', {
    Authorization: signed2.authorization,
  });
  expectProblem(otherPath, 401, ProblemTypes.unauthorized);
});

test('a changed method is refused', async () => {
  const { url, authorization } = edgeGridAuthorization(emu, 'GET', ApiPaths.configuration('ccfg_0000000000000000'), undefined);
  expectProblem(await sendRaw(url, 'DELETE', { Authorization: authorization }), 401, ProblemTypes.unauthorized);
});

test('a signature made with another client secret is refused', async () => {
  const res = await signedRequest(emu, 'GET', ApiPaths.configurations(), undefined, {
    credentials: { clientSecret: Buffer.alloc(32, 7).toString('base64') },
  });
  expect(expectProblem(res, 401, ProblemTypes.unauthorized).detail).toMatch(/signature does not match/);
});

test('an unknown client token or a foreign access token is refused', async () => {
  const unknownClient = await signedRequest(emu, 'GET', ApiPaths.configurations(), undefined, {
    credentials: { clientToken: 'akab-unknown-client-0000' },
  });
  expect(expectProblem(unknownClient, 401, ProblemTypes.unauthorized).detail).toMatch(/Unknown client_token/);

  const otherAccess = await signedRequest(emu, 'GET', ApiPaths.configurations(), undefined, {
    credentials: { accessToken: 'akab-other-access-0000' },
  });
  expectProblem(otherAccess, 401, ProblemTypes.unauthorized);
});

test('a timestamp more than 5 minutes off is refused; within the window it is accepted', async () => {
  const stale = await signedRequest(emu, 'GET', ApiPaths.configurations(), undefined, { signedAtMs: Date.now() - 6 * 60_000 });
  expect(expectProblem(stale, 401, ProblemTypes.unauthorized).detail).toMatch(/more than 5 minutes/);

  const future = await signedRequest(emu, 'GET', ApiPaths.configurations(), undefined, { signedAtMs: Date.now() + 6 * 60_000 });
  expectProblem(future, 401, ProblemTypes.unauthorized);

  const slightlyOld = await signedRequest(emu, 'GET', ApiPaths.configurations(), undefined, { signedAtMs: Date.now() - 2 * 60_000 });
  expect(slightlyOld.status).toBe(200);
});

test('replaying a signed request (same nonce) is refused', async () => {
  const { url, authorization } = edgeGridAuthorization(emu, 'GET', ApiPaths.configurations(), undefined);
  expect((await sendRaw(url, 'GET', { Authorization: authorization })).status).toBe(200);
  const replay = await sendRaw(url, 'GET', { Authorization: authorization });
  expect(expectProblem(replay, 401, ProblemTypes.unauthorized).detail).toMatch(/nonce/);
});

test('refusals never echo the signature or the client secret', async () => {
  const { url, authorization } = edgeGridAuthorization(emu, 'POST', ApiPaths.configurations(), body);
  const res = await sendRaw(url, 'POST', { Authorization: authorization }, `${body} `);
  expect(res.status).toBe(401);
  expect(res.text).not.toContain(authorization.split('signature=')[1]);
  expect(res.text).not.toContain(emu.credentials.clientSecret);
});
