/**
 * RFC 9457 problem details as the emulator answers them. Rules throw an `ApiProblem`; the
 * server turns it into an `application/problem+json` response.
 */
import type { ZodError } from 'zod';
import { ProblemTypes, type Problem, type ProblemTypeName, type Token } from '../api/schemas';

export interface FieldError {
  path: string;
  message: string;
}

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    /** A `ProblemTypes` URI, or `about:blank` when the HTTP status says it all. */
    readonly type: string,
    readonly title: string,
    readonly detail: string,
    readonly extensions: { activeTokens?: Token[]; errors?: FieldError[] } = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ApiProblem';
  }

  toBody(instance: string): Problem {
    return { type: this.type, title: this.title, status: this.status, detail: this.detail, instance, ...this.extensions };
  }
}

function problem(name: ProblemTypeName, status: number, title: string, detail: string, extensions?: ApiProblem['extensions']) {
  return new ApiProblem(status, ProblemTypes[name], title, detail, extensions);
}

export const Problems = {
  notFound: (detail: string) => problem('notFound', 404, 'Not found', detail),

  configurationNotFound: (configId: string) => problem('notFound', 404, 'Not found', `Connection configuration ${configId} does not exist (or was deleted).`),

  tokenNotFound: (configId: string, tokenId: string) => problem('notFound', 404, 'Not found', `Token ${tokenId} does not exist in connection configuration ${configId}.`),

  validation: (errors: FieldError[], what = 'The request') =>
    problem('validation', 400, 'Request validation failed', `${what} is invalid: ${errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ')}`, {
      errors,
    }),

  maxActiveTokens: (configId: string, activeTokens: Token[], max: number) =>
    problem(
      'maxActiveTokens',
      409,
      'Too many active tokens',
      `Connection configuration ${configId} already has ${max} active tokens (${activeTokens
        .map((t) => `${t.tokenId} ${t.fingerprint}`)
        .join(', ')}). Revoke one of them before generating a new token.`,
      { activeTokens },
    ),

  lastActiveToken: (configId: string, tokenId: string) =>
    problem(
      'lastActiveToken',
      409,
      'Cannot revoke the only active token',
      `Token ${tokenId} is the only active token of connection configuration ${configId}. Generate a new token, ` +
        'register it on every Protector instance, then revoke this one.',
    ),

  tokenNotActive: (tokenId: string, detail?: string) =>
    problem('tokenNotActive', 409, 'Token is not active', detail ?? `Token ${tokenId} is revoked; only active tokens have a value to show.`),

  idempotencyKeyReused: (detail: string) => problem('idempotencyKeyReused', 422, 'Idempotency key reused', detail),

  unauthorized: (detail: string) => problem('unauthorized', 401, 'Unauthorized', detail),

  deploymentTypeMismatch: (detail: string) => problem('deploymentTypeMismatch', 403, 'Deployment type mismatch', detail),

  rateLimited: (retryAfterSeconds: number) => {
    const p = problem('rateLimited', 429, 'Too many requests', `Rate limit exceeded; retry after ${retryAfterSeconds} s.`);
    p.headers['Retry-After'] = String(retryAfterSeconds);
    return p;
  },

  serviceUnavailable: () => new ApiProblem(503, ProblemTypes.internal, 'Service unavailable', 'The service is temporarily unavailable; retry later.'),

  internal: (detail: string) => problem('internal', 500, 'Internal error', detail),

  methodNotAllowed: (method: string, allowed: string[]) => {
    const p = new ApiProblem(405, 'about:blank', 'Method not allowed', `${method} is not allowed here; use ${allowed.join(' or ')}.`);
    p.headers['Allow'] = allowed.join(', ');
    return p;
  },

  unsupportedMediaType: (detail: string) => new ApiProblem(415, ProblemTypes.validation, 'Unsupported media type', detail),

  /** The request names another host than this emulator (e.g. DNS rebinding from a web page). */
  misdirected: (detail: string) => new ApiProblem(421, 'about:blank', 'Misdirected request', detail),

  payloadTooLarge: (limit: number) => new ApiProblem(413, ProblemTypes.validation, 'Payload too large', `Request bodies are limited to ${limit} bytes.`),
};

/**
 * A key at least this long could be a token value put in the wrong place (values are 32 or more
 * characters): it is counted, never named. Field names of the contract are far shorter.
 */
const MAX_NAMED_KEY_LENGTH = 31;

/** One `{ path, message }` per zod issue; `prefix` names where the value came from (e.g. `query`). */
export function fieldErrorsOf(error: ZodError, prefix?: string): FieldError[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    // zod's own messages name types and limits, never a received value, except for unknown keys.
    const message = issue.code === 'unrecognized_keys' ? unknownFieldsMessage(issue.keys) : issue.message;
    return { path: prefix ? (path ? `${prefix}.${path}` : prefix) : path, message };
  });
}

function unknownFieldsMessage(keys: readonly string[]): string {
  return `Unknown field(s), remove them: ${namesOf(keys)}`;
}

/**
 * Names a client chose (unknown fields, query parameters), quoted, for a message: only short
 * ones (a long one could be a misplaced secret) and only printable ASCII (escaped otherwise),
 * so no name can carry a secret or a terminal escape into a log.
 */
export function namesOf(names: readonly string[]): string {
  const named = names
    .filter((name) => name.length <= MAX_NAMED_KEY_LENGTH)
    .map((name) => JSON.stringify(name).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  const unnamed = names.length - named.length;
  if (unnamed > 0) named.push(`${unnamed} with a name too long to repeat`);
  return named.join(', ');
}
