/**
 * The provider's unary gRPC server (src/provider/host/grpc-server.ts) against a real third-party
 * gRPC client (grpc-js) and raw HTTP/2, on a unix socket on this machine: answers, statuses, the
 * malformed requests the gRPC spec names, and mutual TLS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as http2 from 'node:http2';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { createGrpcServer, GrpcStatus, GrpcStatusError, type GrpcServerOptions, type UnaryMethod } from '../../../../src/provider/host/grpc-server';
import { createServerCertificate } from '../../../../src/provider/host/self-signed-cert';

const ECHO_PATH = '/test.Echo/Say';
const text = {
  decodeRequest: (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8'),
  encodeResponse: (message: object) => Buffer.from(JSON.stringify(message)),
};

interface Running {
  socketPath: string;
  transportErrors: string[];
  stop(): Promise<void>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(methods: Record<string, UnaryMethod>, extra: Partial<GrpcServerOptions> = {}): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'grpc-server-test-'));
  const socketPath = join(dir, 's.sock');
  const transportErrors: string[] = [];
  const byPath = new Map(Object.entries(methods));
  const server = createGrpcServer({
    method: (path) => byPath.get(path),
    maxMessageBytes: 1024,
    onTransportError: (what, error) => transportErrors.push(`${what}: ${error.message}`),
    ...extra,
  });
  const sockets = new Set<import('node:net').Socket>();
  const listener: Server = createServer({ pauseOnConnect: true }, (socket) => {
    sockets.add(socket);
    server.serve(socket);
  });
  await new Promise<void>((resolve) => listener.listen(socketPath, resolve));
  const running = {
    socketPath,
    transportErrors,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  cleanups.push(running.stop);
  return running;
}

function echoClient(socketPath: string, credentials = grpc.credentials.createInsecure()): grpc.Client {
  const client = new grpc.Client(`unix:${socketPath}`, credentials, {
    'grpc.ssl_target_name_override': 'localhost',
    'grpc.default_authority': 'localhost',
  });
  cleanups.push(() => Promise.resolve(client.close()));
  return client;
}

function call(client: grpc.Client, path: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      path,
      (value: string) => Buffer.from(value),
      (bytes: Buffer) => bytes.toString('utf8'),
      body,
      { deadline: Date.now() + 10_000 },
      (error, response) => (error ? reject(error) : resolve(response!)),
    );
  });
}

const echo: UnaryMethod = { ...text, handle: (request) => Promise.resolve({ said: request }) };

describe('unary gRPC server', () => {
  test('answers a call, and many concurrent calls on one connection, each with its own answer', async () => {
    const { socketPath } = await serve({ [ECHO_PATH]: echo });
    const client = echoClient(socketPath);
    expect(await call(client, ECHO_PATH, 'hello')).toBe('{"said":"hello"}');
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => call(client, ECHO_PATH, `n${i}`)));
    expect(answers).toEqual(Array.from({ length: 50 }, (_, i) => `{"said":"n${i}"}`));
  });

  test('an empty message (all fields at their defaults) is a valid request and answer', async () => {
    const empty: UnaryMethod = { decodeRequest: (bytes) => bytes.length, encodeResponse: () => new Uint8Array(0), handle: () => Promise.resolve({}) };
    const { socketPath } = await serve({ [ECHO_PATH]: empty });
    expect(await call(echoClient(socketPath), ECHO_PATH, '')).toBe('');
  });

  test('an unknown method answers UNIMPLEMENTED and names it', async () => {
    const { socketPath } = await serve({ [ECHO_PATH]: echo });
    await expect(call(echoClient(socketPath), '/test.Echo/Shout', 'x')).rejects.toMatchObject({
      code: grpc.status.UNIMPLEMENTED,
      details: '/test.Echo/Shout is not implemented by this provider',
    });
  });

  test('a GrpcStatusError answers with its code and message; any other failure is INTERNAL and says nothing of the error', async () => {
    const refuses: UnaryMethod = { ...text, handle: () => Promise.reject(new GrpcStatusError(GrpcStatus.INVALID_ARGUMENT, 'bad: 100% wrong, naïve')) };
    const breaks: UnaryMethod = { ...text, handle: () => Promise.reject(new Error('secret-detail-xyz')) };
    const { socketPath } = await serve({ '/test.Echo/Refuse': refuses, '/test.Echo/Break': breaks });
    const client = echoClient(socketPath);
    await expect(call(client, '/test.Echo/Refuse', 'x')).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: 'bad: 100% wrong, naïve' });
    const failure = call(client, '/test.Echo/Break', 'x');
    await expect(failure).rejects.toMatchObject({ code: grpc.status.INTERNAL, details: '/test.Echo/Break failed inside the provider' });
    await expect(failure).rejects.not.toMatchObject({ details: expect.stringContaining('secret-detail-xyz') });
  });

  test('a message that does not decode answers INVALID_ARGUMENT', async () => {
    const strict: UnaryMethod = {
      ...echo,
      decodeRequest: () => {
        throw new Error('not protobuf');
      },
    };
    const { socketPath } = await serve({ [ECHO_PATH]: strict });
    await expect(call(echoClient(socketPath), ECHO_PATH, 'x')).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
  });

  test('a request over the size limit answers RESOURCE_EXHAUSTED', async () => {
    const { socketPath } = await serve({ [ECHO_PATH]: echo });
    await expect(call(echoClient(socketPath), ECHO_PATH, 'x'.repeat(5000))).rejects.toMatchObject({ code: grpc.status.RESOURCE_EXHAUSTED });
  });

  test('raw HTTP/2: a compressed message, a truncated frame and a non-gRPC request get the answers the spec names', async () => {
    const { socketPath } = await serve({ [ECHO_PATH]: echo });
    const session = http2.connect('http://localhost', { createConnection: () => require('node:net').connect(socketPath) });
    cleanups.push(() => Promise.resolve(void session.close()));
    const send = (headers: http2.OutgoingHttpHeaders, body: Buffer) =>
      new Promise<{ headers: http2.IncomingHttpHeaders & http2.IncomingHttpStatusHeader; trailers: http2.IncomingHttpHeaders }>((resolve, reject) => {
        const stream = session.request({ ':method': 'POST', ':path': ECHO_PATH, ...headers });
        let responseHeaders: http2.IncomingHttpHeaders & http2.IncomingHttpStatusHeader = {};
        let trailers: http2.IncomingHttpHeaders = {};
        stream.on('response', (h) => (responseHeaders = h));
        stream.on('trailers', (t) => (trailers = t));
        stream.on('error', reject);
        stream.on('close', () => resolve({ headers: responseHeaders, trailers }));
        stream.resume();
        stream.end(body);
      });
    const frame = (flag: number, payload: Buffer, declared = payload.length) => {
      const header = Buffer.alloc(5);
      header[0] = flag;
      header.writeUInt32BE(declared, 1);
      return Buffer.concat([header, payload]);
    };
    const grpcHeaders = { 'content-type': 'application/grpc' };

    const compressed = await send(grpcHeaders, frame(1, Buffer.from('x')));
    expect(compressed.headers['grpc-status']).toBe(String(GrpcStatus.UNIMPLEMENTED));
    const truncated = await send(grpcHeaders, frame(0, Buffer.from('abc'), 10));
    expect(truncated.headers['grpc-status']).toBe(String(GrpcStatus.INVALID_ARGUMENT));
    expect(decodeURIComponent(String(truncated.headers['grpc-message']))).toBe('expected one message of 10 bytes, got a body of 3 bytes');
    const notGrpc = await send({ 'content-type': 'application/json' }, Buffer.from('{}'));
    expect(notGrpc.headers[':status']).toBe(415);
    const ok = await send(grpcHeaders, frame(0, Buffer.from('raw')));
    expect(ok.headers[':status']).toBe(200);
    expect(ok.trailers['grpc-status']).toBe('0');
  });

  test('mutual TLS: a client with a certificate from the trusted CA is served, one without a certificate is refused', async () => {
    const serverCert = createServerCertificate();
    const clientCert = createServerCertificate();
    const { socketPath, transportErrors } = await serve(
      { [ECHO_PATH]: echo },
      { tls: { keyPem: serverCert.keyPem, certPem: serverCert.certPem, clientCaPem: clientCert.certPem } },
    );
    const trusted = grpc.credentials.createSsl(Buffer.from(serverCert.certPem), Buffer.from(clientCert.keyPem), Buffer.from(clientCert.certPem));
    expect(await call(echoClient(socketPath, trusted), ECHO_PATH, 'over tls')).toBe('{"said":"over tls"}');

    const anonymous = grpc.credentials.createSsl(Buffer.from(serverCert.certPem));
    await expect(call(echoClient(socketPath, anonymous), ECHO_PATH, 'x')).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    const stranger = createServerCertificate();
    const untrusted = grpc.credentials.createSsl(Buffer.from(serverCert.certPem), Buffer.from(stranger.keyPem), Buffer.from(stranger.certPem));
    await expect(call(echoClient(socketPath, untrusted), ECHO_PATH, 'x')).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    expect(transportErrors.some((line) => line.startsWith('TLS handshake'))).toBe(true);
  });

  test('afterAnswer runs once the answer has left', async () => {
    const order: string[] = [];
    const shutdown: UnaryMethod = {
      ...text,
      handle: () => {
        order.push('handled');
        return Promise.resolve({});
      },
      afterAnswer: () => order.push('after'),
    };
    const { socketPath } = await serve({ [ECHO_PATH]: shutdown });
    await call(echoClient(socketPath), ECHO_PATH, 'x');
    for (let i = 0; i < 50 && order.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(order).toEqual(['handled', 'after']);
  });
});
