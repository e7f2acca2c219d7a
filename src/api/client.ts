/**
 * The typed client of the token API: EdgeGrid-signed calls over axios, every answer validated
 * against the zod contract, transient failures retried, errors typed. Every call is safe to
 * retry: reads, PATCH, DELETE and revoke are idempotent by contract, and the two POSTs that
 * create something carry an `Idempotency-Key` that stays the same across attempts.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { AxiosInstance } from 'axios';
import type * as z from 'zod';
import type { EdgeGridCredentials } from './credentials';
import { EdgeGridSigner } from './edgegrid';
import {
  ApiUnavailableError,
  InvalidClientOptionsError,
  InvalidIdempotencyKeyError,
  NotFoundError,
  RateLimitedError,
  RequestCancelledError,
  type RequestContext,
} from './errors';
import { createHttp, exchange, readFailure, readSuccess } from './http';
import {
  DEFAULT_RETRY_POLICY,
  type RetryPolicy,
  type Sleep,
  backoffDelayMs,
  isRetryableNetworkCode,
  isRetryableStatus,
  mayHaveReachedServer,
  parseRetryAfterMs,
  realSleep,
} from './retry';
import {
  ActivityLogSchema,
  ApiPaths,
  type ActivityLog,
  ConnectionConfigurationPageSchema,
  ConnectionConfigurationSchema,
  type ConnectionConfiguration,
  type ConnectionConfigurationPage,
  type CreateConnectionConfigurationRequest,
  CreateConnectionConfigurationResponseSchema,
  type CreateConnectionConfigurationResponse,
  IDEMPOTENCY_KEY_HEADER,
  IdempotencyKeySchema,
  InstanceListSchema,
  type InstanceList,
  TokenListSchema,
  type TokenList,
  TokenSchema,
  type Token,
  TokenValueResponseSchema,
  type TokenValueResponse,
  TokenWithValueSchema,
  type TokenWithValue,
  type UpdateConnectionConfigurationRequest,
} from './schemas';

/** One attempt of one call, as the optional logger sees it. Never holds a body or a header. */
export interface ApiLogEvent {
  method: string;
  /** Path and query, e.g. `/protector/v1/connection-configurations/ccfg_x/tokens`. */
  path: string;
  /** HTTP status; absent when no answer arrived. */
  status?: number;
  /** Transport failure code (e.g. `ECONNRESET`) when no answer arrived. */
  failure?: string;
  /** 1 for the first attempt. */
  attempt: number;
  durationMs: number;
  /** Set when another attempt follows after this many milliseconds. */
  retryInMs?: number;
}

export interface ProtectorClientOptions {
  credentials: EdgeGridCredentials;
  /** Per-attempt timeout. @default 30000 */
  timeoutMs?: number;
  /** Attempts after the first, for transient failures. @default 5 */
  maxRetries?: number;
  logger?: (event: ApiLogEvent) => void;
  /** @default `cdktf-protector` */
  userAgent?: string;
  /** Backoff tuning (the retry count is `maxRetries`). */
  retry?: Partial<Omit<RetryPolicy, 'maxRetries'>>;
  /** Injected so tests can observe or shorten waits. @default setTimeout */
  sleep?: Sleep;
  /** Jitter source in [0, 1). @default Math.random */
  random?: () => number;
  /**
   * Aborting it cancels the call in flight and any wait for a retry with a RequestCancelledError
   * (the provider passes Terraform's StopProvider signal).
   */
  signal?: AbortSignal;
}

interface CallSpec<S extends z.ZodType> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  idempotencyKey?: string;
  /** Undefined for calls answered with 204 No Content. */
  schema: S | undefined;
  /**
   * A retry of a DELETE whose earlier attempt may have been acted on (it failed in transit, or
   * with a 5xx) finds nothing to delete: that is success, not an error.
   */
  notFoundAfterUnknownOutcomeIsSuccess?: boolean;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The tuning a client accepts. Bounded on purpose: axios reads a timeout of 0 as "none" (a call
 * could hang for ever), and an infinite retry count is an endless loop.
 */
