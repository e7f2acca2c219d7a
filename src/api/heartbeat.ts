/**
 * The instance side of the API: a Protector instance proves its token with a heartbeat. It is
 * not EdgeGrid-signed; the token itself is the credential (`Authorization: Bearer`). One attempt
 * per call: the instance heartbeats again at its next interval anyway.
 */
import { fingerprintOf } from './fingerprint';
import { ApiUnavailableError, type RequestContext } from './errors';
import { createHttp, exchange, readFailure, readSuccess } from './http';
import { normaliseHost } from './credentials';
import { ApiPaths, type HeartbeatRequest, type HeartbeatResponse, HeartbeatResponseSchema } from './schemas';

const DEFAULT_HEARTBEAT_TIMEOUT_MS = 10_000;

/**
 * The API base URL of a heartbeat endpoint given as the base URL or as the full heartbeat URL.
 * Throws a CredentialsError for anything else (a path, a query, another scheme).
 */
export function heartbeatBaseUrl(endpoint: string): string {
  return normaliseHost(endpoint.replace(/\/protector\/v1\/instances\/heartbeat\/?$/, ''), 'the heartbeat endpoint');
}

/**
 * Sends one heartbeat. `endpoint` is the API base URL (e.g. `http://127.0.0.1:8080`).
 * A 401 is an UnauthorizedError (unknown or revoked token), a 403 a DeploymentTypeMismatchError.
 */
export async function sendHeartbeat(endpoint: string, tokenValue: string, body: HeartbeatRequest, options: { timeoutMs?: number } = {}): Promise<HeartbeatResponse> {
  const host = heartbeatBaseUrl(endpoint);
  const path = ApiPaths.heartbeat();
  const ctx: RequestContext = { method: 'POST', path, host, auth: 'bearer', tokenFingerprint: fingerprintOf(tokenValue) };
  const result = await exchange(createHttp(host), {
    method: 'POST',
    url: `${host}${path}`,
    headers: {
      Authorization: `Bearer ${tokenValue}`,
      Accept: 'application/json, application/problem+json',
      'Content-Type': 'application/json',
    },
    body: JSON.stringify(body),
    timeoutMs: options.timeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS,
  });
  if (result.kind === 'transport-failure') throw new ApiUnavailableError(ctx, [result.failure.summary], undefined);
  if (result.status >= 200 && result.status < 300) return readSuccess(ctx, result.status, result.bodyText, HeartbeatResponseSchema);
  throw readFailure(ctx, result.status, result.bodyText, [tokenValue]);
}
