/**
 * `protector emulator`: runs the local token API emulator until SIGTERM/SIGINT. Prints one JSON
 * line on stdout once it listens (`{"url","edgerc","section"}`); logs go to stderr.
 */
import type { Command } from 'commander';
import * as os from 'node:os';
import * as path from 'node:path';
import { isIP } from 'node:net';
import { UsageError } from '../../errors';

interface EmulatorOptions {
  host: string;
  port: string;
  dataDir?: string;
  edgerc: string;
  section: string;
}

export function register(program: Command): void {
  program
    .command('emulator')
    .description('Run the local token API emulator (EdgeGrid-signed, test-only controls under /_emulator/).')
    .option('--host <address>', 'loopback address to listen on', '127.0.0.1')
    .option('--port <number>', 'port to listen on; 0 picks a free one', '0')
    .option('--data-dir <dir>', 'keep state in this directory across restarts (default: in memory)')
    .option('--edgerc <file>', '.edgerc file to write the credentials section into', path.join(os.homedir(), '.edgerc'))
    .option('--section <name>', '.edgerc section to write', 'default')
    .action(async (options: EmulatorOptions) => {
      await runEmulator(options);
    });
}

async function runEmulator(options: EmulatorOptions): Promise<void> {
  const host = checkLoopbackHost(options.host);
  const port = checkPort(options.port);
  const section = checkSection(options.section);
  const edgercPath = path.resolve(expandHome(options.edgerc));
  const dataDir = options.dataDir === undefined ? undefined : path.resolve(expandHome(options.dataDir));

  // Loaded here, not at the top, so `protector --help` stays fast. `require`, not `import()`:
  // under tsx's CommonJS hook a dynamic import goes through Node's ESM resolver.
  const { startEmulator } = require('../../emulator') as typeof import('../../emulator');
  refuseRealCredentials(edgercPath, section);
  const emulator = await startEmulator({ host, port, dataDir, edgercPath, section });
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.stderr.write(`[emulator] ${signal}: stopping\n`);
      emulator.close().then(resolve, resolve);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  // Only now announce readiness: a signal sent right after the ready line must find the
  // handlers in place, or the default action kills the process mid-write.
  process.stdout.write(`${JSON.stringify({ url: emulator.url, edgerc: edgercPath, section })}\n`);
  await stopped;
}

/**
 * The emulator points its section's `host` at itself and accepts the section's credentials. On a
 * section that holds real Akamai credentials (the default `[default]` of `~/.edgerc` often does)
 * that would break the user's real setup and hand their client secret to a test server: refused.
 */
function refuseRealCredentials(edgercPath: string, section: string): void {
  const { isLocalEdgercHost, readEdgercSection } = require('../../emulator/edgerc') as typeof import('../../emulator/edgerc');
  const host = readEdgercSection(edgercPath, section)?.host;
  if (isLocalEdgercHost(host)) return;
  throw new UsageError(
    'EMULATOR_SECTION_NOT_LOCAL',
    `Section [${section}] of ${edgercPath} points at ${host}, not at this machine: it looks like real credentials, ` +
      'and the emulator would overwrite its host. Pass --section with another name (e.g. --section emulator) or --edgerc with another file.',
  );
}

function checkLoopbackHost(host: string): string {
  const loopback = host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
  if (!loopback) {
    throw new UsageError('EMULATOR_HOST_NOT_LOOPBACK', `--host ${host} is not a loopback address; the emulator only listens on this machine (use 127.0.0.1 or ::1).`);
  }
  return host;
}

function checkPort(raw: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) {
    throw new UsageError('EMULATOR_BAD_PORT', `--port ${raw} is not a port number; use 0..65535 (0 picks a free port).`);
  }
  return port;
}

function checkSection(section: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(section)) {
    throw new UsageError('EMULATOR_BAD_SECTION', `--section "${section}" is not a valid .edgerc section name; use letters, digits, . _ -`);
  }
  return section;
}

function expandHome(file: string): string {
  return file === '~' || file.startsWith('~/') ? path.join(os.homedir(), file.slice(1)) : file;
}
