/**
 * How a secret (a token value, an EdgeGrid secret) is shown wherever people or logs need to tell
 * one apart: by its fingerprint, never by its value. A leaf module, so that every layer (the API
 * client, the provider framework, the CLI) masks secrets the same way.
 */
import { createHash } from 'node:crypto';

/** Shorter strings are not secrets worth masking, and masking them would mangle prose. */
const MIN_SECRET_LENGTH = 8;

/**
 * The fingerprint that stands for a token wherever a person or a log needs to tell tokens apart.
 * A truncated SHA-256 of the value: stable, comparable, and useless for authenticating.
 */
export function fingerprintOf(tokenValue: string): string {
  return `sha256:${createHash('sha256').update(tokenValue, 'utf8').digest('hex').slice(0, 12)}`;
}

/** Replaces every occurrence of each secret with a marker (a fingerprint, never the value). */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret === undefined || secret.length < MIN_SECRET_LENGTH) continue;
    result = result.split(secret).join(`[redacted ${fingerprintOf(secret)}]`);
  }
  // Whatever the server echoed, an Authorization header's credentials never get through.
  return result.replace(/\b(Bearer|EG1-HMAC-SHA256)\s+\S+/gi, '$1 [redacted]');
}
