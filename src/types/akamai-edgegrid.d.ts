/**
 * Types for the parts of the `akamai-edgegrid` package this project uses (it ships none).
 * Only the signing primitives are declared: the package's own HTTP client and logger are not
 * used, because its logger writes request bodies and keys when enabled.
 */
declare module 'akamai-edgegrid/src/auth' {
  export interface EdgeGridRequest {
    /** Path with query string, e.g. `/protector/v1/connection-configurations?page=1`. */
    path: string;
    method: string;
    headers?: Record<string, string>;
    /** The exact body that will be sent; only POST bodies are part of the signature. */
    body?: string;
    /** Extra query parameters appended to `path`. */
    qs?: Record<string, string>;
    /** Ordered header names to include in the signature. */
    headersToSign?: Record<string, string>;
  }

  export interface SignedEdgeGridRequest extends EdgeGridRequest {
    /** Absolute URL (host + path + query) that was signed: send exactly this. */
    url: string;
    headers: Record<string, string> & { Authorization: string };
  }

  /**
   * Signs `request` in place with EG1-HMAC-SHA256 and returns it with `url` and
   * `headers.Authorization` set. `host` must carry its scheme. `maxBody` is deprecated (pass
   * undefined); `guid` (nonce) and `timestamp` (`yyyyMMddTHH:mm:ss+0000`) default to fresh values.
   */
  export function generateAuth(
    request: EdgeGridRequest,
    clientToken: string,
    clientSecret: string,
    accessToken: string,
    host: string,
    maxBody?: number,
    guid?: string,
    timestamp?: string,
  ): SignedEdgeGridRequest;
}

declare module 'akamai-edgegrid/src/helpers' {
  /** `yyyyMMddTHH:mm:ss+0000` in UTC, now. */
  export function createTimestamp(): string;
  export function base64Sha256(data: string | Uint8Array): string;
  export function base64HmacSha256(data: string, key: string): string;
}
