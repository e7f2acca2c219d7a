/**
 * What a host name means: one rule for everything that decides whether an API host is this
 * machine (the proxy bypass, the emulator's refusal of real credentials). Always applied to the
 * `hostname` of a parsed `URL`, the very host the client connects to, never to a string prefix:
 * `https://localhost:443@akab-x.luna.akamaiapis.net` is akab-x, not localhost.
 */
import { isIP } from 'node:net';

/** `localhost`, 127.0.0.0/8 or ::1 (as `URL.hostname` spells it, with or without brackets). */
export function isLoopbackHostname(hostname: string): boolean {
  const name = hostname
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
  if (name === 'localhost') return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  return isIP(name) === 6 && name === '::1';
}
