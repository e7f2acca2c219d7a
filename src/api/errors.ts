/**
 * The errors the token API client throws: one class per problem type of the contract, each with
 * a message that says what happened and what to do. None of them holds a token value, a
 * credential or a transport error object (which would hold both).
 */
import { ExternalError, UsageError } from '../errors';
import { ageOf } from './duration';
import { type Problem, ProblemTypes, type Token } from './schemas';

/** What was being attempted, for messages. Never contains a body or a header. */
export interface RequestContext {
  method: string;
  /** Path and query, e.g. `/protector/v1/connection-configurations/ccfg_x/tokens`. */
  path: string;
  /** Base URL of the API, e.g. `https://akab-x.luna.akamaiapis.net`. */
  host: string;
  /** EdgeGrid-signed management call, or an instance heartbeat with a bearer token. */
  auth: 'edgegrid' | 'bearer';
  /** The fingerprint of the bearer token, for heartbeat messages. */
  tokenFingerprint?: string;
}

export interface ApiErrorDetails {
  status?: number;
  problemType?: string;
}

export class ApiError extends ExternalError {
  /** HTTP status of the answer, when there was one. */
  readonly status: number | undefined;
  /** The problem `type` URI the API sent, when it sent one. */
  readonly problemType: string | undefined;

  constructor(code: string, message: string, details: ApiErrorDetails = {}) {
    super(code, message);
    this.status = details.status;
    this.problemType = details.problemType;
  }
}

export class NotFoundError extends ApiError {
  constructor(ctx: RequestContext, detail: string | undefined) {
    super(
      'NOT_FOUND',
      `${describe(ctx)}: ${whatWasNotFound(ctx.path)} does not exist${suffix(detail)}. ` +
        'Check the id (it may have been deleted, e.g. in Control Center); if Terraform state refers to it, ' +
        'the next plan will recreate it.',
      { status: 404, problemType: ProblemTypes.notFound },
    );
  }
}

export class MaxActiveTokensError extends ApiError {
  /** The tokens that are active now (metadata only). */
  readonly activeTokens: Token[];

  constructor(ctx: RequestContext, activeTokens: Token[], detail: string | undefined, now: number = Date.now()) {
    const configId = idsInPath(ctx.path).configId ?? 'this connection configuration';
    const listed =
      activeTokens.length > 0
        ? activeTokens.map((t) => `${t.tokenId} (${t.fingerprint}, created ${ageOf(t.createdAt, now, { units: 1, spaced: true, wholeSeconds: true })} ago)`).join(', ')
        : 'not listed by the API';
    super(
      'MAX_ACTIVE_TOKENS',
      `${describe(ctx)}: ${configId} already has the maximum of 2 active tokens: ${listed}${suffix(detail)}. ` +
        'Revoke the one no instance uses any more (in Control Center; `protector status` shows which token each ' +
        'instance uses), or let Terraform rotate: it revokes the old token once every instance has moved to the new one.',
      { status: 409, problemType: ProblemTypes.maxActiveTokens },
    );
    this.activeTokens = activeTokens;
  }
}

export class LastActiveTokenError extends ApiError {
  constructor(ctx: RequestContext, detail: string | undefined) {
    const { configId, tokenId } = idsInPath(ctx.path);
    super(
      'LAST_ACTIVE_TOKEN',
      `${describe(ctx)}: ${tokenId ?? 'the token'} is the only active token of ${configId ?? 'its configuration'} ` +
        `and cannot be revoked${suffix(detail)}. Generate a new token first, move every instance to it, then revoke ` +
        'this one (a Terraform rotation does exactly that).',
      { status: 409, problemType: ProblemTypes.lastActiveToken },
    );
  }
}

export class DeploymentTypeMismatchError extends ApiError {
  constructor(ctx: RequestContext, detail: string | undefined) {
    const who = ctx.tokenFingerprint ? `token ${ctx.tokenFingerprint}` : 'the token';
    super(
      'DEPLOYMENT_TYPE_MISMATCH',
      `${describe(ctx)}: ${who} belongs to a connection configuration of another deployment type${suffix(detail)}. ` +
        'A token only works for the deployment type (KUBERNETES or REVERSE_PROXY) of its configuration: give this ' +
        "instance a token of a configuration with the instance's deployment type.",
      { status: 403, problemType: ProblemTypes.deploymentTypeMismatch },
    );
  }
}

export interface FieldError {
  path: string;
  message: string;
}

export class ValidationError extends ApiError {
  readonly fieldErrors: FieldError[];

