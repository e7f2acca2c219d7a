/**
 * Serves the tfplugin6 Provider and go-plugin GRPCController services on the connections the
 * plugin listener accepted, with go-plugin's automatic mTLS (Terraform's PLUGIN_CLIENT_CERT is the
 * only trusted CA and a client certificate is required) unless Terraform asked for plaintext.
 * The handshake line is already out when this runs (see ./plugin-listener.ts).
 *
 * The first of the 3-5 provider processes of a Terraform command only answers GetProviderSchema.
 * When the build precomputed that answer, it is sent as stored bytes, and protobufjs and the
 * provider itself (definitions, zod) load with the first call that needs them, if one comes.
 */
import type { HclogLogger } from './hclog-logger';
import type { PluginListener } from './plugin-listener';
import { createGrpcServer, GrpcStatus, GrpcStatusError, type UnaryMethod } from './grpc-server';
import type { MethodCodec } from './proto-codecs';
import { TFPLUGIN6_PROTO } from './proto-descriptors';

/** An RPC implementation: the request message in, the response message out. */
type RpcHandler = (request: never) => Promise<object>;
export type RpcTable = Record<string, RpcHandler | undefined>;

export interface HostOptions {
  /** Resolves method names (the .proto's, e.g. "PlanResourceChange") to handlers. */
  provider: () => RpcTable;
  /** Encoded answers known before the provider loads, by method name (the build's GetProviderSchema). */
  precomputed?: Readonly<Record<string, Uint8Array>>;
  log: HclogLogger;
  /** The socket Terraform was told about in the handshake line. */
  listener: PluginListener;
  /** Called after Shutdown; the process exits there. */
  onExit: (code: number) => void;
}

const MAX_MESSAGE_BYTES = 256 << 20; // Terraform's own limit for provider messages
const PROVIDER_SERVICE = 'tfplugin6.Provider';
const SHUTDOWN_PATH = '/plugin.GRPCController/Shutdown';
const EMPTY_MESSAGE = new Uint8Array(0);

export function startHost(options: HostOptions): void {
  const { log, listener } = options;
  const methods = new Map<string, UnaryMethod>();
  for (const [name, answer] of Object.entries(options.precomputed ?? {})) {
    methods.set(`/${PROVIDER_SERVICE}/${name}`, {
      decodeRequest: () => undefined,
      encodeResponse: () => answer,
      handle: () => {
        log.debug('served', { tf_rpc: name, precomputed: true });
        return Promise.resolve({});
      },
    });
  }
  // go-plugin's Shutdown takes and returns an empty message: no codec needed.
  methods.set(SHUTDOWN_PATH, {
    decodeRequest: () => undefined,
    encodeResponse: () => EMPTY_MESSAGE,
    handle: () => {
      log.debug('GRPCController.Shutdown: exiting');
      listener.close();
      // In case Terraform never reads the answer.
      setTimeout(() => options.onExit(0), 2000).unref();
      return Promise.resolve({});
    },
    afterAnswer: () => options.onExit(0),
  });

  let providerCodecs: Map<string, MethodCodec> | undefined;
  const method = (path: string): UnaryMethod | undefined => {
    const known = methods.get(path);
    if (known || !path.startsWith(`/${PROVIDER_SERVICE}/`)) return known;
    if (!providerCodecs) {
      const { serviceCodecs } = require('./proto-codecs') as typeof import('./proto-codecs');
      providerCodecs = serviceCodecs(TFPLUGIN6_PROTO, PROVIDER_SERVICE);
    }
    const codec = providerCodecs.get(path.slice(PROVIDER_SERVICE.length + 2));
    if (!codec) return undefined;
    const served: UnaryMethod = { ...codec, handle: providerHandler(codec.name, options) };
    methods.set(path, served);
    return served;
  };

  const { tls } = listener;
  if (!tls) log.debug('serving without TLS (TF_DISABLE_PLUGIN_TLS, or no PLUGIN_CLIENT_CERT)');
  const server = createGrpcServer({
    method,
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
