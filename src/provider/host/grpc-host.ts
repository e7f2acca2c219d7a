/**
 * Serves the tfplugin6 Provider and go-plugin GRPCController services over a unix socket, with
 * go-plugin's automatic mTLS (Terraform's PLUGIN_CLIENT_CERT is the only trusted CA and a client
 * certificate is required) unless TF_DISABLE_PLUGIN_TLS is set, then prints the handshake line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { HclogLogger } from './hclog-logger';
import { handshakeLine, tlsDisabled } from './handshake';
import { createServerCertificate } from './self-signed-cert';
import { GRPC_CONTROLLER_PROTO, TFPLUGIN6_PROTO, type ProtoDescriptor } from './proto-descriptors';

/** An RPC implementation: the request message in, the response message out. */
type RpcHandler = (request: never) => Promise<object>;
export type RpcTable = Record<string, RpcHandler | undefined>;

export interface HostOptions {
  /** Resolves method names (the .proto's, e.g. "PlanResourceChange") to handlers. */
  provider: () => RpcTable;
  log: HclogLogger;
  env: NodeJS.ProcessEnv;
  /** Receives the handshake line (stdout in production). */
  announce: (line: string) => void;
  /** Called after Shutdown or a fatal error; the process exits there. */
  onExit: (code: number) => void;
}

const MAX_MESSAGE_BYTES = 256 << 20; // Terraform's own limit for provider messages

export function loadService(descriptor: ProtoDescriptor, serviceName: string): grpc.ServiceDefinition {
  const definition = protoLoader.fromJSON(descriptor, {
    keepCase: true,
    longs: Number,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  return definition[serviceName] as grpc.ServiceDefinition;
}

export async function startHost(options: HostOptions): Promise<void> {
  const { log, env } = options;
  const server = new grpc.Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  });

  const providerService = loadService(TFPLUGIN6_PROTO, 'tfplugin6.Provider');
  server.addService(providerService, providerImplementation(providerService, options));

  const socketDir = mkdtempSync(join(env.PLUGIN_UNIX_SOCKET_DIR || tmpdir(), 'protector-plugin-'));
  const socketPath = join(socketDir, 'plugin.sock');
  const cleanup = () => rmSync(socketDir, { recursive: true, force: true });
  process.once('exit', cleanup);
  process.once('SIGTERM', () => options.onExit(0)); // so the socket directory is removed

  const controllerService = loadService(GRPC_CONTROLLER_PROTO, 'plugin.GRPCController');
  server.addService(controllerService, {
    Shutdown: (_call: grpc.ServerUnaryCall<object, object>, callback: grpc.sendUnaryData<object>) => {
      log.debug('GRPCController.Shutdown: exiting');
      callback(null, {});
      // Let the answer leave before the process goes.
      setImmediate(() => server.tryShutdown(() => options.onExit(0)));
      setTimeout(() => options.onExit(0), 2000).unref();
    },
  });

  let credentials: grpc.ServerCredentials;
  let certificateDer: Buffer | undefined;
  if (tlsDisabled(env) || !env.PLUGIN_CLIENT_CERT) {
    credentials = grpc.ServerCredentials.createInsecure();
    log.debug('serving without TLS', { reason: tlsDisabled(env) ? 'TF_DISABLE_PLUGIN_TLS' : 'no PLUGIN_CLIENT_CERT' });
  } else {
    const certificate = createServerCertificate();
    certificateDer = certificate.der;
    credentials = grpc.ServerCredentials.createSsl(
      Buffer.from(env.PLUGIN_CLIENT_CERT),
      [{ private_key: Buffer.from(certificate.keyPem), cert_chain: Buffer.from(certificate.certPem) }],
      true,
    );
  }

  await new Promise<void>((resolve, reject) => {
    server.bindAsync(`unix:${socketPath}`, credentials, (error) => (error ? reject(error) : resolve()));
  });
  options.announce(handshakeLine(socketPath, certificateDer));
  log.debug('plugin started', { socket: socketPath, tls: certificateDer !== undefined, startup_ms: Math.round(performance.now()) });
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
