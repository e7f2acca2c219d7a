/**
 * gRPC over HTTP/2 for unary calls, on Node's own `http2` module: what go-plugin's client
 * (grpc-go, inside Terraform) sends a provider, and nothing more.
 *
 * Why not @grpc/grpc-js: a provider process serves one client on one connection, a few hundred
 * unary calls, and Terraform starts it 3-5 times per command. grpc-js is a general client and
 * server (channelz, interceptors, resolvers, deadlines, streaming), and measured in a no-op plan
 * of 400 resources it was about half of the provider's steady-state CPU and a large share of each
 * start (bench/results/2026-12-02-plan-scale.md). Unary gRPC is a small wire format on top of
 * HTTP/2, which Node implements natively (see PROTOCOL-HTTP2.md in grpc/grpc):
 *   request:  POST /package.Service/Method, content-type application/grpc, one length-prefixed message;
 *   response: :status 200, one length-prefixed message, then trailers grpc-status (0 = OK) and
 *             grpc-message; or, for an error, the status in the headers alone ("trailers-only").
 * Streaming methods (go-plugin's GRPCBroker and GRPCStdio) are not served: their callers treat
 * UNIMPLEMENTED as "not available", as they did with grpc-js, which had no such services either.
 */
import * as http2 from 'node:http2';
import type { Socket } from 'node:net';

/** The gRPC status codes this server sends (grpc/grpc doc/statuscodes.md). */
export const GrpcStatus = {
  OK: 0,
  INVALID_ARGUMENT: 3,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
} as const;
type GrpcStatusCode = (typeof GrpcStatus)[keyof typeof GrpcStatus];

/** An error a handler throws to answer with a given status and message (anything else is INTERNAL). */
export class GrpcStatusError extends Error {
  constructor(
    readonly code: GrpcStatusCode,
    message: string,
  ) {
    super(message);
  }
}

/** One unary method: how its messages are read and written, and what answers it. */
export interface UnaryMethod {
  decodeRequest(bytes: Uint8Array): unknown;
  encodeResponse(message: object): Uint8Array;
  handle(request: unknown): Promise<object>;
  /** Runs once the answer has left (its stream closed): GRPCController.Shutdown exits there. */
  afterAnswer?: () => void;
}

export interface GrpcServerOptions {
  /** The method at an HTTP/2 path, e.g. "/tfplugin6.Provider/ReadResource"; undefined: UNIMPLEMENTED. */
  readonly method: (path: string) => UnaryMethod | undefined;
  /** Mutual TLS: our key and certificate, and the only CA whose client certificates we accept. Absent: plaintext HTTP/2. */
  readonly tls?: { readonly keyPem: string; readonly certPem: string; readonly clientCaPem: string };
  readonly maxMessageBytes: number;
  /** Failures of a connection or a call that are not a handler's answer (for the debug log). */
  readonly onTransportError: (what: string, error: Error) => void;
}

export interface GrpcServer {
  /** Serves HTTP/2 on a connection accepted elsewhere (paused: see ./plugin-listener.ts). */
  serve(connection: Socket): void;
}

const MESSAGE_HEADER_BYTES = 5; // 1 byte "compressed" flag, 4 bytes big-endian length
const RESPONSE_HEADERS = { ':status': 200, 'content-type': 'application/grpc+proto' } as const;

export function createGrpcServer(options: GrpcServerOptions): GrpcServer {
  const server = options.tls
    ? http2.createSecureServer({
        key: options.tls.keyPem,
        cert: options.tls.certPem,
        ca: options.tls.clientCaPem,
        requestCert: true,
        rejectUnauthorized: true,
      })
    : http2.createServer();
  server.on('stream', (stream, headers) => answer(stream, headers, options));
  server.on('sessionError', (error) => options.onTransportError('HTTP/2 session', error));
  server.on('tlsClientError', (error: Error) => options.onTransportError('TLS handshake', error));
  return {
    serve(connection) {
      // Both servers take a connection through their 'connection' event: the TLS server wraps it
      // (and starts reading), the plaintext HTTP/2 server attaches a session and leaves it paused.
      server.emit('connection', connection);
      if (!options.tls) connection.resume();
    },
  };
}

