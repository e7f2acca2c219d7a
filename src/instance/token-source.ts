/** Where a simulated instance reads its token: a file (VM, mounted Secret) or AWS Secrets Manager. */
export interface TokenSource {
  /** For log lines, e.g. `token file /etc/protector/token` (never the value). */
  readonly description: string;
  /** The value read at start (what a stuck instance keeps using). */
  readonly initial: string;
  /** The current value's fingerprint. */
  readonly fingerprint: string;
  /** The current value (cheap: a re-read happens in the background or only when something changed). */
  current(): string;
  /** Starts following changes (file watch, or periodic re-reads). */
  watch(): void;
  /** Stops following; lets no timer or watcher keep the process alive. */
  close(): void;
}

export type TokenSourceEvent = { kind: 'changed'; fingerprint: string } | { kind: 'unreadable'; reason: string; keptFingerprint: string };
