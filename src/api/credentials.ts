/**
 * Where EdgeGrid credentials come from: an `.edgerc` file section, or `AKAMAI_*` environment
 * variables. One job: produce a complete, normalised set, or say exactly what is missing.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors';

export interface EdgeGridCredentials {
  /** Base URL with its scheme and no trailing slash, e.g. `https://akab-x.luna.akamaiapis.net`. */
  host: string;
  clientToken: string;
  clientSecret: string;
  accessToken: string;
}

export interface LoadCredentialsOptions {
  /** Path to the `.edgerc` file; `~` is the home directory. @default `~/.edgerc` */
  edgerc?: string;
  /** Section of the `.edgerc` file. @default `default` */
  section?: string;
  /** Environment to read `AKAMAI_*` variables from. @default process.env */
  env?: NodeJS.ProcessEnv;
}

const DEFAULT_EDGERC = '~/.edgerc';
const DEFAULT_SECTION = 'default';

/** The four keys an `.edgerc` section needs, and the suffix of their environment variables. */
const FIELDS = [
  { key: 'host', envSuffix: 'HOST', prop: 'host' },
  { key: 'client_token', envSuffix: 'CLIENT_TOKEN', prop: 'clientToken' },
  { key: 'client_secret', envSuffix: 'CLIENT_SECRET', prop: 'clientSecret' },
  { key: 'access_token', envSuffix: 'ACCESS_TOKEN', prop: 'accessToken' },
] as const;

export class CredentialsError extends UsageError {
  constructor(message: string) {
    super('CREDENTIALS', message);
  }
}

/** The named section is not in the .edgerc file (a typo, or the wrong file). */
export class MissingSectionError extends CredentialsError {}

/**
 * Loads credentials: the `.edgerc` section first; if there is no such file, the variables of that
 * section (`AKAMAI_<SECTION>_*` for a named section, `AKAMAI_*` for `default`). A file or section
 * the caller named that does not exist is an error, never a fallback: a typo must not pick up
 * whatever credentials the environment holds (in CI, often production's). A section or variable
 * set that exists but is incomplete is reported as such rather than silently skipped over.
 */
export function loadCredentials(options: LoadCredentialsOptions = {}): EdgeGridCredentials {
  const env = options.env ?? process.env;
  const section = options.section ?? DEFAULT_SECTION;
  const edgercPath = expandHome(options.edgerc ?? DEFAULT_EDGERC, env);
  const lookedAt: string[] = [];
  const named = options.edgerc !== undefined || options.section !== undefined;

  const fromFile = readEdgercSection(edgercPath, section);
  if (fromFile.kind === 'no-section' && named) {
    throw new MissingSectionError(
      `${edgercPath} has no section [${section}]; it has ${fromFile.sections.length > 0 ? listOf(fromFile.sections.map((name) => `[${name}]`)) : 'no sections'}. ` +
        `Use one of those section names, or add a [${section}] section (host, client_token, client_secret, access_token).`,
    );
  }
  if (fromFile.kind === 'no-file' && options.edgerc !== undefined) {
    throw new CredentialsError(`${edgercPath} does not exist. Fix the path of the .edgerc file, or leave it out to use ~/.edgerc or the AKAMAI_* variables.`);
  }
  if (fromFile.kind === 'found') {
    const missing = FIELDS.filter((f) => !fromFile.values[f.key]).map((f) => f.key);
    if (missing.length > 0) {
      throw new CredentialsError(
        `Section [${section}] of ${edgercPath} is missing ${listOf(missing)}. ` +
          'Add them (from the API client in Akamai Control Center: Identity & Access > API clients).',
      );
    }
    return normalise(
      {
        host: fromFile.values.host!,
        clientToken: fromFile.values.client_token!,
        clientSecret: fromFile.values.client_secret!,
        accessToken: fromFile.values.access_token!,
      },
      `host in section [${section}] of ${edgercPath}`,
    );
  }
  lookedAt.push(fromFile.kind === 'no-file' ? `${edgercPath} (${fromFile.why})` : `${edgercPath} (no section [${section}])`);

  for (const prefix of envPrefixes(section)) {
    const names = FIELDS.map((f) => `${prefix}${f.envSuffix}`);
    const present = names.filter((name) => nonEmpty(env[name]));
    if (present.length === FIELDS.length) {
      const [host, clientToken, clientSecret, accessToken] = names.map((name) => env[name]!.trim());
      return normalise({ host: host!, clientToken: clientToken!, clientSecret: clientSecret!, accessToken: accessToken! }, names[0]!);
    }
    if (present.length > 0) {
      const missing = names.filter((name) => !nonEmpty(env[name]));
      throw new CredentialsError(
        `EdgeGrid credentials are incomplete: ${listOf(present)} ${present.length === 1 ? 'is' : 'are'} set but ` +
          `${listOf(missing)} ${missing.length === 1 ? 'is' : 'are'} not. Set the missing variable(s), or unset them all ` +
          `and use an .edgerc file.`,
      );
    }
    lookedAt.push(`environment variables ${prefix}HOST, ${prefix}CLIENT_TOKEN, ${prefix}CLIENT_SECRET, ${prefix}ACCESS_TOKEN (none set)`);
  }

  throw new CredentialsError(
    `No EdgeGrid credentials found. Looked at: ${lookedAt.join('; ')}. ` +
      `Create an .edgerc file with a [${section}] section (host, client_token, client_secret, access_token), ` +
      `point --edgerc/--section at one, or set the ${envPrefixes(section)[0]}* variables.`,
  );
}

