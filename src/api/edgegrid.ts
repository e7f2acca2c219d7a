/**
 * EdgeGrid (EG1-HMAC-SHA256) signing, done by the maintained `akamai-edgegrid` package so the
 * signature matches what every Akamai API expects. Only its signing (`auth`) is used: we send the
 * request with our own axios instance, and its logger (which writes bodies and keys when
 * enabled) stays off.
 */
import EdgeGrid = require('akamai-edgegrid');
import type { EdgeGridCredentials } from './credentials';

export interface RequestToSign {
  method: string;
  /** Path and query, e.g. `/protector/v1/connection-configurations?page=2`. */
  pathAndQuery: string;
  /** The exact bytes that will be sent (already serialised), so the signed body is the sent body. */
  body?: string;
}

export interface SignedRequest {
  /** The absolute URL that was signed. Send exactly this URL. */
  url: string;
  /** Value of the `Authorization` header. */
  authorization: string;
}

export class EdgeGridSigner {
  // Private: the instance holds the client secret and must not show in a debug dump.
  readonly #edgeGrid: EdgeGrid;

  constructor(credentials: EdgeGridCredentials) {
    this.#edgeGrid = new EdgeGrid(credentials.clientToken, credentials.clientSecret, credentials.accessToken, credentials.host);
    // The package assumes https for any host not spelled "https://..."; a local emulator is http,
    // and the scheme is part of the signed data, so use the normalised host as it is.
    this.#edgeGrid.config.host = credentials.host;
  }

  /**
   * Signs one attempt. Call it again for every retry: the timestamp and nonce must be fresh, or
   * the server rejects the replay.
   */
  sign(request: RequestToSign): SignedRequest {
    const signed = this.#edgeGrid.auth({
      path: request.pathAndQuery,
      method: request.method.toUpperCase(),
      headers: {},
      body: request.body ?? '',
    }).request;
    return { url: signed.url, authorization: signed.headers.Authorization };
  }
}
