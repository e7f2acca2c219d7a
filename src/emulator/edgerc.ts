/**
 * Reads and writes the emulator's section of an `.edgerc` file. Other sections, comments and
 * unknown keys are kept as they are; an existing section keeps its credentials and only gets
 * the new `host` (the emulator's port changes on every start).
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync, openSync, fsyncSync, closeSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { iniKeyOf, normaliseHost, parseIni } from '../api/credentials';
import { isLoopbackHostname } from '../api/hosts';
import { base36Id, systemRandom } from './random';

/** Same shape as the client's credentials: `host` carries its scheme. */
export interface EmulatorCredentials {
  host: string;
  clientToken: string;
  clientSecret: string;
  accessToken: string;
}

/**
 * Reads one section exactly as the client will (`parseIni` of `src/api/credentials`): the
 * emulator must accept what the client signs with. Undefined when the file or section is absent.
 */
export function readEdgercSection(file: string, section: string): Partial<EmulatorCredentials> | undefined {
  if (!existsSync(file)) return undefined;
  const values = parseIni(readFileSync(file, 'utf8')).get(section);
  if (!values) return undefined;
  return { host: values.host, clientToken: values.client_token, clientSecret: values.client_secret, accessToken: values.access_token };
}

/**
 * Makes `section` point at `host`: keeps its credentials when it has all three, otherwise
 * generates fresh ones. Returns the credentials the emulator must accept.
 */
export function writeEdgercSection(file: string, section: string, host: string): EmulatorCredentials {
  const existing = readEdgercSection(file, section);
  const keep = existing?.clientToken && existing.clientSecret && existing.accessToken;
  const credentials: EmulatorCredentials = keep
    ? { host, clientToken: existing.clientToken!, clientSecret: existing.clientSecret!, accessToken: existing.accessToken! }
    : { host, ...newEdgeGridClient() };

  const lines = existsSync(file) ? readFileSync(file, 'utf8').split(/\r?\n/) : [];
  const range = sectionRange(lines, section);
  const sectionLines = [
    `[${section}]`,
    `client_secret = ${credentials.clientSecret}`,
    `host = ${credentials.host}`,
    `access_token = ${credentials.accessToken}`,
    `client_token = ${credentials.clientToken}`,
  ];
  let next: string[];
  if (!range) {
    const body = trimTrailingBlank(lines);
    next = [...body, ...(body.length > 0 ? [''] : []), ...sectionLines, ''];
  } else if (keep) {
    const inner = lines.slice(range.start + 1, range.end);
    // The last one: as in the client's reader, a later duplicate wins.
    const hostAt = inner.map(iniKeyOf).lastIndexOf('host');
    if (hostAt >= 0) inner[hostAt] = `host = ${host}`;
    else inner.unshift(`host = ${host}`);
    next = [...lines.slice(0, range.start + 1), ...inner, ...lines.slice(range.end)];
  } else {
    next = [...lines.slice(0, range.start), ...sectionLines, ...lines.slice(range.end)];
  }
  writeAtomically(file, `${trimTrailingBlank(next).join('\n')}\n`);
  return credentials;
}

/** Fresh EdgeGrid client credentials in Akamai's formats. */
export function newEdgeGridClient(): Omit<EmulatorCredentials, 'host'> {
  return {
    clientToken: `akab-${base36Id(systemRandom)}-${base36Id(systemRandom)}`,
    clientSecret: randomBytes(32).toString('base64'),
    accessToken: `akab-${base36Id(systemRandom)}-${base36Id(systemRandom)}`,
  };
}

function sectionRange(lines: string[], section: string): { start: number; end: number } | undefined {
  const start = lines.findIndex((line) => line.trim() === `[${section}]`);
  if (start < 0) return undefined;
  let end = start + 1;
  while (end < lines.length && !/^\s*\[.*\]\s*$/.test(lines[end])) end += 1;
  return { start, end };
}

function trimTrailingBlank(lines: string[]): string[] {
  const copy = [...lines];
  while (copy.length > 0 && copy[copy.length - 1].trim() === '') copy.pop();
  return copy;
}

/**
 * Whether a section's `host` is this machine, judged on the host name the client will connect to
 * (`URL` parsing, as the client does): a host that only looks local, such as
 * `https://localhost:443@akab-x.luna.akamaiapis.net`, is not. No host at all counts as local:
 * there is nothing real to protect.
 */
export function isLocalEdgercHost(host: string | undefined): boolean {
  if (host === undefined || host.trim() === '') return true;
  try {
    return isLoopbackHostname(new URL(normaliseHost(host, 'host')).hostname);
  } catch {
    return false; // not a host the client accepts: never assume it is ours to overwrite
  }
}

/**
 * Temp file + rename, so a reader never sees half a file; 0600 because it holds a secret. The
 * temp file has a random name and is created exclusively: a file or symlink planted at a
 * predictable name cannot make us write the secret somewhere else.
 */
function writeAtomically(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(8).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    try {
      writeFileSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
