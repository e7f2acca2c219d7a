/**
 * go-plugin's side of the process contract: the magic cookie check, protocol version
 * negotiation, and the handshake line Terraform reads from stdout.
 */
const MAGIC_COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
export const MAGIC_COOKIE_VALUE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';
const CORE_PROTOCOL_VERSION = 1;
const APP_PROTOCOL_VERSION = 6;

export const NOT_STARTED_BY_TERRAFORM =
  'This is a Terraform provider plugin (protector-iac/protector). It is not meant to be run by hand:\n' +
  'Terraform starts it. Install it with `protector provider install`, then use it from a\n' +
  '`required_providers { protector = { source = "protector-iac/protector" } }` block.\n';

export function startedByTerraform(env: NodeJS.ProcessEnv): boolean {
  return env[MAGIC_COOKIE_KEY] === MAGIC_COOKIE_VALUE;
}

/** Terraform lists the versions it speaks (`5,6`); we speak 6 only. */
export function supportsOurProtocol(env: NodeJS.ProcessEnv): boolean {
  const offered = env.PLUGIN_PROTOCOL_VERSIONS;
  if (!offered) return true; // older clients did not say
  return offered
    .split(',')
    .map((item) => item.trim())
    .includes(String(APP_PROTOCOL_VERSION));
}

export function tlsDisabled(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.TF_DISABLE_PLUGIN_TLS);
}

/**
 * `1|6|unix|SOCKET|grpc|CERT`: CERT is the server certificate's DER in base64 *without* padding
 * (Go's RawStdEncoding; with padding Terraform fails with "illegal base64 data"), or empty when
 * TLS is off.
 */
export function handshakeLine(socketPath: string, certificateDer?: Buffer): string {
  const cert = certificateDer ? certificateDer.toString('base64').replace(/=+$/, '') : '';
  return `${CORE_PROTOCOL_VERSION}|${APP_PROTOCOL_VERSION}|unix|${socketPath}|grpc|${cert}\n`;
}
