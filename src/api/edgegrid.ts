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

/** What the shared instance holds between signing calls: no one's credentials. */
const PLACEHOLDER_CONFIG: EdgeGridClass['config'] = {
  client_token: 'unset',
  client_secret: 'unset',
  access_token: 'unset',
  host: 'https://unset.invalid',
};

let shared: EdgeGridClass | undefined;

/**
 * The one instance of the package's class in this process. Its constructor adds two logging
 * interceptors to axios' global instance every time it runs, so it runs once; each signer lends
 * it its own credentials for the duration of one (synchronous) signing call.
 *
 * The package is loaded with its logging variables hidden: users of other Akamai tools often
 * have them set, and a logger on would write credentials into a Terraform provider's stdout.
 */
function sharedEdgeGrid(): EdgeGridClass {
  if (shared) return shared;
  const saved = AKAMAI_LOG_VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const [name] of saved) delete process.env[name];
  let EdgeGrid: typeof EdgeGridClass;
  try {
    EdgeGrid = require('akamai-edgegrid') as typeof EdgeGridClass;
  } finally {
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
  }
  const { client_token, client_secret, access_token, host } = PLACEHOLDER_CONFIG;
  shared = new EdgeGrid(client_token, client_secret, access_token, host);
  return shared;
}

export class EdgeGridSigner {
  // Private: it holds the client secret and must not show in a debug dump.
  readonly #config: EdgeGridClass['config'];

  constructor(credentials: EdgeGridCredentials) {
    this.#config = {
      client_token: credentials.clientToken,
      client_secret: credentials.clientSecret,
      access_token: credentials.accessToken,
      // With its scheme, as normalised: the scheme is signed, and a local emulator is http
      // (the package's constructor would have made every host not spelled "https://" https).
      host: credentials.host,
    };
  }

  /**
   * Signs one attempt. Call it again for every retry: the timestamp and nonce must be fresh, or
   * the server rejects the replay.
   */
  sign(request: RequestToSign): SignedRequest {
    const edgeGrid = sharedEdgeGrid();
    // The package's logger is global to the process: whoever loaded it first may have switched it on.
    edgeGrid.enableLogging(false);
    edgeGrid.config = this.#config;
    try {
      const signed = edgeGrid.auth({
        path: request.pathAndQuery,
        method: request.method.toUpperCase(),
        headers: {},
        body: request.body ?? '',
      }).request;
      return { url: signed.url, authorization: signed.headers.Authorization };
    } finally {
      // Not left behind in a module-level object between calls.
      edgeGrid.config = PLACEHOLDER_CONFIG;
    }
  }
}