/** `~` and `~/x` mean the home directory (the `HOME` of `env` when it has one). */
export function expandHome(path: string, env: NodeJS.ProcessEnv = process.env): string {
  if (path !== '~' && !path.startsWith('~/')) return path;
  const home = nonEmpty(env.HOME) ? env.HOME! : homedir();
  return path === '~' ? home : join(home, path.slice(2));
}

/**
 * A host without a scheme is an Akamai API host and means https; the emulator writes
 * `http://127.0.0.1:PORT` explicitly.
 */
export function normaliseHost(rawHost: string, where: string): string {
  const trimmed = rawHost.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new CredentialsError(`${where} is not a host name or URL; expected e.g. "akab-xxxx.luna.akamaiapis.net".`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CredentialsError(`${where} uses scheme "${url.protocol}"; only https (or http for a local emulator) works.`);
  }
  if (!/^\/*$/.test(url.pathname) || url.search !== '' || url.hash !== '' || url.hostname === '') {
    throw new CredentialsError(`${where} must be a bare host (optionally with scheme and port), without a path or query.`);
  }
  // `https://localhost:443@akab-x...` connects to akab-x: user info only hides the real host.
  if (url.username !== '' || url.password !== '') {
    throw new CredentialsError(`${where} contains user info ("...@"); write only the host, e.g. "akab-xxxx.luna.akamaiapis.net".`);
  }
  return `${url.protocol}//${url.host}`;
}

function normalise(creds: EdgeGridCredentials, hostSource: string): EdgeGridCredentials {
  return { ...creds, host: normaliseHost(creds.host, hostSource) };
}

/** `AKAMAI_<SECTION>_` for a named section, plain `AKAMAI_` for the default one: never both. */
function envPrefixes(section: string): string[] {
  if (section === DEFAULT_SECTION) return ['AKAMAI_'];
  return [`AKAMAI_${section.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`];
}

type SectionLookup = { kind: 'found'; values: Record<string, string | undefined> } | { kind: 'no-file'; why: string } | { kind: 'no-section'; sections: string[] };

function readEdgercSection(path: string, section: string): SectionLookup {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'no-file', why: 'file does not exist' };
    if (code === 'EACCES') throw new CredentialsError(`Cannot read ${path}: permission denied. Fix its permissions (chmod 600).`);
    if (code === 'EISDIR') throw new CredentialsError(`${path} is a directory; --edgerc must name a file.`);
    throw new CredentialsError(`Cannot read ${path} (${code ?? 'unknown error'}).`);
  }
  const sections = parseIni(text);
  const values = sections.get(section);
  return values ? { kind: 'found', values } : { kind: 'no-section', sections: [...sections.keys()] };
}

/**
 * A small INI reader for `.edgerc`: `[section]` headers, `key = value` lines, `;`/`#` comments,
 * optionally quoted values. Later duplicates win, as in Akamai's own readers.
 */
export function parseIni(text: string): Map<string, Record<string, string>> {
  const sections = new Map<string, Record<string, string>>();
  let current: Record<string, string> | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      const name = header[1]!.trim();
      current = sections.get(name) ?? {};
      sections.set(name, current);
      continue;
    }
    const key = iniKeyOf(line);
    if (key === undefined || current === undefined) continue;
    current[key] = unquote(line.slice(line.indexOf('=') + 1).trim());
  }
  return sections;
}

/** The key a `key = value` line sets, as `parseIni` spells it (lower case, `-` as `_`). */
export function iniKeyOf(line: string): string | undefined {
  const trimmed = line.trim();
  if (trimmed.startsWith(';') || trimmed.startsWith('#')) return undefined;
  const eq = trimmed.indexOf('=');
  return eq <= 0 ? undefined : trimmed.slice(0, eq).trim().toLowerCase().replace(/-/g, '_');
}

function unquote(value: string): string {
  const quoted = /^(["'])(.*)\1\s*(?:[;#].*)?$/.exec(value);
  if (quoted) return quoted[2]!;
  // Inline comments need whitespace before them: secrets may contain ';' or '#'.
  return value.replace(/\s+[;#].*$/, '').trim();
}

function nonEmpty(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}

function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