  /** `status`: 400, or 413 for a body over the API's size limit. */
  constructor(ctx: RequestContext, fieldErrors: FieldError[], detail: string | undefined, status = 400) {
    const listed = fieldErrors.length > 0 ? `: ${fieldErrors.map((e) => `${e.path || '(body)'}: ${e.message}`).join('; ')}` : '';
    super('VALIDATION', `${describe(ctx)}: the API rejected the request${listed}${suffix(detail)}. Correct the field(s) named and run again.`, {
      status,
      problemType: ProblemTypes.validation,
    });
    this.fieldErrors = fieldErrors;
  }
}

export class UnauthorizedError extends ApiError {
  constructor(ctx: RequestContext, detail: string | undefined) {
    const advice =
      ctx.auth === 'bearer'
        ? `The API does not accept ${ctx.tokenFingerprint ? `token ${ctx.tokenFingerprint}` : 'this token'}: it is unknown ` +
          'or revoked (manually, by license expiry or because its configuration was deleted). Give the instance a current ' +
          'active token.'
        : 'The API refused the EdgeGrid signature. Check host, client_token, client_secret and access_token in your ' +
          '.edgerc section (or AKAMAI_* variables), that the API client may use this API, and that the clock is right.';
    super('UNAUTHORIZED', `${describe(ctx)}: unauthorized${suffix(detail)}. ${advice}`, {
      status: 401,
      problemType: ProblemTypes.unauthorized,
    });
  }
}

export class RateLimitedError extends ApiError {
  /** How long the API asked us to wait before the last attempt gave up, if it said. */
  readonly retryAfterMs: number | undefined;

  constructor(ctx: RequestContext, attempts: number, retryAfterMs: number | undefined) {
    super(
      'RATE_LIMITED',
      `${describe(ctx)}: still rate limited (HTTP 429) after ${attempts} attempt(s)` +
        `${retryAfterMs !== undefined ? `; the API asks to wait ${Math.ceil(retryAfterMs / 1000)} s` : ''}. ` +
        'Run again later, or make fewer calls at once (e.g. lower terraform -parallelism).',
      { status: 429, problemType: ProblemTypes.rateLimited },
    );
    this.retryAfterMs = retryAfterMs;
  }
}

export class TokenNotActiveError extends ApiError {
  constructor(ctx: RequestContext, detail: string | undefined) {
    const { tokenId } = idsInPath(ctx.path);
    super(
      'TOKEN_NOT_ACTIVE',
      `${describe(ctx)}: ${tokenId ?? 'the token'} is not active (it was revoked)${suffix(detail)}. ` +
        'Its value can no longer be shown or used; generate a new token instead.',
      { status: 409, problemType: ProblemTypes.tokenNotActive },
    );
  }
}

export class IdempotencyKeyReusedError extends ApiError {
  constructor(ctx: RequestContext, status: number, detail: string | undefined) {
    super(
      'IDEMPOTENCY_KEY_REUSED',
      `${describe(ctx)}: this Idempotency-Key was already used for a different request${suffix(detail)}. ` +
        'Use a new key for a new request; reuse a key only to retry the very same request.',
      { status, problemType: ProblemTypes.idempotencyKeyReused },
    );
  }
}

export class ApiUnavailableError extends ApiError {
  /** One value-free line per attempt, e.g. `HTTP 503` or `ECONNRESET (socket hang up)`. */
  readonly attempts: string[];

  constructor(ctx: RequestContext, attempts: string[], lastStatus: number | undefined) {
    super(
      'API_UNAVAILABLE',
      `${describe(ctx)} failed after ${attempts.length} attempt(s): ${attempts.join(', ')}. ` +
        `Check that the API at ${ctx.host} is reachable from here (network, proxy, DNS) and healthy ` +
        '(for a local emulator: is `protector emulator` still running on that port?), then run again: ' +
        'the call is safe to repeat.',
      { status: lastStatus },
    );
    this.attempts = attempts;
  }
}

export class MalformedResponseError extends ApiError {
  /** Value-free descriptions of what was wrong, e.g. `token.fingerprint: expected string`. */
  readonly problems: string[];

  constructor(ctx: RequestContext, status: number, problems: string[]) {
    super(
      'MALFORMED_RESPONSE',
      `${describe(ctx)}: the API answered HTTP ${status} with a body that does not match the contract: ` +
        `${problems.join('; ')}. This is a fault of the API or of a proxy in between, not of your configuration; ` +
        'if it persists, report it with the request above.',
      { status },
    );
    this.problems = problems;
  }
}

