/**
 * Checks every request passes before anything else, so no web page can drive the emulator:
 * - `Host` must name a loopback address. A page on another site that re-points its DNS name at
 *   127.0.0.1 (DNS rebinding) still sends its own name. Any port: a browser always sends the
 *   port it connects to, and a local proxy in front of the emulator keeps its own.
 * - A POST, PUT or PATCH must send `Content-Type: application/json`, and no request may send
 *   another type. A browser sends a cross-site request without asking first (no CORS preflight)
 *   only with a form or text type, or none at all.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Problems } from './problems';

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);
const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

export function checkHost(host: string | undefined, port: number): void {
  const expected = `127.0.0.1:${port}`;
  const m = /^(\[::1\]|[^:]+)(?::[0-9]{1,5})?$/.exec(host ?? '');
  if (!m || !LOOPBACK_NAMES.has(m[1].toLowerCase())) {
    throw Problems.misdirected(
      `This emulator only answers requests addressed to a loopback name: send "Host: ${expected}" ` +
        `(or localhost:${port}, [::1]:${port}), as a client does that connects to http://${expected}.`,
    );
  }
}

export function checkContentType(method: string, headers: IncomingHttpHeaders): void {
  const contentType = headers['content-type'];
  if (contentType === undefined && METHODS_WITH_BODY.has(method)) {
    throw Problems.unsupportedMediaType(`A ${method} request must send "Content-Type: application/json", even with an empty body.`);
  }
  // The type sent is not repeated: a header can carry anything.
  if (contentType !== undefined && !isJson(contentType)) {
    throw Problems.unsupportedMediaType('Only "Content-Type: application/json" (optionally with charset=utf-8) is accepted; send the body as JSON.');
  }
}

/** `application/json`, optionally with `charset=utf-8`. */
function isJson(contentType: string): boolean {
  const [type, ...parameters] = contentType.split(';').map((part) => part.trim().toLowerCase());
  return type === 'application/json' && parameters.every((p) => p === '' || p === 'charset=utf-8' || p === 'charset="utf-8"');
}
