/**
 * Property-based fuzzing of the emulator over real loopback HTTP (issue 9): generated hostile
 * requests (bad bodies, hostile strings, wrong content types, hostile headers and queries, bad
 * paths) each get a clear 4xx problem+json, never a 5xx; nothing echoes a secret; the
 * emulator keeps its state and still serves a valid request afterwards.
 */
import * as http from 'node:http';
import fc from 'fast-check';
import { ApiPaths, PROBLEM_CONTENT_TYPE, ProblemSchema, type CreateConnectionConfigurationRequest } from '../../../src/api/schemas';
import { startEmulator, type RunningEmulator } from '../../../src/emulator';
import { edgeGridAuthorization, sendHeartbeat, signedRequest } from '../../helpers/emulator';
import { createConfiguration, REVERSE_PROXY_CONFIG } from './fixtures';

/** More with FUZZ_RUNS=3000 when hunting. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const REQUEST_TIMEOUT_MS = 15_000;

let emu: RunningEmulator;
const log: string[] = [];
let configId: string;
let tokenId: string;
let tokenValue: string;
let secrets: string[];

beforeAll(async () => {
  emu = await startEmulator({ log: (line) => log.push(line) });
  const created = await createConfiguration(emu, REVERSE_PROXY_CONFIG);
  configId = created.connectionConfiguration.connectionConfigurationId;
  tokenId = created.token.tokenId;
  tokenValue = created.token.value;
  secrets = [tokenValue, emu.credentials.clientSecret, emu.credentials.accessToken, emu.credentials.clientToken];
});
afterAll(async () => {
  await emu.close();
});

interface HostileRequest {
  /** What makes it hostile, for the failure message. */
  defect: string;
  method: string;
  pathAndQuery: string;
  /** Sign with EdgeGrid (so the request gets past authentication to the part under test). */
  signed: boolean;
  headers: Record<string, string>;
  body?: string;
}

interface Answer {
  status: number;
  contentType: string | undefined;
  text: string;
}

// ---- hostile values --------------------------------------------------------------------------

/** Characters a name must never hold: controls, ANSI escapes, bidi overrides, invisible format characters. */
const hiddenCharacter = fc.constantFrom(
  '\u0000',
  '\u0007',
  '\u001b[31m',
  '\u001b]8;;http://evil.example\u0007',
  '\n',
  '\r',
  '\t',
  '\u007f',
  '\u0085',
  '\u200b',
  '\u200d',
  '\u200e',
  '\u202a',
  '\u202e',
  '\u2066',
  '\u2069',
  '\u2028',
  '\ufeff',
  '\ud800',
  '\u{e0041}',
);

/** Any text with at least one hidden character somewhere in it. */
const hostileText = fc
  .tuple(fc.string({ unit: 'binary', maxLength: 20 }), hiddenCharacter, fc.string({ unit: 'binary', maxLength: 20 }))
  .map(([before, hidden, after]) => `${before}${hidden}${after}`);

const hostileHost = fc.oneof(
  fc.constantFrom('-.-', '...', 'a..b', '-a.example', 'a-.example', '999.1.1.1', '10.0.0', 'exa_mple.com', 'origin.example.', 'a b', '', 'x'.repeat(64) + '.com'),
  fc.stringMatching(/^[.-]{1,12}$/),
  hostileText,
);

const wrongType = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.object({ maxDepth: 1 }));

/** A create request with exactly one field made hostile. */
const hostileCreateBody: fc.Arbitrary<[string, unknown]> = fc.oneof(
  fc
    .tuple(fc.constantFrom('name', 'description', 'contractId', 'groupId'), hostileText)
    .map(([field, value]): [string, unknown] => [`hostile ${field}`, { ...REVERSE_PROXY_CONFIG, [field]: value }]),
  hostileHost.map((host): [string, unknown] => ['hostile target host', { ...REVERSE_PROXY_CONFIG, target: { ...REVERSE_PROXY_CONFIG.target!, host } }]),
  fc
    .tuple(fc.constantFrom('name', 'description', 'contractId', 'groupId', 'deploymentType', 'target'), wrongType)
    .map(([field, value]): [string, unknown] => [`${field} of the wrong type`, { ...REVERSE_PROXY_CONFIG, [field]: value }]),
  fc
    .array(fc.oneof(fc.integer({ min: -70_000, max: 0 }), fc.integer({ min: 65_536, max: 1e9 })), { minLength: 1, maxLength: 4 })
    .map((ports): [string, unknown] => ['ports out of range', { ...REVERSE_PROXY_CONFIG, target: { ...REVERSE_PROXY_CONFIG.target!, ports } }]),
  fc
    .tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), fc.jsonValue({ maxDepth: 2 }))
    .filter(([key]) => !(key in REVERSE_PROXY_CONFIG))
    .map(([key, value]): [string, unknown] => ['an unknown field', { ...REVERSE_PROXY_CONFIG, [key]: value }]),
  fc.constant<[string, unknown]>(['a secret as an unknown field name', 'SECRET_KEY']),
  fc
    .jsonValue({ maxDepth: 3 })
    .filter((v) => v === null || typeof v !== 'object' || Array.isArray(v))
    .map((v): [string, unknown] => ['not an object', v]),
);

