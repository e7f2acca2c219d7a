/**
 * The `provider "protector" { ... }` block: its schema and how it becomes {@link ProviderDeps}.
 * The host (./host) serves {@link providerConfig}; tests call {@link configureProvider} directly.
 */
import { existsSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import * as z from 'zod';
import { expandHome, loadCredentials, MissingSectionError } from '../api/credentials';
import { UsageError } from '../errors';
import { version as packageVersion } from '../../package.json';
import type { ApiLogEvent } from '../api/client';
import type { AttributePath, Diagnostics, Logger, ObjectSchema, Value } from './framework/types';
import { defineProviderConfig, Unknown } from './framework/types';
import { firstProblem, matchesPattern, notBlank, validator, wholeNumberBetween } from './framework/validators';
import type { ProviderDeps } from './provider-deps';
import { RefreshedTokenLists } from './rotation/refreshed-token-lists';
import { durationBetween, isDuration } from './validators';
import { DURATION_HINT, durationMs } from '../api/duration';
import {
  DEFAULT_MAX_RETRIES,
  DEFAULT_REQUEST_TIMEOUT,
  EDGERC_SECTION_HINT,
  EDGERC_SECTION_PATTERN,
  MAX_REQUEST_TIMEOUT,
  MAX_RETRIES_LIMIT,
  MIN_REQUEST_TIMEOUT,
} from '../api/rules';
import { withoutEchoedSecrets } from './framework/validate';

const CREDENTIAL_ENV_VARS = 'AKAMAI_HOST, AKAMAI_CLIENT_TOKEN, AKAMAI_CLIENT_SECRET and AKAMAI_ACCESS_TOKEN';

export const providerSchema: ObjectSchema = {
  attributes: {
    edgerc: {
      type: 'string',
      optional: true,
      description:
        'Path to the `.edgerc` file holding the EdgeGrid API credentials. A leading `~` means your home directory. ' +
        'Defaults to `~/.edgerc` when that file has the section; otherwise the credentials come from the ' +
        `\`AKAMAI_<SECTION>_*\` or \`AKAMAI_*\` environment variables (${CREDENTIAL_ENV_VARS}).`,
      validate: notBlank('a file path'),
    },
    section: {
      type: 'string',
      optional: true,
      description:
        'Section of the `.edgerc` file to read, and the `<SECTION>` of the `AKAMAI_<SECTION>_*` environment variables. Defaults to `default`. ' +
        'A section named here (or in a file named by `edgerc`) must exist: a missing one is an error, never a fall back to other credentials.',
      validate: matchesPattern(EDGERC_SECTION_PATTERN, EDGERC_SECTION_HINT),
    },
    endpoint: {
      type: 'string',
      optional: true,
      description:
        'Base URL of the Protector API, such as `https://akab-xxxx.luna.akamaiapis.net`. It overrides the `host` of the ' +
        'credentials; a host without a scheme means HTTPS. Useful for pointing the provider at a local emulator.',
      validate: validator('an http or https URL without a path', (value) => (typeof value === 'string' ? endpointProblem(value) : undefined)),
    },
    request_timeout: {
      type: 'string',
      optional: true,
      description:
        `How long one API request may take before it is abandoned and retried, as ${DURATION_HINT}. ` +
        `At most ${MAX_REQUEST_TIMEOUT}. Defaults to \`"${DEFAULT_REQUEST_TIMEOUT}"\`.`,
      validate: [
        isDuration(),
        durationBetween({ min: MIN_REQUEST_TIMEOUT, max: MAX_REQUEST_TIMEOUT }, `a request timeout from "${MIN_REQUEST_TIMEOUT}" to "${MAX_REQUEST_TIMEOUT}"`),
      ],
    },
    max_retries: {
      type: 'number',
      optional: true,
      description:
        'How many times a failed request (network error, timeout, HTTP 5xx or 429) is retried with backoff before the ' +
        `operation fails. Token generation is only retried with the same idempotency key, so a retry never creates a second token. ` +
        `From 0 to ${MAX_RETRIES_LIMIT}. Defaults to \`${DEFAULT_MAX_RETRIES}\`.`,
      validate: wholeNumberBetween(0, MAX_RETRIES_LIMIT),
    },
  },
};

export const providerDescription =
  'The `protector` provider manages App & API Protector Hybrid connection configurations and rotates their tokens. ' +
  'It signs every request with EdgeGrid credentials read from an `.edgerc` file or from `AKAMAI_*` environment variables.';

/** The provider block after validation, with defaults applied. */
export interface ProviderSettings {
  edgerc?: string;
  section?: string;
  endpoint?: string;
  requestTimeoutMs: number;
  maxRetries: number;
}

export interface ConfigureOptions {
  /** Where `AKAMAI_*` variables and `HOME` come from; the process environment by default. */
  env?: NodeJS.ProcessEnv;
  /** Receives the client's request log events (never token values). */
  apiLogger?: (event: ApiLogEvent) => void;
  /** StopProvider's signal: it cancels API calls in flight and their retry waits. */
  signal?: AbortSignal;
}

export const providerConfig = defineProviderConfig({
  description: providerDescription,
  schema: providerSchema,
  configure: (config, ctx): ProviderDeps | null => configureProvider(config, ctx.diagnostics, { apiLogger: apiLogTo(ctx.log), signal: ctx.signal }) ?? null,
});

/** Builds the dependencies every handler gets; `undefined` when the diagnostics hold an error. */
export function configureProvider(config: { [attribute: string]: Value }, diagnostics: Diagnostics, options: ConfigureOptions = {}): ProviderDeps | undefined {
  const env = options.env ?? process.env;
  const settings = parseProviderSettings(config, diagnostics, env);
  if (!settings) return undefined;

  // The credentials loader falls back to environment variables when a file is absent; a file the
  // user named explicitly must exist, or a typo would silently pick other credentials.
  if (settings.edgerc !== undefined && !existsSync(settings.edgerc)) {
    diagnostics.error(
      'Missing .edgerc File',
      `The provider's \`edgerc\` names ${JSON.stringify(settings.edgerc)}, which does not exist. Fix the path, or remove ` +
        `the argument to use ~/.edgerc or the ${CREDENTIAL_ENV_VARS} environment variables.`,
      ['edgerc'],
    );
    return undefined;
  }

  let credentials: ReturnType<typeof loadCredentials>;
  try {
    credentials = loadCredentials({ edgerc: settings.edgerc, section: settings.section, env });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const where: AttributePath | undefined = error instanceof MissingSectionError ? ['section'] : settings.edgerc ? ['edgerc'] : undefined;
    diagnostics.error(
      'Missing API Credentials',
      `${error.message} Set the provider's \`edgerc\` (and \`section\`) arguments to an .edgerc file that holds ` +
        `the credentials, or set the ${CREDENTIAL_ENV_VARS} environment variables.`,
      where,
    );
    return undefined;
  }
  if (settings.endpoint) credentials = { ...credentials, host: settings.endpoint };

  // Loaded here, not with the definitions: axios and akamai-edgegrid are a good part of a start,
  // and of the 3-5 provider processes of a Terraform command only those that talk to the API
  // configure the provider (the first one only reads the schema, the validation one only validates).
  const { ProtectorClient } = require('../api/client') as typeof import('../api/client');
  const api = new ProtectorClient({
    credentials,
    timeoutMs: settings.requestTimeoutMs,
    maxRetries: settings.maxRetries,
    logger: options.apiLogger,
    userAgent: `terraform-provider-protector/${packageVersion}`,
    signal: options.signal,
  });
  return { api, clock: systemClock, sleep, refreshedTokenLists: new RefreshedTokenLists(), initialTokenIds: new Map() };
}

const systemClock = { now: (): Date => new Date() };

/** Resolves after `ms`, or rejects with an AbortError as soon as `signal` aborts (StopProvider). */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal });
}

