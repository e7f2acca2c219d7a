/**
 * The built provider bundle as Terraform starts it: magic cookie, handshake line, mTLS with
 * Terraform's client certificate, the Provider service, GRPCController.Shutdown, hclog lines.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import type { Readable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { buildProviderOnce } from '../../../helpers/terraform';
import { clientDefinition, unary } from '../../../helpers/grpc-client';
import { MAGIC_COOKIE_VALUE } from '../../../../src/provider/host/handshake';
import { createServerCertificate } from '../../../../src/provider/host/self-signed-cert';
import { HclogLogger } from '../../../../src/provider/host/hclog-logger';
import { loadDefinitions } from '../../../../src/provider/serve';
import { ProviderService } from '../../../../src/provider/tfplugin6/provider-service';
import { GRPC_CONTROLLER_PROTO, TFPLUGIN6_PROTO } from '../../../../src/provider/host/proto-descriptors';

type Plugin = ChildProcessByStdio<null, Readable, Readable>;

let bundle: string;
beforeAll(async () => {
  bundle = await buildProviderOnce();
}, 60_000);

const running: Plugin[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function start(env: NodeJS.ProcessEnv): { child: Plugin; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(bundle, [], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stderr: () => stderr, exit };
}

function firstLine(child: Plugin): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`no handshake line within 10 s; got ${JSON.stringify(buffered)}`)), 10_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline >= 0) {
        clearTimeout(timer);
        resolve(buffered.slice(0, newline));
      }
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code} before the handshake`)));
  });
}

const HANDSHAKE = /^1\|6\|unix\|([^|]+)\|grpc\|([A-Za-z0-9+/]*)$/;

function clients(address: string, credentials: grpc.ChannelCredentials) {
  const Provider = grpc.makeGenericClientConstructor(clientDefinition(TFPLUGIN6_PROTO, 'tfplugin6.Provider'), 'Provider');
  const Controller = grpc.makeGenericClientConstructor(clientDefinition(GRPC_CONTROLLER_PROTO, 'plugin.GRPCController'), 'GRPCController');
  const options = { 'grpc.ssl_target_name_override': 'localhost', 'grpc.default_authority': 'localhost' };
  return { provider: new Provider(address, credentials, options), controller: new Controller(address, credentials, options) };
}

describe('provider executable handshake', () => {
  test('without the magic cookie it prints a short human message and exits 1', async () => {
    const { child, stderr, exit } = start({});
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    expect(await exit).toBe(1);
    expect(stdout).toBe('');
    expect(stderr()).toMatch(/Terraform provider plugin.*not meant to be run by hand/s);
    expect(stderr().split('\n').length).toBeLessThan(6);
  });

  test('when Terraform offers only protocol 5 it says so and exits 1', async () => {
    const { stderr, exit } = start({ TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '5' });
    expect(await exit).toBe(1);
    expect(stderr()).toContain('speaks plugin protocol 6');
  });

  test('with mTLS: unpadded base64 DER certificate, client certificate required, RPCs served, Shutdown exits 0', async () => {
    const client = createServerCertificate(); // any CA:TRUE certificate with clientAuth does for Terraform's side
    const { child, stderr, exit } = start({
      TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE,
      PLUGIN_PROTOCOL_VERSIONS: '5,6',
      PLUGIN_CLIENT_CERT: client.certPem,
      TF_LOG_PROVIDER: 'DEBUG',
    });
    const line = await firstLine(child);
    const match = HANDSHAKE.exec(line);
    expect(match).not.toBeNull();
    const [, socketPath, certField] = match!;
    expect(certField).not.toContain('=');
    const serverCert = new X509Certificate(Buffer.from(certField, 'base64'));
    expect(serverCert.checkHost('localhost')).toBe('localhost');
    expect(serverCert.ca).toBe(true);
    expect(serverCert.keyUsage).toEqual(expect.arrayContaining(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']));

    // A client without a certificate is refused.
    const anonymous = clients(`unix:${socketPath}`, grpc.credentials.createSsl(Buffer.from(serverCert.toString())));
    await expect(unary(anonymous.provider, 'GetProviderSchema', {})).rejects.toThrow();
    anonymous.provider.close();

    const mtls = grpc.credentials.createSsl(Buffer.from(serverCert.toString()), Buffer.from(client.keyPem), Buffer.from(client.certPem));
    const { provider, controller } = clients(`unix:${socketPath}`, mtls);
    const schema = await unary<{ resource_schemas: Record<string, unknown>; server_capabilities: object }>(provider, 'GetProviderSchema', {});
    expect(Object.keys(schema.resource_schemas)).toContain('protector_connection_configuration');
    expect(schema.server_capabilities).toEqual({ plan_destroy: true, get_provider_schema_optional: true, move_resource_state: false });
    // The bundle answers with the copy its build encoded; it must be the answer the sources give now.
    const fromSources = await new ProviderService({ ...loadDefinitions(), log: new HclogLogger({ level: 'off', module: 'test' }) }).GetProviderSchema();
    const wire = clientDefinition(TFPLUGIN6_PROTO, 'tfplugin6.Provider').GetProviderSchema!;
    expect(schema).toEqual(wire.responseDeserialize(wire.responseSerialize(fromSources)));

    await unary(controller, 'Shutdown', {});
    expect(await exit).toBe(0);
    provider.close();
    controller.close();

    const logLines = stderr()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines).toContainEqual(expect.objectContaining({ '@message': 'served', tf_rpc: 'GetProviderSchema', precomputed: true }));
    for (const entry of logLines) {
      expect(entry['@timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d\d:\d\d$/);
      expect(entry['@module']).toBe('provider.protector');
      expect(['trace', 'debug', 'info', 'warn', 'error']).toContain(entry['@level']);
    }
  }, 30_000);

  test('with TF_DISABLE_PLUGIN_TLS the certificate field is empty and plaintext works', async () => {
    const { child, exit } = start({ TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '5,6', TF_DISABLE_PLUGIN_TLS: '1' });
    const line = await firstLine(child);
    const match = HANDSHAKE.exec(line);
    expect(match?.[2]).toBe('');
    const { provider, controller } = clients(`unix:${match![1]}`, grpc.credentials.createInsecure());
    const stop = await unary<{ Error: string }>(provider, 'StopProvider', {});
    expect(stop.Error).toBe('');
    // An RPC this provider does not serve answers UNIMPLEMENTED instead of hanging.
    await expect(unary(provider, 'GetMetadata', {})).rejects.toMatchObject({ code: grpc.status.UNIMPLEMENTED });
    await unary(controller, 'Shutdown', {});
    const asked = Date.now();
    expect(await exit).toBe(0);
    // Terraform kills a plugin that has not exited 2 s after Shutdown, and our own fallback exit
    // fires at 2 s too: well below that means the graceful path (generous for a loaded machine).
    expect(Date.now() - asked).toBeLessThan(1500);
    provider.close();
    controller.close();
  }, 30_000);

  test('SIGINT does not stop the provider (Terraform calls StopProvider instead)', async () => {
    const { child, exit } = start({ TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE, TF_DISABLE_PLUGIN_TLS: '1' });
    await firstLine(child);
    child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(child.exitCode).toBeNull();
    child.kill('SIGTERM');
    await exit;
  }, 30_000);
});
