/**
 * The unix socket Terraform connects to, listening before the gRPC server exists.
 *
 * Terraform starts a provider 3-5 times per command and waits for each handshake line. Everything
 * the line needs (the socket, and for go-plugin's automatic mTLS the server certificate) comes from
 * Node's built-in modules, so the line goes out after a few milliseconds of work. Connections
 * that arrive before the gRPC server is loaded wait, unread, in a queue; the server takes them
 * over with {@link PluginListener.handOver}. Terraform's first call simply waits for the answer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tlsDisabled } from './handshake';
import { createServerCertificate, type ServerCertificate } from './self-signed-cert';

/** go-plugin's automatic mTLS: our certificate, and Terraform's, the only one we accept. */
interface PluginTls {
  readonly certificate: ServerCertificate;
  readonly terraformCertPem: string;
}

export interface PluginListener {
  readonly socketPath: string;
  /** Undefined when Terraform asked for plaintext (TF_DISABLE_PLUGIN_TLS, or no PLUGIN_CLIENT_CERT). */
  readonly tls: PluginTls | undefined;
  /** Gives `serve` every connection accepted so far, then each later one. Call once. */
  handOver(serve: (connection: Socket) => void): void;
  /** Stops accepting connections; open ones are left to their owner. */
  close(): void;
}

/** Listens on a fresh socket in PLUGIN_UNIX_SOCKET_DIR (or the temp dir), removed when the process exits. */
export async function listenForTerraform(env: NodeJS.ProcessEnv): Promise<PluginListener> {
  const socketDir = mkdtempSync(join(env.PLUGIN_UNIX_SOCKET_DIR || tmpdir(), 'protector-plugin-'));
  process.once('exit', () => rmSync(socketDir, { recursive: true, force: true }));
  const socketPath = join(socketDir, 'plugin.sock');

  const waiting: Socket[] = [];
  let serve: ((connection: Socket) => void) | undefined;
  // Paused: no byte is read (so no TLS handshake starts) until the gRPC server owns the connection.
  const server: Server = createServer({ pauseOnConnect: true }, (connection) => {
    if (serve) serve(connection);
    else waiting.push(connection);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const terraformCertPem = env.PLUGIN_CLIENT_CERT;
  const tls = tlsDisabled(env) || !terraformCertPem ? undefined : { certificate: createServerCertificate(), terraformCertPem };
  return {
    socketPath,
    tls,
    handOver(next) {
      if (serve) throw new Error('the plugin listener was already handed over');
      serve = next;
      for (const connection of waiting.splice(0)) next(connection);
    },
    close() {
      server.close();
    },
  };
}