const invalidJson = fc
  .string({ unit: 'binary', maxLength: 60 })
  .map((text) => `{${text}`)
  .filter((text) => {
    try {
      JSON.parse(text);
      return false;
    } catch {
      return true;
    }
  });

const wrongContentType = fc.oneof(
  fc.constantFrom(
    'text/plain',
    'text/plain;charset=UTF-8',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=xyz',
    'application/json; charset=latin1',
    'application/jsonx',
    'text/json',
    'application/problem+json',
    '*/*',
  ),
  fc.stringMatching(/^[a-z]{1,10}\/[a-z+.-]{1,12}$/).filter((type) => type !== 'application/json'),
);

/**
 * A header carries Latin-1 only, and Node refuses to send controls: the text goes as its UTF-8
 * bytes, controls replaced by "!" (still outside the key alphabet, so the key stays malformed).
 */
function headerSafe(text: string): string {
  return Buffer.from(text, 'utf8')
    .toString('latin1')
    .replace(/[^\t\x20-\x7e\x80-\xff]/g, '!');
}

/** Percent-encodes every byte, so any text (lone surrogates too) can sit in a path segment. */
function encodeSegment(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
}

const badId = fc.oneof(
  hostileText,
  fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).map((s) => `ccfg_${s}!`),
  fc.constantFrom('ccfg_', 'ccfg_SHORT', 'tok_1', '..', '%2e%2e', 'ccfg_' + 'a'.repeat(41)),
);

const hostileHostHeader = fc.oneof(
  fc.constantFrom('evil.example', '127.0.0.1.evil.example', '127.0.0.2', '0.0.0.0', '[::2]', 'localhost.', 'example.com:80'),
  fc.domain(),
);

// ---- hostile requests ------------------------------------------------------------------------

const configurations = ApiPaths.configurations();

