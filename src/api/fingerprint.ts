import { createHash } from 'node:crypto';

/**
 * The fingerprint that stands for a token wherever a person or a log needs to tell tokens apart.
 * A truncated SHA-256 of the value: stable, comparable, and useless for authenticating.
 */
export function fingerprintOf(tokenValue: string): string {
  return `sha256:${createHash('sha256').update(tokenValue, 'utf8').digest('hex').slice(0, 12)}`;
}
