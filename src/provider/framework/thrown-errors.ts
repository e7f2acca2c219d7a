/**
 * Turns an exception from resource code into an error diagnostic. A ProtectorError is a known
 * failure: its message (written for users) is the detail. Anything else is a bug: the user gets a
 * short, value-free message and the stack goes to the debug log only.
 */
import { ProtectorError } from '../../errors';
import type { Diagnostics, Logger } from './types';

const MAX_MESSAGE_LENGTH = 300;

export function reportThrown(error: unknown, diagnostics: Diagnostics, log: Logger, action: string): void {
  if (error instanceof ProtectorError && error.kind !== 'internal') {
    diagnostics.error(summaryFor(error), error.message);
    log.warn(`${action} failed`, { code: error.code, kind: error.kind });
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  const short = message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH)}...` : message;
  diagnostics.error(
    'Internal Provider Error',
    `The provider failed unexpectedly while it ${action}: ${short}\n\nThis is a bug in the protector provider; please report it with the provider log (TF_LOG_PROVIDER=DEBUG).`,
  );
  log.error(`${action} failed unexpectedly`, { error: error instanceof Error ? error.name : typeof error });
  if (error instanceof Error && error.stack) log.debug('stack of the unexpected error', { stack: error.stack });
}

/** `MAX_ACTIVE_TOKENS` -> `Max Active Tokens`. */
function summaryFor(error: ProtectorError): string {
  const words = error.code
    .toLowerCase()
    .split(/[_\s-]+/)
    .filter(Boolean);
  if (words.length === 0) return error.kind === 'usage' ? 'Invalid Configuration' : 'Protector API Error';
  return words.map((word) => word[0].toUpperCase() + word.slice(1)).join(' ');
}
