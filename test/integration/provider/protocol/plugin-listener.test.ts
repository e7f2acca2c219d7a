/**
 * The socket the handshake line names, listening before the gRPC server exists: a connection that
 * Terraform opens in between waits unread and reaches the server with nothing lost.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { listenForTerraform, type PluginListener } from '../../../../src/provider/host/plugin-listener';
import { createServerCertificate } from '../../../../src/provider/host/self-signed-cert';

let socketDir: string;
const opened: Array<PluginListener | Socket> = [];

beforeEach(() => {
  socketDir = mkdtempSync(path.join(tmpdir(), 'plugin-listener-'));
});
afterEach(() => {
  for (const item of opened.splice(0))
    if ('handOver' in item) item.close();
    else item.destroy();
  rmSync(socketDir, { recursive: true, force: true });
});

async function listen(env: NodeJS.ProcessEnv = {}): Promise<PluginListener> {
  const listener = await listenForTerraform({ PLUGIN_UNIX_SOCKET_DIR: socketDir, ...env });
  opened.push(listener);
  return listener;
}

function dial(socketPath: string, bytes: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const client = connect(socketPath, () => client.write(bytes, () => resolve(client)));
    client.once('error', reject);
    opened.push(client);
  });
}

function readAll(connection: Socket, length: number): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    connection.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      if (text.length >= length) resolve(text);
    });
  });
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

test('a connection made before the hand-over waits unread, then reaches the server with every byte', async () => {
  const listener = await listen({ TF_DISABLE_PLUGIN_TLS: '1' });
  expect(path.dirname(path.dirname(listener.socketPath))).toBe(socketDir);

  await dial(listener.socketPath, 'PRI * HTTP/2.0');
  await settle();
  const handedOver: Socket[] = [];
  listener.handOver((connection) => {
    handedOver.push(connection);
    opened.push(connection); // closed after the test, like the client side
  });

  expect(handedOver).toHaveLength(1);
  expect(handedOver[0].bytesRead).toBe(0); // nothing was read while it waited
  expect(await readAll(handedOver[0].resume(), 14)).toBe('PRI * HTTP/2.0');
});

test('a connection made after the hand-over goes straight to the server', async () => {
  const listener = await listen({ TF_DISABLE_PLUGIN_TLS: '1' });
  const handedOver: Socket[] = [];
  listener.handOver((connection) => {
    handedOver.push(connection);
    opened.push(connection); // closed after the test, like the client side
  });
  await dial(listener.socketPath, 'later');
  await settle();
  expect(handedOver).toHaveLength(1);
  expect(await readAll(handedOver[0].resume(), 5)).toBe('later');
  expect(() => listener.handOver(() => undefined)).toThrow(/already handed over/);
});

test('TLS only when Terraform sent its certificate and did not disable TLS', async () => {
  const terraformCertPem = createServerCertificate().certPem;
  expect((await listen({ PLUGIN_CLIENT_CERT: terraformCertPem })).tls).toMatchObject({ terraformCertPem, certificate: { der: expect.any(Buffer) } });
  expect((await listen({ PLUGIN_CLIENT_CERT: terraformCertPem, TF_DISABLE_PLUGIN_TLS: '1' })).tls).toBeUndefined();
  expect((await listen({})).tls).toBeUndefined();
});