// ---------------------------------------------------------------------------------------------
// Pure helpers
// ---------------------------------------------------------------------------------------------

/** Each API attempt as a debug line (TF_LOG=debug); the client's events never hold bodies or headers. */
function apiLogTo(log: Logger): (event: ApiLogEvent) => void {
  return (event) => {
    const fields: Record<string, string | number | boolean> = { method: event.method, path: event.path, attempt: event.attempt, duration_ms: event.durationMs };
    if (event.status !== undefined) fields.status = event.status;
    if (event.failure !== undefined) fields.failure = event.failure;
    if (event.retryInMs !== undefined) fields.retry_in_ms = event.retryInMs;
    log.debug('protector API request', fields);
  };
}

const SettingsInputSchema = z.object({
  edgerc: z.string().nullable(),
  section: z.string().nullable(),
  endpoint: z.string().nullable(),
  request_timeout: z.string().nullable(),
  max_retries: z.number().nullable(),
});

/**
 * Checks the decoded block (the same rules as the attribute validators, since ConfigureProvider
 * may run without ValidateProviderConfig in tests) and applies defaults.
 */
export function parseProviderSettings(
  config: { [attribute: string]: Value },
  diagnostics: Diagnostics,
  env: NodeJS.ProcessEnv = process.env,
): ProviderSettings | undefined {
  for (const name of Object.keys(providerSchema.attributes)) {
    if (config[name] === Unknown) {
      diagnostics.error(
        'Provider Argument Not Known Until Apply',
        `The provider's \`${name}\` depends on a value that is only known after apply. Use a literal, a variable or ` +
          'a value from a data source instead, so that the provider can be configured during plan.',
        [name],
      );
    }
  }
  if (diagnostics.hasErrors()) return undefined;

  const input = SettingsInputSchema.safeParse(withNulls(config));
  if (!input.success) {
    for (const issue of input.error.issues) {
      const attribute = String(issue.path[0] ?? '');
      diagnostics.error('Invalid Provider Argument', `\`${attribute}\`: ${issue.message}.`, [attribute]);
    }
    return undefined;
  }
  for (const [name, attribute] of Object.entries(providerSchema.attributes)) {
    const value = config[name];
    if (value === null || value === undefined) continue;
    const problem = firstProblem(attribute.validate, value);
    if (problem) diagnostics.error('Invalid Provider Argument', withoutEchoedSecrets(`\`${name}\`: ${problem}.`, value), [name]);
  }
  if (diagnostics.hasErrors()) return undefined;

  const { edgerc, section, endpoint, request_timeout, max_retries } = input.data;
  return {
    edgerc: edgerc === null ? undefined : expandHome(edgerc, env),
    section: section ?? undefined,
    endpoint: endpoint ?? undefined,
    requestTimeoutMs: durationMs(request_timeout ?? DEFAULT_REQUEST_TIMEOUT),
    maxRetries: max_retries ?? DEFAULT_MAX_RETRIES,
  };
}

function withNulls(config: { [attribute: string]: Value }): Record<string, Value> {
  const filled: Record<string, Value> = {};
  for (const name of Object.keys(providerSchema.attributes)) filled[name] = config[name] ?? null;
  return filled;
}

function endpointProblem(value: string): string | undefined {
  const expected = 'expected a URL such as "https://akab-xxxx.luna.akamaiapis.net" or "http://127.0.0.1:8080"';
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return `${expected}, got ${JSON.stringify(value)}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `${expected} (scheme http or https), got ${JSON.stringify(value)}`;
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username || url.password) {
    return `${expected} with no path, query or user info, got ${JSON.stringify(value)}`;
  }
  return undefined;
}