const TUNING_LIMITS = [
  { option: 'timeoutMs', get: (o: ProtectorClientOptions) => o.timeoutMs, min: 1, max: 600_000, integer: true },
  { option: 'maxRetries', get: (o: ProtectorClientOptions) => o.maxRetries, min: 0, max: 20, integer: true },
  { option: 'retry.baseDelayMs', get: (o: ProtectorClientOptions) => o.retry?.baseDelayMs, min: 0, max: 600_000, integer: false },
  { option: 'retry.maxDelayMs', get: (o: ProtectorClientOptions) => o.retry?.maxDelayMs, min: 0, max: 600_000, integer: false },
  { option: 'retry.maxRetryAfterMs', get: (o: ProtectorClientOptions) => o.retry?.maxRetryAfterMs, min: 0, max: 600_000, integer: false },
] as const;

function checkTuning(options: ProtectorClientOptions): void {
  for (const { option, get, min, max, integer } of TUNING_LIMITS) {
    const value = get(options);
    if (value === undefined) continue;
    const valid = Number.isFinite(value) && value >= min && value <= max && (!integer || Number.isInteger(value));
    if (!valid) throw new InvalidClientOptionsError(option, value, `${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
  }
}

export class ProtectorClient {
  // Private fields stay out of util.inspect and JSON.stringify: the secret must not show in dumps.
  readonly #credentials: EdgeGridCredentials;
  readonly #signer: EdgeGridSigner;
  readonly #http: AxiosInstance;
  readonly #timeoutMs: number;
  readonly #policy: RetryPolicy;
  readonly #logger: ((event: ApiLogEvent) => void) | undefined;
  readonly #userAgent: string;
  readonly #sleep: Sleep;
  readonly #random: () => number;
  readonly #signal: AbortSignal | undefined;

  constructor(options: ProtectorClientOptions) {
    checkTuning(options);
    this.#credentials = options.credentials;
    this.#signer = new EdgeGridSigner(options.credentials);
    this.#http = createHttp(options.credentials.host);
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#policy = { ...DEFAULT_RETRY_POLICY, ...options.retry, maxRetries: options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries };
    this.#logger = options.logger;
    this.#userAgent = options.userAgent ?? 'cdktf-protector';
    this.#sleep = options.sleep ?? realSleep;
    this.#random = options.random ?? Math.random;
    this.#signal = options.signal;
  }

  /** The API base URL this client talks to (no credentials). */
  get host(): string {
    return this.#credentials.host;
  }

  // ---- connection configurations --------------------------------------------------------

  /** Creates a configuration and its first token. Retried only with the same idempotency key. */
  async createConnectionConfiguration(
    request: CreateConnectionConfigurationRequest,
    options: { idempotencyKey?: string } = {},
  ): Promise<CreateConnectionConfigurationResponse> {
    return this.#call({
      method: 'POST',
      path: ApiPaths.configurations(),
      body: request,
      idempotencyKey: idempotencyKeyFrom(options.idempotencyKey),
      schema: CreateConnectionConfigurationResponseSchema,
    });
  }

  listConnectionConfigurations(query: { page?: number; pageSize?: number } = {}): Promise<ConnectionConfigurationPage> {
    const params = new URLSearchParams();
    if (query.page !== undefined) params.set('page', String(query.page));
    if (query.pageSize !== undefined) params.set('pageSize', String(query.pageSize));
    const search = params.toString();
    return this.#call({
      method: 'GET',
      path: `${ApiPaths.configurations()}${search ? `?${search}` : ''}`,
      schema: ConnectionConfigurationPageSchema,
    });
  }

  getConnectionConfiguration(configId: string): Promise<ConnectionConfiguration> {
    return this.#call({ method: 'GET', path: ApiPaths.configuration(configId), schema: ConnectionConfigurationSchema });
  }

  updateConnectionConfiguration(configId: string, patch: UpdateConnectionConfigurationRequest): Promise<ConnectionConfiguration> {
    return this.#call({ method: 'PATCH', path: ApiPaths.configuration(configId), body: patch, schema: ConnectionConfigurationSchema });
  }

  /** Deletes the configuration; the API revokes all its tokens (reason CONFIGURATION_DELETED). */
  async deleteConnectionConfiguration(configId: string): Promise<void> {
    await this.#call({
      method: 'DELETE',
      path: ApiPaths.configuration(configId),
      schema: undefined,
      notFoundAfterUnknownOutcomeIsSuccess: true,
    });
  }

  // ---- tokens ------------------------------------------------------------------------------

  listTokens(configId: string): Promise<TokenList> {
    return this.#call({ method: 'GET', path: ApiPaths.tokens(configId), schema: TokenListSchema });
  }

  getToken(configId: string, tokenId: string): Promise<Token> {
    return this.#call({ method: 'GET', path: ApiPaths.token(configId, tokenId), schema: TokenSchema });
  }

  /** The value of an active token (the UI's Show/Copy). */
  getTokenValue(configId: string, tokenId: string): Promise<TokenValueResponse> {
    return this.#call({ method: 'GET', path: ApiPaths.tokenValue(configId, tokenId), schema: TokenValueResponseSchema });
  }

  /**
   * Generates a token. Without a key, a random one is drawn once for this call and reused on
   * every retry, so a retry after a lost answer returns the token already made, never a second.
   * Pass your own key to make repeated *calls* (e.g. after a crash) converge too.
   */
  async generateToken(configId: string, options: { idempotencyKey?: string } = {}): Promise<TokenWithValue> {
    return this.#call({
      method: 'POST',
      path: ApiPaths.tokens(configId),
      idempotencyKey: idempotencyKeyFrom(options.idempotencyKey),
      schema: TokenWithValueSchema,
    });
  }

  /** Revokes a token. Revoking a revoked token succeeds, so this is safe to retry. */
  revokeToken(configId: string, tokenId: string): Promise<Token> {
    return this.#call({ method: 'POST', path: ApiPaths.revokeToken(configId, tokenId), schema: TokenSchema });
  }

  // ---- instances and activity --------------------------------------------------------------

  listInstances(configId: string): Promise<InstanceList> {
    return this.#call({ method: 'GET', path: ApiPaths.instances(configId), schema: InstanceListSchema });
  }

  listActivity(configId: string): Promise<ActivityLog> {
    return this.#call({ method: 'GET', path: ApiPaths.activity(configId), schema: ActivityLogSchema });
  }

  // ---- the request loop --------------------------------------------------------------------

  async #call<S extends z.ZodType>(spec: CallSpec<S>): Promise<z.output<S>> {
    const ctx: RequestContext = { method: spec.method, path: spec.path, host: this.#credentials.host, auth: 'edgegrid' };
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    const secrets = [this.#credentials.clientSecret, this.#credentials.accessToken, this.#credentials.clientToken];
    const maxAttempts = this.#policy.maxRetries + 1;
    const tried: string[] = [];
    let outcomeUnknown = false;
    let lastStatus: number | undefined;

    for (let attempt = 1; ; attempt++) {
      if (this.#signal?.aborted) throw new RequestCancelledError(ctx);
      // Signed afresh for every attempt: a reused timestamp/nonce is a replay to the server.
      const signed = this.#signer.sign({ method: spec.method, pathAndQuery: spec.path, body });
      const headers: Record<string, string> = {
        Authorization: signed.authorization,
        Accept: 'application/json, application/problem+json',
        'User-Agent': this.#userAgent,
      };
      // The API takes JSON only, and wants it said on every POST, even one without a body.
      if (body !== undefined || spec.method === 'POST') headers['Content-Type'] = 'application/json';
      if (spec.idempotencyKey !== undefined) headers[IDEMPOTENCY_KEY_HEADER] = spec.idempotencyKey;

      const started = Date.now();
      const result = await exchange(this.#http, { method: spec.method, url: signed.url, headers, body, timeoutMs: this.#timeoutMs, signal: this.#signal });
      const durationMs = Date.now() - started;
      if (this.#signal?.aborted) throw new RequestCancelledError(ctx);
      const canRetry = attempt < maxAttempts;

      if (result.kind === 'transport-failure') {
        const { code, summary } = result.failure;
        tried.push(summary);
        outcomeUnknown ||= mayHaveReachedServer(code);
        if (!isRetryableNetworkCode(code) || !canRetry) {
          this.#log({ method: spec.method, path: spec.path, failure: code, attempt, durationMs });
          throw new ApiUnavailableError(ctx, tried, lastStatus);
        }
        const retryInMs = backoffDelayMs(attempt, this.#policy, this.#random);
        this.#log({ method: spec.method, path: spec.path, failure: code, attempt, durationMs, retryInMs });
        await this.#wait(retryInMs, ctx);
        continue;
      }

      const { status } = result;
      lastStatus = status;
      if (status >= 200 && status < 300) {
        this.#log({ method: spec.method, path: spec.path, status, attempt, durationMs });
        return spec.schema === undefined ? (undefined as z.output<S>) : readSuccess(ctx, status, result.bodyText, spec.schema);
      }

      if (isRetryableStatus(status)) {
        tried.push(`HTTP ${status}`);
        // A server error may come after the change was made (e.g. it could not be saved, or a
        // gateway timed out waiting for it); a 408 or 429 refused the request before acting.
        outcomeUnknown ||= status >= 500;
        const retryAfterMs = parseRetryAfterMs(result.retryAfter, this.#policy.maxRetryAfterMs);
        if (!canRetry) {
          this.#log({ method: spec.method, path: spec.path, status, attempt, durationMs });
          if (status === 429) throw new RateLimitedError(ctx, attempt, retryAfterMs);
          throw new ApiUnavailableError(ctx, tried, status);
        }
        const retryInMs = retryAfterMs ?? backoffDelayMs(attempt, this.#policy, this.#random);
        this.#log({ method: spec.method, path: spec.path, status, attempt, durationMs, retryInMs });
        await this.#wait(retryInMs, ctx);
        continue;
      }

      this.#log({ method: spec.method, path: spec.path, status, attempt, durationMs });
      const error = readFailure(ctx, status, result.bodyText, secrets);
      if (error instanceof NotFoundError && spec.notFoundAfterUnknownOutcomeIsSuccess && outcomeUnknown) {
        return undefined as z.output<S>;
      }
      throw error;
    }
  }

  /** The backoff sleep, cut short by the stop signal. */
  async #wait(ms: number, ctx: RequestContext): Promise<void> {
    const signal = this.#signal;
    if (signal === undefined) return this.#sleep(ms);
    if (this.#sleep === realSleep) {
      // A cancellable timer: a plain one would keep the process alive after a stop.
      await delay(ms, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) throw new RequestCancelledError(ctx);
      return;
    }
    let onAbort: (() => void) | undefined;
    const stopped = new Promise<void>((resolve) => {
      onAbort = resolve;
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([this.#sleep(ms), stopped]);
    } finally {
      signal.removeEventListener('abort', onAbort!);
    }
    if (signal.aborted) throw new RequestCancelledError(ctx);
  }

  #log(event: ApiLogEvent): void {
    if (this.#logger === undefined) return;
    try {
      this.#logger(event);
    } catch {
      // A failing logger must not turn a successful call into a failed one.
    }
  }
}

function idempotencyKeyFrom(given: string | undefined): string {
  if (given === undefined) return randomUUID();
  const parsed = IdempotencyKeySchema.safeParse(given);
  if (!parsed.success) throw new InvalidIdempotencyKeyError(parsed.error.issues[0]?.message ?? 'invalid');
  return parsed.data;
}
