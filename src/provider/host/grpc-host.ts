/**
 * Serves the tfplugin6 Provider and go-plugin GRPCController services on the connections the
 * plugin listener accepted, with go-plugin's automatic mTLS (Terraform's PLUGIN_CLIENT_CERT is the
 * only trusted CA and a client certificate is required) unless Terraform asked for plaintext.
 * The handshake line is already out when this runs (see ./plugin-listener.ts).
 */
import * as grpc from '@grpc/grpc-js';
import { Root, type IConversionOptions, type Type } from 'protobufjs';
import type { HclogLogger } from './hclog-logger';
import type { PluginListener } from './plugin-listener';
import { GRPC_CONTROLLER_PROTO, TFPLUGIN6_PROTO, type ProtoDescriptor } from './proto-descriptors';

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

/**
 * A grpc-js service definition built straight from protobufjs reflection. (@grpc/proto-loader
 * does the same and also builds every message's reflection descriptors, which a server never
 * reads: ~20-50 ms on each of the 3-5 starts per Terraform command.)
 */
export function loadService(descriptor: ProtoDescriptor, serviceName: string): grpc.ServiceDefinition {
  const service = Root.fromJSON(descriptor).lookupService(serviceName);
  const definition: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const method of service.methodsArray) {
    method.resolve();
    const request = method.resolvedRequestType as Type;
    const response = method.resolvedResponseType as Type;
    definition[method.name] = {
      path: `/${serviceName}/${method.name}`,
      requestStream: method.requestStream === true,
      responseStream: method.responseStream === true,
      requestSerialize: (message: object) => Buffer.from(request.encode(request.fromObject(message)).finish()),
      requestDeserialize: (bytes: Buffer) => request.toObject(request.decode(bytes), MESSAGE_SHAPE),
      responseSerialize: (message: object) => Buffer.from(response.encode(response.fromObject(message)).finish()),
      responseDeserialize: (bytes: Buffer) => response.toObject(response.decode(bytes), MESSAGE_SHAPE),
    };
  }
  return definition;
}

export function startHost(options: HostOptions): void {
  const { log, listener } = options;
  const server = new grpc.Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  });

  const providerService = loadService(TFPLUGIN6_PROTO, 'tfplugin6.Provider');
  server.addService(providerService, providerImplementation(providerService, options));

  const controllerService = loadService(GRPC_CONTROLLER_PROTO, 'plugin.GRPCController');
  server.addService(controllerService, {
    Shutdown: (_call: grpc.ServerUnaryCall<object, object>, callback: grpc.sendUnaryData<object>) => {
      log.debug('GRPCController.Shutdown: exiting');
      callback(null, {});
      listener.close();
      // Let the answer leave before the process goes.
      setImmediate(() => server.tryShutdown(() => options.onExit(0)));
      setTimeout(() => options.onExit(0), 2000).unref();
    },
  });

  const { tls } = listener;
  const credentials = tls
    ? grpc.ServerCredentials.createSsl(
        Buffer.from(tls.terraformCertPem),
        [{ private_key: Buffer.from(tls.certificate.keyPem), cert_chain: Buffer.from(tls.certificate.certPem) }],
        true,
      )
    : grpc.ServerCredentials.createInsecure();
  if (!tls) log.debug('serving without TLS (TF_DISABLE_PLUGIN_TLS, or no PLUGIN_CLIENT_CERT)');
  const injector = server.createConnectionInjector(credentials);
  listener.handOver((connection) => {
    injector.injectConnection(connection);
    // The listener accepted the connection paused. A TLS socket starts reading when it wraps it; a
    // plaintext HTTP/2 session takes the socket over without doing so.
    if (!tls) connection.resume();
  });
  log.debug('plugin serving', { socket: listener.socketPath, tls: tls !== undefined, ready_ms: Math.round(performance.now()) });
}

function providerImplementation(service: grpc.ServiceDefinition, options: HostOptions): grpc.UntypedServiceImplementation {
  const implementation: grpc.UntypedServiceImplementation = {};
  // Keys are the .proto method names; `originalName` is a lowerCamel alias that grpc-js does not route.
  for (const method of Object.keys(service)) {
    const handleUnary: grpc.handleUnaryCall<unknown, object> = (call, callback) => {
      const handler = options.provider()[method];
      if (!handler) {
        callback({ code: grpc.status.UNIMPLEMENTED, details: `${method} is not implemented by this provider` });
        return;
      }
      const started = process.hrtime.bigint();
      handler(call.request as never).then(
        (response) => {
          options.log.debug('served', { tf_rpc: method, duration_ms: Number(process.hrtime.bigint() - started) / 1e6 });
          callback(null, response);
        },
        (error: unknown) => {
          options.log.error('RPC failed', { tf_rpc: method, error: error instanceof Error ? error.name : typeof error });
          callback({ code: grpc.status.INTERNAL, details: `${method} failed inside the provider` });
        },
      );
    };
    implementation[method] = handleUnary;
  }
  return implementation;
}