const hostileRequest: fc.Arbitrary<(port: string) => HostileRequest> = fc.oneof(
  hostileCreateBody.map(([defect, body]) => () => ({
    defect: `create with ${defect}`,
    method: 'POST',
    pathAndQuery: configurations,
    signed: true,
    headers: { 'Content-Type': 'application/json' },
    body: body === 'SECRET_KEY' ? JSON.stringify({ ...REVERSE_PROXY_CONFIG, [tokenValue]: 1 }) : JSON.stringify(body),
  })),
  fc.tuple(hostileText, fc.constantFrom('name', 'description')).map(([value, field]) => () => ({
    defect: `patch with hostile ${field}`,
    method: 'PATCH',
    pathAndQuery: ApiPaths.configuration(configId),
    signed: true,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ [field]: value }),
  })),
  invalidJson.map((body) => () => ({
    defect: 'a body that is not JSON',
    method: 'POST',
    pathAndQuery: configurations,
    signed: true,
    headers: { 'Content-Type': 'application/json' },
    body,
  })),
  fc.tuple(wrongContentType, fc.constantFrom('POST', 'PATCH', 'PUT')).map(([type, method]) => () => ({
    defect: `a ${method} sent as ${type}`,
    method,
    pathAndQuery: method === 'POST' ? configurations : method === 'PATCH' ? ApiPaths.configuration(configId) : '/_emulator/faults',
    signed: method !== 'PUT',
    headers: { 'Content-Type': type, Origin: 'https://evil.example' },
    body: method === 'PUT' ? JSON.stringify({ serverErrorRate: 1 }) : JSON.stringify(REVERSE_PROXY_CONFIG),
  })),
  fc.constantFrom('/_emulator/license/expire', configurations, ApiPaths.tokens('\u0000'), ApiPaths.heartbeat()).map((path) => () => ({
    defect: 'a POST without Content-Type',
    method: 'POST',
    pathAndQuery: path === ApiPaths.tokens('\u0000') ? ApiPaths.tokens(configId) : path,
    signed: path !== '/_emulator/license/expire',
    headers: {},
  })),
  fc.tuple(hostileHostHeader, fc.constantFrom('/_emulator/stats', '/_emulator/license/expire', configurations)).map(([host, path]) => (port: string) => ({
    defect: `Host ${host}`,
    method: path === '/_emulator/license/expire' ? 'POST' : 'GET',
    pathAndQuery: path,
    signed: path === configurations,
    headers: { Host: host.includes(':') && !host.startsWith('[') ? host : `${host}:${port}`, 'Content-Type': 'application/json' },
    body: path === '/_emulator/license/expire' ? '{}' : undefined,
  })),
  fc
    .tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 40 }))
    .filter(([key]) => key !== 'page' && key !== 'pageSize')
    .map(([key, value]) => () => ({
      defect: 'an unknown query parameter',
      method: 'GET',
      pathAndQuery: `${fc.sample(fc.constantFrom(configurations, ApiPaths.tokens(configId), ApiPaths.instances(configId)), 1)[0]}?${encodeSegment(key)}=${encodeSegment(value)}`,
      signed: true,
      headers: {},
    })),
  fc
    .tuple(fc.constantFrom('page', 'pageSize'), fc.oneof(fc.constantFrom('0', '-1', '1e3', '0x10', '1.5', '', ' 1', '9999999', '01x'), hostileText))
    .map(([key, value]) => () => ({
      defect: `a bad ${key}`,
      method: 'GET',
      pathAndQuery: `${configurations}?${key}=${encodeSegment(value)}`,
      signed: true,
      headers: {},
    })),
  fc.constantFrom('page=1&page=2', 'pageSize=5&pageSize=5').map((query) => () => ({
    defect: 'a repeated query parameter',
    method: 'GET',
    pathAndQuery: `${configurations}?${query}`,
    signed: true,
    headers: {},
  })),
  fc.tuple(badId, fc.constantFrom('', '/tokens', '/instances', '/activity')).map(([id, suffix]) => () => ({
    defect: 'a malformed configuration id in the path',
    method: 'GET',
    pathAndQuery: `${configurations}/${encodeSegment(id)}${suffix}`,
    signed: true,
    headers: {},
  })),
  fc
    .constantFrom(
      () => `${configurations}/${tokenValue}`,
      () => `${ApiPaths.tokens(configId)}/${tokenValue}/value`,
      () => `/nope/${tokenValue}`,
      () => `${ApiPaths.tokens(configId)}?${tokenValue}=1`,
    )
    .map((path) => () => ({
      defect: 'a token value pasted into the path',
      method: 'GET',
      pathAndQuery: path(),
      signed: true,
      headers: {},
    })),
  badId.map((id) => () => ({
    defect: 'a malformed token id in the path',
    method: 'POST',
    pathAndQuery: `${ApiPaths.tokens(configId)}/${encodeSegment(id)}/revoke`,
    signed: true,
    headers: { 'Content-Type': 'application/json' },
  })),
  fc.array(fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 4 }).map((segments) => () => ({
    defect: 'an unknown path',
    method: 'GET',
    pathAndQuery: `/nope-${segments.map(encodeSegment).join('/')}`,
    signed: false,
    headers: {},
  })),
  fc.oneof(hostileText, fc.string({ unit: 'binary', minLength: 129, maxLength: 200 }), fc.constantFrom('short', 'SECRET!')).map((key) => () => ({
    defect: 'a malformed Idempotency-Key',
    method: 'POST',
    pathAndQuery: ApiPaths.tokens(configId),
    signed: true,
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': headerSafe(key === 'SECRET!' ? `${tokenValue}!` : key) },
  })),
  fc
    .oneof(
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.constantFrom('EG1-HMAC-SHA256 ', 'EG1-HMAC-SHA256 client_token=a;access_token=b;timestamp=c;nonce=d;signature=e', 'Basic YWRtaW46YWRtaW4=', 'SECRET'),
    )
    .map((authorization) => () => ({
      defect: 'a forged Authorization header',
      method: 'GET',
      pathAndQuery: ApiPaths.tokens(configId),
      signed: false,
      headers: { Authorization: headerSafe(authorization === 'SECRET' ? `Bearer ${tokenValue}` : authorization) },
    })),
  fc.constantFrom('!!', 'x'.repeat(40), 'aap_', '%00').map((suffix) => () => ({
    defect: 'a heartbeat with a wrong token',
    method: 'POST',
    pathAndQuery: ApiPaths.heartbeat(),
    signed: false,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokenValue}${suffix}` },
    body: JSON.stringify({ instanceId: 'pod-fuzz', deploymentType: 'REVERSE_PROXY', version: '1' }),
  })),
  fc.tuple(fc.constantFrom('instanceId', 'version', 'deploymentType'), fc.oneof(hostileText, wrongType)).map(([field, value]) => () => ({
    defect: `a heartbeat with a hostile ${field}`,
    method: 'POST',
    pathAndQuery: ApiPaths.heartbeat(),
    signed: false,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokenValue}` },
    body: JSON.stringify({ instanceId: 'pod-fuzz', deploymentType: 'REVERSE_PROXY', version: '1', [field]: value }),
  })),
);