function answer(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, options: GrpcServerOptions): void {
  stream.on('error', (error) => options.onTransportError(`call ${headers[':path'] ?? '?'}`, error));
  const contentType = headers['content-type'] ?? '';
  if (headers[':method'] !== 'POST' || !contentType.startsWith('application/grpc')) {
    // Not gRPC at all: the spec's answer is a plain HTTP error.
    stream.respond({ ':status': headers[':method'] === 'POST' ? 415 : 405 }, { endStream: true });
    return;
  }
  const path = headers[':path'] ?? '';
  const method = options.method(path);
  if (!method) {
    stream.resume(); // the request body is not wanted
    sendStatus(stream, GrpcStatus.UNIMPLEMENTED, `${path} is not implemented by this provider`);
    return;
  }

  const chunks: Buffer[] = [];
  let received = 0;
  stream.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > options.maxMessageBytes + MESSAGE_HEADER_BYTES) {
      // Answered at once; the rest of the body is read and dropped.
      chunks.length = 0;
      sendStatus(stream, GrpcStatus.RESOURCE_EXHAUSTED, `request larger than ${options.maxMessageBytes} bytes`);
    }
    if (!stream.headersSent) chunks.push(chunk);
  });
  stream.on('end', () => {
    if (stream.headersSent) return;
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    const message = singleMessage(body);
    if (typeof message === 'string') {
      sendStatus(stream, message === COMPRESSED ? GrpcStatus.UNIMPLEMENTED : GrpcStatus.INVALID_ARGUMENT, message);
      return;
    }
    let request: unknown;
    try {
      request = method.decodeRequest(message);
    } catch {
      sendStatus(stream, GrpcStatus.INVALID_ARGUMENT, `${path}: the request is not a valid protobuf message`);
      return;
    }
    const { afterAnswer } = method;
    if (afterAnswer) stream.once('close', afterAnswer);
    method.handle(request).then(
      (response) => sendMessage(stream, method.encodeResponse(response)),
      (error: unknown) => {
        if (error instanceof GrpcStatusError) sendStatus(stream, error.code, error.message);
        else sendStatus(stream, GrpcStatus.INTERNAL, `${path} failed inside the provider`);
      },
    );
  });
}

const COMPRESSED = 'compressed messages are not supported (no grpc-encoding was offered)';

/** The one message of a unary request body, or why there is not exactly one uncompressed message. */
function singleMessage(body: Buffer): Buffer | string {
  if (body.length < MESSAGE_HEADER_BYTES) return `expected one length-prefixed message, got ${body.length} bytes`;
  if (body[0] !== 0) return COMPRESSED;
  const length = body.readUInt32BE(1);
  if (body.length !== MESSAGE_HEADER_BYTES + length) {
    return `expected one message of ${length} bytes, got a body of ${body.length - MESSAGE_HEADER_BYTES} bytes`;
  }
  return body.subarray(MESSAGE_HEADER_BYTES);
}

function sendMessage(stream: http2.ServerHttp2Stream, message: Uint8Array): void {
  if (stream.destroyed || stream.headersSent) return; // the client went away (StopProvider, a killed run)
  const framed = Buffer.allocUnsafe(MESSAGE_HEADER_BYTES + message.length);
  framed[0] = 0;
  framed.writeUInt32BE(message.length, 1);
  framed.set(message, MESSAGE_HEADER_BYTES);
  stream.respond(RESPONSE_HEADERS, { waitForTrailers: true });
  stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': String(GrpcStatus.OK) }));
  stream.end(framed);
}

/** A "trailers-only" answer: the status in the response headers, no message. */
function sendStatus(stream: http2.ServerHttp2Stream, code: GrpcStatusCode, message: string): void {
  if (stream.destroyed || stream.headersSent) return;
  stream.respond({ ...RESPONSE_HEADERS, 'grpc-status': String(code), 'grpc-message': percentEncoded(message) }, { endStream: true });
}

/** grpc-message's encoding: UTF-8, with "%" and every byte outside printable ASCII as %XX. */
function percentEncoded(message: string): string {
  let encoded = '';
  for (const byte of Buffer.from(message, 'utf8')) {
    encoded += byte < 0x20 || byte > 0x7e || byte === 0x25 ? `%${byte.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(byte);
  }
  return encoded;
}
