/**
 * Serves the tfplugin6 Provider and go-plugin GRPCController services on the connections the
 * plugin listener accepted, with go-plugin's automatic mTLS (Terraform's PLUGIN_CLIENT_CERT is the
 * only trusted CA and a client certificate is required) unless Terraform asked for plaintext.
 * The handshake line is already out when this runs (see ./plugin-listener.ts).
 */
import { Root, type IConversionOptions, type Type } from 'protobufjs';
import type { HclogLogger } from './hclog-logger';
import type { PluginListener } from './plugin-listener';
import { GRPC_CONTROLLER_PROTO, TFPLUGIN6_PROTO, type ProtoDescriptor } from './proto-descriptors';
import { createGrpcServer, GrpcStatus, GrpcStatusError, type UnaryMethod } from './grpc-server';

/** An RPC implementation: the request message in, the response message out. */
type RpcHandler = (request: never) => Promise<object>;
export type RpcTable = Record<string, RpcHandler | undefined>;

export interface HostOptions {
  /** Resolves method names (the .proto's, e.g. "PlanResourceChange") to handlers. */
  provider: () => RpcTable;
  log: HclogLogger;
  /** The socket Terraform was told about in the handshake line. */
  listener: PluginListener;
  /** Called after Shutdown; the process exits there. */
  onExit: (code: number) => void;
}

const MAX_MESSAGE_BYTES = 256 << 20; // Terraform's own limit for provider messages

/** How messages look to the handlers: 64-bit integers as numbers, enums by name, absent fields with their defaults, oneofs named. */
const MESSAGE_SHAPE: IConversionOptions = { longs: Number, enums: String, defaults: true, oneofs: true };

/** A unary method's messages, read and written with protobufjs reflection. */
interface MethodCodec {
  readonly name: string;
  readonly path: string;
  decodeRequest(bytes: Uint8Array): unknown;
  encodeResponse(message: object): Uint8Array;
}

/** The unary methods of a service in a descriptor, each with its message codec. */
function serviceCodecs(descriptor: ProtoDescriptor, serviceName: string): MethodCodec[] {
  const service = Root.fromJSON(descriptor).lookupService(serviceName);
  return service.methodsArray
    .filter((method) => method.requestStream !== true && method.responseStream !== true)
    .map((method) => {
      method.resolve();
      const request = method.resolvedRequestType as Type;
      const response = method.resolvedResponseType as Type;
      return {
        name: method.name,
        path: `/${serviceName}/${method.name}`,
        decodeRequest: (bytes) => request.toObject(request.decode(bytes), MESSAGE_SHAPE),
        encodeResponse: (message) => response.encode(response.fromObject(message)).finish(),
      };
    });
}

export function startHost(options: HostOptions): void {
  const { log, listener } = options;
  const methods = new Map<string, UnaryMethod>();
  for (const codec of serviceCodecs(TFPLUGIN6_PROTO, 'tfplugin6.Provider')) {
    methods.set(codec.path, { ...codec, handle: providerHandler(codec.name, options) });
  }
  for (const codec of serviceCodecs(GRPC_CONTROLLER_PROTO, 'plugin.GRPCController')) {
    if (codec.name !== 'Shutdown') continue;
    methods.set(codec.path, {
      ...codec,
      handle: () => {
        log.debug('GRPCController.Shutdown: exiting');
        listener.close();
        // In case Terraform never reads the answer.
        setTimeout(() => options.onExit(0), 2000).unref();
        return Promise.resolve({});
      },
      afterAnswer: () => options.onExit(0),
    });
  }

  const { tls } = listener;
  if (!tls) log.debug('serving without TLS (TF_DISABLE_PLUGIN_TLS, or no PLUGIN_CLIENT_CERT)');
  const server = createGrpcServer({
    methods,
    tls: tls && { keyPem: tls.certificate.keyPem, certPem: tls.certificate.certPem, clientCaPem: tls.terraformCertPem },
    maxMessageBytes: MAX_MESSAGE_BYTES,
    onTransportError: (what, error) => log.debug('gRPC transport error', { what, error: error.message }),
  });
  listener.handOver((connection) => server.serve(connection));
  log.debug('plugin serving', { socket: listener.socketPath, tls: tls !== undefined, ready_ms: Math.round(performance.now()) });
}

function providerHandler(method: string, options: HostOptions): (request: unknown) => Promise<object> {
  return async (request) => {
    const handler = options.provider()[method];
    if (!handler) throw new GrpcStatusError(GrpcStatus.UNIMPLEMENTED, `${method} is not implemented by this provider`);
    const started = process.hrtime.bigint();
    try {
      const response = await handler(request as never);
      options.log.debug('served', { tf_rpc: method, duration_ms: Number(process.hrtime.bigint() - started) / 1e6 });
      return response;
    } catch (error) {
      options.log.error('RPC failed', { tf_rpc: method, error: error instanceof Error ? error.name : typeof error });
      throw error;
    }
  };
}
