/**
 * Types for the part of the `akamai-edgegrid` package this project uses (it ships none).
 * The package's `exports` only exposes the `EdgeGrid` class (`require('akamai-edgegrid')`);
 * deep imports such as `akamai-edgegrid/src/auth` fail at run time with
 * ERR_PACKAGE_PATH_NOT_EXPORTED. Its logger writes bodies and keys when enabled: never enable it.
 */
declare module 'akamai-edgegrid' {
  interface EdgeGridRequestInput {
    /** Path with query string, e.g. `/protector/v1/connection-configurations?page=1`. */
    path: string;
    method: string;
    headers?: Record<string, string>;
    /** The exact body that will be sent; only POST bodies are part of the signature. */
    body?: string;
    /** Extra query parameters appended to `path`. */
    qs?: Record<string, string>;
  }

  interface EdgeGridSignedRequest {
    /** Absolute URL (host + path + query) that was signed. */
    url: string;
    method: string;
    headers: Record<string, string> & { Authorization: string };
    data?: string;
  }

  interface EdgeGridConfig {
    client_token: string;
    client_secret: string;
    access_token: string;
    /** Base URL with scheme. The constructor prefixes `https://` unless the host contains it. */
    host: string;
    max_body?: number;
  }

  class EdgeGrid {
    /** Credentials as strings. (Also accepts `{ path, section }` of an .edgerc, unused here.) */
    constructor(clientToken: string, clientSecret: string, accessToken: string, host: string);
    config: EdgeGridConfig;
    /** Set by `auth()`: the request with `url` and `headers.Authorization` filled in. */
    request: EdgeGridSignedRequest;
    /** Signs `request` with EG1-HMAC-SHA256 (fresh timestamp and nonce) into `this.request`. */
    auth(request: EdgeGridRequestInput): this;
    /** Switches the package's process-wide logger on (`true`, from AKAMAI_LOG_LEVEL) or off (`false`). */
    enableLogging(option: boolean): this;
  }

  export = EdgeGrid;
}
