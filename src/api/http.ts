/**
 * One HTTP exchange over axios, reduced to a plain outcome, and the reading of its answer.
 * Nothing axios-shaped escapes this module: an AxiosError carries the request config (with the
 * Authorization header) and both bodies (with token values), so it is described and dropped.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import type * as z from 'zod';
import { ApiError, MalformedResponseError, type RequestContext, errorFromProblem } from './errors';
import { describeSchemaIssues, describeTransportFailure, redactSecrets, type TransportFailure } from './redact';
import { isLoopbackHostname } from './hosts';
import { type Problem, ProblemSchema } from './schemas';

export type Exchange = { kind: 'response'; status: number; retryAfter: string | undefined; bodyText: string } | { kind: 'transport-failure'; failure: TransportFailure };

export interface ExchangeRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Already serialised: what is signed is exactly what is sent. */
  body?: string;
  timeoutMs: number;
  /** Aborts the request in flight (the caller is stopping). */
  signal?: AbortSignal;
}

/**
 * The TCP keep-alive delay axios sets on a socket for each request. The agent sets its own when
 * the socket goes back to the pool: with two different delays every request made two extra
 * system calls (Node skips the call only when the delay does not change), a measurable share of
 * a request's CPU (bench/plan-scale).
 */
const SOCKET_KEEP_ALIVE_MS = 60_000;

/**
 * An axios instance that hands every answer back as text, whatever its status. It owns one
 * keep-alive agent, so Terraform's parallel calls reuse a few connections instead of opening one
 * per request, and names its adapter, so nothing is resolved again per request.
 */
export function createHttp(baseHost: string): AxiosInstance {
  return axios.create({
    adapter: 'http',
    httpAgent: new HttpAgent({ keepAlive: true, keepAliveMsecs: SOCKET_KEEP_ALIVE_MS }),
    httpsAgent: new HttpsAgent({ keepAlive: true, keepAliveMsecs: SOCKET_KEEP_ALIVE_MS }),
    responseType: 'text',
    // Parsing is ours: a non-JSON answer must become a MalformedResponseError, not a crash.
    transformResponse: [(data: unknown) => data],
    transformRequest: [(data: unknown) => data],
    validateStatus: () => true,
    maxRedirects: 0,
    // A local emulator must never be reached through a proxy from the environment.
    proxy: isLoopback(baseHost) ? false : undefined,
  });
}

export async function exchange(http: AxiosInstance, request: ExchangeRequest): Promise<Exchange> {
  try {
    const response = await http.request<string>({
      method: request.method,
      url: request.url,
      headers: request.headers,
      data: request.body,
      timeout: request.timeoutMs,
      signal: request.signal,
    });
    const retryAfter: unknown = response.headers['retry-after'];
    return {
      kind: 'response',
      status: response.status,
      retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
      bodyText: typeof response.data === 'string' ? response.data : '',
    };
  } catch (error) {
    return { kind: 'transport-failure', failure: describeTransportFailure(error) };
  }
}

/** Validates a success body; a body that breaks the contract becomes a MalformedResponseError. */
export function readSuccess<S extends z.ZodType>(ctx: RequestContext, status: number, bodyText: string, schema: S): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    throw new MalformedResponseError(ctx, status, [bodyText.trim() === '' ? 'the body is empty' : 'the body is not JSON']);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new MalformedResponseError(ctx, status, describeSchemaIssues(parsed.error.issues));
  return parsed.data;
}

/**
 * The typed error for an error answer. `secrets` are masked out of every text of the problem
 * that can reach the error, in case a server or a gateway in between echoes a credential.
 */
export function readFailure(ctx: RequestContext, status: number, bodyText: string, secrets: readonly string[]): ApiError {
  let problem: Problem | undefined;
  try {
    const parsed = ProblemSchema.safeParse(JSON.parse(bodyText));
    if (parsed.success) problem = redactProblem(parsed.data, secrets);
  } catch {
    // Not JSON (e.g. a proxy's HTML page): the status alone decides.
  }
  return errorFromProblem(ctx, status, problem, problem?.detail);
}

/** The fields errors are built from, redacted; unknown extension members are dropped. */
function redactProblem(problem: Problem, secrets: readonly string[]): Problem {
  const clean = (text: string) => redactSecrets(text, secrets);
  return {
    type: clean(problem.type),
    title: clean(problem.title),
    status: problem.status,
    ...(problem.detail !== undefined ? { detail: clean(problem.detail) } : {}),
    ...(problem.activeTokens !== undefined ? { activeTokens: problem.activeTokens } : {}),
    ...(problem.errors !== undefined ? { errors: problem.errors.map((e) => ({ path: clean(e.path), message: clean(e.message) })) } : {}),
  };
}

function isLoopback(baseHost: string): boolean {
  try {
    return isLoopbackHostname(new URL(baseHost).hostname);
  } catch {
    return false;
  }
}
