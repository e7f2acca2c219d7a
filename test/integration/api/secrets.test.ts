/**
 * Token values never leak: not in an error's message, its cause, a debug dump of it, nor in a
 * log event, even when the failure happens around a call whose body carries a value (a dropped
 * answer to generate, a malformed answer from a proxy in between, a refused heartbeat).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { inspect } from 'node:util';
import {
  type ApiLogEvent,
  ApiUnavailableError,
  MalformedResponseError,
  ProtectorClient,
  UnauthorizedError,
  UnexpectedResponseError,
  ValidationError,
  loadCredentials,
  sendHeartbeat,
} from '../../../src/api';
import { type InProcessEmulator, startInProcessEmulator } from '../../helpers/emulator';

let emu: InProcessEmulator;
let events: ApiLogEvent[];

beforeAll(async () => {
  emu = await startInProcessEmulator();
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  events = [];
});
afterEach(async () => {
  await emu.control.clearFaults();
});

function clientFor(host: string, options: { maxRetries?: number } = {}): ProtectorClient {
  const credentials = loadCredentials({ edgerc: emu.edgercPath, section: emu.section, env: {} });
  return new ProtectorClient({ credentials: { ...credentials, host }, logger: (e) => events.push(e), retry: { baseDelayMs: 10 }, ...options });
}

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Every way the error could be shown or serialised, concatenated. */
function everythingVisibleOf(error: Error): string {
  return [
    error.message,
    String(error.stack),
    inspect(error, { depth: Infinity, showHidden: true }),
    inspect(error.cause, { depth: Infinity, showHidden: true }),
    JSON.stringify(error),
    JSON.stringify(events),
  ].join('\n');
}

async function newConfiguration(client: ProtectorClient) {
  return client.createConnectionConfiguration({ name: `s-${randomUUID().slice(0, 8)}`, deploymentType: 'KUBERNETES', contractId: 'c', groupId: 'g' });
}

test('generate whose answer is dropped after commit, retries exhausted: the new value is nowhere in the error or logs', async () => {
  const client = clientFor(emu.url, { maxRetries: 0 });
  const { connectionConfiguration, token: first } = await newConfiguration(client);
  const configId = connectionConfiguration.connectionConfigurationId;
  await emu.control.setFaults({ dropAfterCommitRate: 1, maxFaults: 1, pathPattern: '**/tokens' });

  const error = await rejectionOf(client.generateToken(configId));

  expect(error).toBeInstanceOf(ApiUnavailableError);
  expect(error.cause).toBeUndefined();
  // The token was committed; fetch its value to prove it is absent from everything we produced.
  const committed = (await client.listTokens(configId)).active.find((t) => t.tokenId !== first.tokenId)!;
  const { value } = await client.getTokenValue(configId, committed.tokenId);
  const visible = everythingVisibleOf(error);
  expect(visible).not.toContain(value);
  expect(visible).not.toContain(first.value);
  expect(visible).not.toMatch(/clientSecret|client_secret|EG1-HMAC/);
});

test('a malformed answer (a proxy mangled a field) names the field and never echoes the value', async () => {
  const proxy = await startCorruptingProxy(emu.url, (path, body) => {
    if (!path.endsWith('/tokens') || typeof body !== 'object' || body === null) return body;
    // Keep the real value in the body, break the fingerprint next to it.
    return { ...body, fingerprint: 42 };
  });
  try {
    const direct = clientFor(emu.url);
    const configId = (await newConfiguration(direct)).connectionConfiguration.connectionConfigurationId;
    const viaProxy = clientFor(proxy.url);

    const error = await rejectionOf(viaProxy.generateToken(configId));

    expect(error).toBeInstanceOf(MalformedResponseError);
    expect((error as MalformedResponseError).problems).toEqual(['fingerprint: expected string']);
    expect(error.message).toMatch(/HTTP 201 with a body that does not match the contract: fingerprint: expected string/);
    const generated = (await direct.listTokens(configId)).active[1]!;
    const { value } = await direct.getTokenValue(configId, generated.tokenId);
    expect(proxy.bodiesSeen.join('\n')).toContain(value); // the value really went through the client
    expect(everythingVisibleOf(error)).not.toContain(value);
  } finally {
    await proxy.close();
  }
});

test('a malformed value field is named, its content is not', async () => {
  const proxy = await startCorruptingProxy(emu.url, (path, body) => {
    if (!path.endsWith('/value') || typeof body !== 'object' || body === null) return body;
    const record = body as { value: string };
    return { ...record, value: record.value.slice(0, 20) };
  });
  try {
    const direct = clientFor(emu.url);
    const { connectionConfiguration, token } = await newConfiguration(direct);
    const error = await rejectionOf(clientFor(proxy.url).getTokenValue(connectionConfiguration.connectionConfigurationId, token.tokenId));
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect((error as MalformedResponseError).problems).toEqual(['value: too small (minimum 32)']);
    expect(everythingVisibleOf(error)).not.toContain(token.value.slice(0, 20));
  } finally {
    await proxy.close();
  }
});

test('a refused heartbeat names the fingerprint, never the value', async () => {
  const value = `aap_${randomUUID()}${randomUUID()}`;
  const error = await rejectionOf(sendHeartbeat(emu.url, value, { instanceId: 'pod-1', deploymentType: 'KUBERNETES', version: '1' }));
  expect(error).toBeInstanceOf(UnauthorizedError);
  expect(everythingVisibleOf(error)).not.toContain(value);
});

