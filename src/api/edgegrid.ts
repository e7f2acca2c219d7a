/**
 * EdgeGrid (EG1-HMAC-SHA256) signing, done by the maintained `akamai-edgegrid` package so the
 * signature matches what every Akamai API expects. Only its signing (`auth`) is used: we send the
 * request with our own axios instance, and its logger (which writes bodies, the signing key and
 * the Authorization header to stdout when enabled) is kept off.
 */
import type EdgeGridClass = require('akamai-edgegrid');
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

/** Read by akamai-edgegrid when it loads: either switches its logger on (or, for PRETTY, fails the load). */
const AKAMAI_LOG_VARIABLES = ['AKAMAI_LOG_LEVEL', 'AKAMAI_LOG_PRETTY'] as const;

let loaded: typeof EdgeGridClass | undefined;

/**
 * The package, loaded with its logging variables hidden: users of other Akamai tools often have
 * them set, and a logger on would write credentials into a Terraform provider's stdout.
 */
function edgeGridPackage(): typeof EdgeGridClass {
  if (loaded) return loaded;
  const saved = AKAMAI_LOG_VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const [name] of saved) delete process.env[name];
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require('akamai-edgegrid') as typeof EdgeGridClass;
  } finally {
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
  }
  return loaded;
}

export class EdgeGridSigner {
  // Private: the instance holds the client secret and must not show in a debug dump.
  readonly #edgeGrid: EdgeGridClass;

  constructor(credentials: EdgeGridCredentials) {
    const EdgeGrid = edgeGridPackage();
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
    // The package's logger is global to the process: whoever loaded it first may have switched it on.
    this.#edgeGrid.enableLogging(false);
    const signed = this.#edgeGrid.auth({
      path: request.pathAndQuery,
      method: request.method.toUpperCase(),
      headers: {},
      body: request.body ?? '',
    }).request;
    return { url: signed.url, authorization: signed.headers.Authorization };
  }
}