function send(request: HostileRequest): Promise<Answer> {
  const headers: Record<string, string> = { ...request.headers };
  let url = `${emu.url}${request.pathAndQuery}`;
  if (request.signed) {
    const signed = edgeGridAuthorization(emu, request.method, request.pathAndQuery, request.body);
    url = signed.url;
    headers.Authorization = signed.authorization;
  }
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: request.method, headers, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], text }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(request.body);
  });
}

test(`${RUNS} generated hostile requests each get a clear 4xx problem, never a 5xx or an echoed secret`, async () => {
  const port = new URL(emu.url).port;
  let sent = 0;
  const statuses = new Map<number, number>();

  await fc.assert(
    fc.asyncProperty(hostileRequest, async (build) => {
      const request = build(port);
      const answer = await send(request);
      sent += 1;
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      const context = `${request.defect}: ${request.method} ${request.pathAndQuery} -> ${answer.status} ${answer.text.slice(0, 300)}`;

      expect({ context, clientError: answer.status >= 400 && answer.status < 500 }).toEqual({ context, clientError: true });
      expect({ context, contentType: answer.contentType }).toEqual({ context, contentType: PROBLEM_CONTENT_TYPE });
      const problem = ProblemSchema.parse(JSON.parse(answer.text));
      expect(problem.status).toBe(answer.status);
      expect(problem.detail?.length).toBeGreaterThan(10);
      for (const secret of secrets) expect(answer.text).not.toContain(secret);
    }),
    { numRuns: RUNS, endOnFailure: true },
  );

  expect(sent).toBeGreaterThanOrEqual(200);
  // Every kind of refusal was exercised, not one of them over and over.
  expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([400, 401, 404, 415, 421]));

  // Still serving, with its state intact: no hostile request created, changed or revoked anything.
  const list = await signedRequest(emu, 'GET', configurations);
  expect(list.status).toBe(200);
  expect(list.body).toMatchObject({ totalItems: 1, connectionConfigurations: [{ ...REVERSE_PROXY_CONFIG, connectionConfigurationId: configId }] });
  expect((await sendHeartbeat(emu, tokenValue, { instanceId: 'pod-ok', deploymentType: 'REVERSE_PROXY', version: '1' })).status).toBe(200);
  const tokens = await signedRequest(emu, 'GET', ApiPaths.tokens(configId));
  expect(tokens.body).toMatchObject({ active: [{ tokenId }], revoked: [] });

  // The request log holds one line per request and never a secret or a hidden character.
  expect(log.length).toBeGreaterThanOrEqual(sent);
  for (const line of log) {
    for (const secret of secrets) expect(line).not.toContain(secret);
    expect(line).not.toMatch(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/);
    expect(line).not.toMatch(/internal error| 5\d\d /);
  }
});

test('the fixture is valid: the same requests without their defect succeed', async () => {
  const valid: CreateConnectionConfigurationRequest = { ...REVERSE_PROXY_CONFIG, name: 'fuzz-control' };
  const created = await signedRequest(emu, 'POST', configurations, valid);
  expect(created.status).toBe(201);
  const id = (created.body as { connectionConfiguration: { connectionConfigurationId: string } }).connectionConfiguration.connectionConfigurationId;
  expect((await signedRequest(emu, 'DELETE', ApiPaths.configuration(id))).status).toBe(204);
});