test.each([
  [
    'in the field errors',
    ValidationError,
    (value: string, problem: Record<string, unknown>) => ({ ...problem, errors: [{ path: `header ${value}`, message: `received ${value}` }] }),
  ],
  ['in the problem type', UnexpectedResponseError, (value: string, problem: Record<string, unknown>) => ({ ...problem, type: `https://gateway.example/${value}` })],
  ['in the detail', ValidationError, (value: string, problem: Record<string, unknown>) => ({ ...problem, detail: `token ${value} is not welcome` })],
])('a gateway that quotes the bearer token %s: the value is nowhere in the error', async (_where, errorClass, quote) => {
  const { token } = await newConfiguration(clientFor(emu.url));
  const proxy = await startCorruptingProxy(emu.url, (path, body) =>
    path.endsWith('/heartbeat') && typeof body === 'object' && body !== null ? quote(token.value, body as Record<string, unknown>) : body,
  );
  try {
    // An invalid heartbeat body, so that the answer is a problem for the gateway to rewrite.
    const error = await rejectionOf(sendHeartbeat(proxy.url, token.value, { instanceId: 'not valid', deploymentType: 'KUBERNETES', version: '1' }));
    expect(error).toBeInstanceOf(errorClass);
    expect(proxy.bodiesSeen).toHaveLength(1);
    expect(everythingVisibleOf(error)).not.toContain(token.value);
    expect(error.message).toContain('[redacted sha256:');
  } finally {
    await proxy.close();
  }
});

test('a heartbeat to a server that is gone does not keep the request', async () => {
  const gone = await startInProcessEmulator();
  await gone.close();
  const value = `aap_${randomUUID()}${randomUUID()}`;
  const error = await rejectionOf(sendHeartbeat(gone.url, value, { instanceId: 'pod-1', deploymentType: 'KUBERNETES', version: '1' }));
  expect(error).toBeInstanceOf(ApiUnavailableError);
  expect(everythingVisibleOf(error)).not.toContain(value);
});

test('a debug dump of the client shows no credentials', async () => {
  const credentials = loadCredentials({ edgerc: emu.edgercPath, section: emu.section, env: {} });
  const client = new ProtectorClient({ credentials });
  const dump = inspect(client, { depth: Infinity, showHidden: true }) + JSON.stringify(client);
  expect(dump).not.toContain(credentials.clientSecret);
  expect(dump).not.toContain(credentials.accessToken);
});

test.each([
  ['AKAMAI_LOG_LEVEL=info', { AKAMAI_LOG_LEVEL: 'info' }],
  ['AKAMAI_LOG_PRETTY=true', { AKAMAI_LOG_PRETTY: 'true' }],
])(
  'with %s in the environment (other Akamai tools use it), signing still writes nothing',
  async (_name, akamaiLogEnv) => {
    // akamai-edgegrid reads these at load time and would then log the signing key, the
    // Authorization header and request bodies to stdout (which a Terraform provider must keep clean).
    const script = [
      "require('tsx/cjs');",
      "const api = require('./src/api');",
      'const client = new api.ProtectorClient({ credentials: api.loadCredentials({ edgerc: process.env.TEST_EDGERC, section: process.env.TEST_SECTION, env: {} }) });',
      "client.createConnectionConfiguration({ name: 'logged', deploymentType: 'KUBERNETES', contractId: 'c', groupId: 'g' })",
      "  .then(() => process.stdout.write('created\\n'), (error) => { process.stderr.write(String(error.code)); process.exitCode = 1; });",
    ].join('\n');
    const child = spawn(process.execPath, ['-e', script], {
      cwd: resolve(__dirname, '..', '..', '..'),
      env: { ...process.env, ...akamaiLogEnv, TEST_EDGERC: emu.edgercPath, TEST_SECTION: emu.section },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((done) => child.once('exit', done));

    expect({ code, stdout }).toEqual({ code: 0, stdout: 'created\n' });
    expect(stderr).not.toContain(emu.credentials.clientToken);
    expect(stderr).not.toContain(emu.credentials.accessToken);
    expect(stderr).not.toMatch(/Signing key|Authorization|EG1-HMAC/i);
  },
  30_000,
);

// ---------------------------------------------------------------------------------------------

interface CorruptingProxy {
  url: string;
  /** Every response body that passed through, as received from the emulator. */
  bodiesSeen: string[];
  close(): Promise<void>;
}

/**
 * A faulty middlebox on 127.0.0.1: forwards every request to the real emulator unchanged
 * (keeping the Host header, which the EdgeGrid signature covers) and rewrites the JSON answer.
 */
async function startCorruptingProxy(target: string, corrupt: (path: string, body: unknown) => unknown): Promise<CorruptingProxy> {
  const bodiesSeen: string[] = [];
  const targetUrl = new URL(target);
  const server: Server = createServer((req, res) => {
    const upstream = httpRequest(
      { host: targetUrl.hostname, port: targetUrl.port, method: req.method, path: req.url, headers: req.headers },
      (answer: IncomingMessage) => {
        readAll(answer).then(
          (text) => {
            bodiesSeen.push(text);
            let out = text;
            try {
              out = JSON.stringify(corrupt(req.url ?? '', JSON.parse(text)));
            } catch {
              // not JSON: pass through
            }
            res.writeHead(answer.statusCode ?? 502, { 'content-type': answer.headers['content-type'] ?? 'application/json' });
            res.end(out);
          },
          () => res.destroy(),
        );
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bodiesSeen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readAll(stream: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
