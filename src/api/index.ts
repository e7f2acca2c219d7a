/** The token API client: credentials, the typed client, heartbeats, errors, and the contract. */
export { loadCredentials, CredentialsError, type EdgeGridCredentials, type LoadCredentialsOptions } from './credentials';
export { ProtectorClient, type ProtectorClientOptions, type ApiLogEvent } from './client';
export { sendHeartbeat } from './heartbeat';
export { EdgeGridSigner } from './edgegrid';
export { DEFAULT_RETRY_POLICY, type RetryPolicy, type Sleep } from './retry';
export {
  ApiError,
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
  type FieldError,
} from './errors';
export { fingerprintOf } from './fingerprint';
export * from './schemas';
