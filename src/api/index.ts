/** The token API client: credentials, the typed client, heartbeats, errors, and the contract. */
export { loadCredentials } from './credentials';
export { ProtectorClient, type ProtectorClientOptions, type ApiLogEvent } from './client';
export { sendHeartbeat } from './heartbeat';
export {
  NotFoundError,
  MaxActiveTokensError,
  LastActiveTokenError,
  DeploymentTypeMismatchError,
  ValidationError,
  UnauthorizedError,
  RateLimitedError,
  TokenNotActiveError,
  IdempotencyKeyReusedError,
  ApiUnavailableError,
  MalformedResponseError,
  UnexpectedResponseError,
  RequestCancelledError,
  InvalidIdempotencyKeyError,
  InvalidClientOptionsError,
} from './errors';
export { fingerprintOf } from './fingerprint';
export * from './schemas';