/** An error answer whose problem type this client does not know. */
export class UnexpectedResponseError extends ApiError {
  constructor(ctx: RequestContext, status: number, problemType: string | undefined, detail: string | undefined) {
    super(
      'UNEXPECTED_RESPONSE',
      status === 404
        ? `${describe(ctx)}: ${ctx.host} answered HTTP 404${problemType ? ` (${problemType})` : ''}${suffix(detail)} without ` +
            "the token API's not-found problem, so it is probably not the Protector token API (a web server, a proxy or " +
            `another API). Nothing was changed and nothing is treated as deleted. Check the endpoint: the provider's ` +
            '`endpoint` argument or the `host` of your .edgerc section.'
        : `${describe(ctx)}: the API at ${ctx.host} answered HTTP ${status}${problemType ? ` (${problemType})` : ''}${suffix(detail)}. ` +
            'Check the request above; if it looks right, this is a fault of the API.',
      { status, problemType },
    );
  }
}

/** The caller's stop signal aborted a call (Terraform's StopProvider, Ctrl-C) while it waited. */
export class RequestCancelledError extends ApiError {
  constructor(ctx: RequestContext) {
    super(
      'REQUEST_CANCELLED',
      `${describe(ctx)} was cancelled because the caller is stopping (e.g. Terraform was interrupted). Every call is ` +
        'safe to repeat: run the command again to finish.',
    );
  }
}

/** A caller-supplied idempotency key the API would refuse; raised before anything is sent. */
export class InvalidIdempotencyKeyError extends UsageError {
  constructor(reason: string) {
    super('INVALID_IDEMPOTENCY_KEY', `Invalid idempotency key: ${reason}; use 8-128 characters from A-Z a-z 0-9 . _ : -`);
  }
}

/** Client tuning (timeout, retries, backoff) out of range; raised when the client is made. */
export class InvalidClientOptionsError extends UsageError {
  constructor(option: string, got: unknown, expected: string) {
    super('INVALID_CLIENT_OPTIONS', `ProtectorClient option \`${option}\` must be ${expected} (got ${String(got)}).`);
  }
}

/**
 * The typed error for an error answer. `problem` is the parsed problem document (if the body was
 * one) and `detail` its already-redacted detail text.
 */
export function errorFromProblem(ctx: RequestContext, status: number, problem: Problem | undefined, detail: string | undefined, now: number = Date.now()): ApiError {
  switch (problem?.type) {
    case ProblemTypes.notFound:
      return new NotFoundError(ctx, detail);
    case ProblemTypes.maxActiveTokens:
      return new MaxActiveTokensError(ctx, problem.activeTokens ?? [], detail, now);
    case ProblemTypes.lastActiveToken:
      return new LastActiveTokenError(ctx, detail);
    case ProblemTypes.deploymentTypeMismatch:
      return new DeploymentTypeMismatchError(ctx, detail);
    case ProblemTypes.validation:
      return new ValidationError(ctx, problem.errors ?? [], detail, status);
    case ProblemTypes.unauthorized:
      return new UnauthorizedError(ctx, detail);
    case ProblemTypes.tokenNotActive:
      return new TokenNotActiveError(ctx, detail);
    case ProblemTypes.idempotencyKeyReused:
      return new IdempotencyKeyReusedError(ctx, status, detail);
  }
  // No (known) problem type: fall back on the status, which proxies and gateways also use. Never
  // for 404: "gone" removes objects from Terraform state, so only the contract's not-found
  // problem may say it; a bare 404 comes from a wrong endpoint as often as from the API.
  if (problem === undefined || !Object.values(ProblemTypes).includes(problem.type as never)) {
    if (status === 401) return new UnauthorizedError(ctx, detail);
    if (status === 403 && ctx.auth === 'bearer') return new DeploymentTypeMismatchError(ctx, detail);
  }
  return new UnexpectedResponseError(ctx, status, problem?.type, detail);
}

/** `tok_x` / `ccfg_x` named in a contract path, for messages. */
export function idsInPath(path: string): { configId?: string; tokenId?: string } {
  const configId = /\/connection-configurations\/(ccfg_[0-9a-z]+)/.exec(path)?.[1];
  const tokenId = /\/tokens\/(tok_[0-9a-z]+)/.exec(path)?.[1];
  return { configId, tokenId };
}

function describe(ctx: RequestContext): string {
  return `${ctx.method} ${ctx.path}`;
}

function suffix(detail: string | undefined): string {
  return detail ? ` (API: ${detail.replace(/\.\s*$/, '')})` : '';
}

function whatWasNotFound(path: string): string {
  const { configId, tokenId } = idsInPath(path);
  if (tokenId) return `token ${tokenId}${configId ? ` of connection configuration ${configId}` : ''}`;
  if (configId) return `connection configuration ${configId}`;
  return 'the resource';
}
