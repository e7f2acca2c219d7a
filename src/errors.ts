/**
 * The central error catalog's base classes. Every error a user can meet is a named factory
 * (see `src/api/errors.ts`, `src/provider/...`, `constructs/errors.ts`) whose message says what
 * went wrong, why, and what to change. The CLI maps the three kinds to distinct exit codes.
 */

export type ErrorKind = 'usage' | 'external' | 'internal';

export abstract class ProtectorError extends Error {
  abstract readonly kind: ErrorKind;
  /** Stable machine-readable code, e.g. `MAX_ACTIVE_TOKENS`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** The user asked for something invalid: wrong flag, bad file, bad prop. Exit code 2. */
export class UsageError extends ProtectorError {
  readonly kind = 'usage' as const;
}

/** Something outside us failed or refused: the API, the network, the filesystem. Exit code 3. */
export class ExternalError extends ProtectorError {
  readonly kind = 'external' as const;
}

/** A bug in cdktf-protector. Exit code 70 (EX_SOFTWARE). */
export class InternalError extends ProtectorError {
  readonly kind = 'internal' as const;
}

export const EXIT_CODES: Record<ErrorKind, number> = { usage: 2, external: 3, internal: 70 };

export function exitCodeFor(error: unknown): number {
  return error instanceof ProtectorError ? EXIT_CODES[error.kind] : EXIT_CODES.internal;
}
