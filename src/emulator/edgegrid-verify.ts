/**
 * Verifies EdgeGrid (EG1-HMAC-SHA256) signatures the way the Akamai API gateway does: the
 * server recomputes the signature from what it received and compares. Every refusal is a 401
 * problem that says what to fix, without echoing the signature or any secret.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Problems } from './problems';
import type { Clock } from './random';

/** Only the first this many bytes of a POST body are covered by the signature. */
const MAX_SIGNED_BODY_BYTES = 131072;
/** A request whose timestamp is further than this from the server's clock is refused. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;
const SCHEME = 'EG1-HMAC-SHA256 ';

export interface EdgeGridClient {
  clientToken: string;
  clientSecret: string;
  accessToken: string;
}

export interface SignedRequestFacts {
  method: string;
  /** `http` or `https`: the scheme the server is reached with. */
  scheme: string;
  /** The `Host` header as received (host and port). */
  host: string | undefined;
  /** Path and query exactly as received. */
  pathAndQuery: string;
  authorization: string | undefined;
  body: Buffer;
}

export class EdgeGridVerifier {
  /** Nonces seen recently, with the time after which they may be forgotten. */
  private readonly seenNonces = new Map<string, number>();

  constructor(
    private readonly clients: readonly EdgeGridClient[],
    private readonly clock: Clock = Date.now,
  ) {}

  /** Throws a 401 `ApiProblem` unless the request carries a valid, fresh, unreplayed signature. */
  verify(request: SignedRequestFacts): void {
    const header = request.authorization;
    if (!header || !header.startsWith(SCHEME)) {
      throw Problems.unauthorized('Sign the request with EdgeGrid: an "Authorization: EG1-HMAC-SHA256 ..." header is required.');
    }
    const signatureAt = header.lastIndexOf('signature=');
    if (signatureAt < 0) throw Problems.unauthorized('The EdgeGrid Authorization header has no signature field.');
    const unsigned = header.slice(0, signatureAt);
    const fields = parseFields(header.slice(SCHEME.length));
    const { client_token: clientToken, access_token: accessToken, timestamp, nonce, signature } = fields;
    if (!clientToken || !accessToken || !timestamp || !nonce || !signature) {
      throw Problems.unauthorized('The EdgeGrid Authorization header must carry client_token, access_token, timestamp, nonce and signature.');
    }

    const client = this.clients.find((c) => c.clientToken === clientToken);
    if (!client) throw Problems.unauthorized('Unknown client_token: check the credentials in your .edgerc section.');
    if (client.accessToken !== accessToken) {
      throw Problems.unauthorized('The access_token does not belong to this client_token: check your .edgerc section.');
    }

    const signedAt = parseTimestamp(timestamp);
    if (signedAt === undefined) {
      throw Problems.unauthorized('The EdgeGrid timestamp must look like 20261201T10:00:00+0000.');
    }
    const now = this.clock();
    if (Math.abs(now - signedAt) > MAX_CLOCK_SKEW_MS) {
      throw Problems.unauthorized(
        `The EdgeGrid timestamp ${timestamp} is more than ${MAX_CLOCK_SKEW_MS / 60_000} minutes away from the server time ` +
          `${new Date(now).toISOString()}; sign each request just before sending it and check the system clock.`,
      );
    }

    const expected = expectedSignature(request, unsigned, timestamp, client.clientSecret);
    if (!sameText(expected, signature)) {
      throw Problems.unauthorized(
        'The EdgeGrid signature does not match the request: sign exactly the method, URL, host and body that are sent, ' + 'with the client_secret of this client_token.',
      );
    }

    this.forgetOldNonces(now);
    if (this.seenNonces.has(nonce)) {
      throw Problems.unauthorized('This EdgeGrid nonce was already used: sign every request with a fresh nonce.');
    }
    this.seenNonces.set(nonce, signedAt + 2 * MAX_CLOCK_SKEW_MS);
  }

  private forgetOldNonces(now: number): void {
    for (const [nonce, forgetAfter] of this.seenNonces) {
      if (forgetAfter < now) this.seenNonces.delete(nonce);
    }
  }
}

/** The signature a correct client computes for this request. */
function expectedSignature(request: SignedRequestFacts, unsignedHeader: string, timestamp: string, clientSecret: string): string {
  const dataToSign = [
    request.method.toUpperCase(),
    request.scheme,
    request.host ?? '',
    request.pathAndQuery,
    '', // canonical headers: this API signs none
    contentHash(request.method, request.body),
    unsignedHeader,
  ].join('\t');
  const signingKey = hmacBase64(timestamp, clientSecret);
  return hmacBase64(dataToSign, signingKey);
}

function contentHash(method: string, body: Buffer): string {
  if (method.toUpperCase() !== 'POST' || body.length === 0) return '';
  return createHash('sha256').update(body.subarray(0, MAX_SIGNED_BODY_BYTES)).digest('base64');
}

function hmacBase64(data: string, key: string): string {
  return createHmac('sha256', key).update(data).digest('base64');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function parseFields(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return fields;
}

/** `yyyyMMddTHH:mm:ss+0000` -> epoch ms. */
function parseTimestamp(timestamp: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2}):(\d{2}):(\d{2})\+0000$/.exec(timestamp);
  if (!m) return undefined;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return Number.isNaN(ms) ? undefined : ms;
}
