/**
 * The instance's token, as a mounted Kubernetes Secret or a VM's token file provides it. It is
 * re-read when the file changes. Change is detected two ways because each misses cases alone:
 * fs.watch on the directory (quick, but loses a file replaced by an atomic rename or a
 * Kubernetes symlink swap) and a stat comparison before every use (inode, size, times).
 */
import { type FSWatcher, readFileSync, statSync, watch } from 'node:fs';
import { dirname } from 'node:path';
import { fingerprintOf } from '../api/fingerprint';
import { TokenValueSchema } from '../api/schemas';
import { InstanceUsageError } from './options';
import type { TokenSource, TokenSourceEvent } from './token-source';

export type TokenFileEvent = TokenSourceEvent;

export class TokenFile implements TokenSource {
  readonly path: string;
  readonly description: string;
  #value: string;
  /** The value read at start (what a stuck instance keeps using). */
  readonly initial: string;
  #statKey: string;
  #watcher: FSWatcher | undefined;
  readonly #onEvent: (event: TokenFileEvent) => void;

  /** Reads the file now; a missing or invalid file at start is a usage error. */
  constructor(path: string, onEvent: (event: TokenFileEvent) => void) {
    this.path = path;
    this.description = `token file ${path}`;
    this.#onEvent = onEvent;
    const first = readToken(path);
    if (first.kind === 'error') {
      throw new InstanceUsageError(`--token-file ${path}: ${first.reason}. Write the token value into it (one line) first.`);
    }
    this.#value = first.value;
    this.initial = first.value;
    this.#statKey = first.statKey;
  }

  get fingerprint(): string {
    return fingerprintOf(this.#value);
  }

  /** Starts watching the file's directory; every event triggers a check. */
  watch(): void {
    try {
      // Any entry of the directory may matter (Kubernetes swaps a `..data` symlink, not the
      // file itself), and the stat comparison makes a needless check cheap.
      this.#watcher = watch(dirname(this.path), { persistent: false }, () => this.refresh());
      this.#watcher.on('error', () => this.#stopWatching());
    } catch {
      // Some filesystems cannot be watched; the stat check before each use still works.
    }
  }

  close(): void {
    this.#stopWatching();
  }

  /** The current token value, re-read first if the file changed since the last read. */
  current(): string {
    this.refresh();
    return this.#value;
  }

  /** Re-reads the file if its identity or contents changed. A bad new version keeps the old token. */
  refresh(): void {
    let key: string;
    try {
      key = statKeyOf(this.path);
    } catch {
      key = 'missing';
    }
    if (key === this.#statKey) return;
    const next = readToken(this.path);
    if (next.kind === 'error') {
      // Remember the bad state so it is reported once, not on every beat.
      this.#statKey = key;
      this.#onEvent({ kind: 'unreadable', reason: next.reason, keptFingerprint: this.fingerprint });
      return;
    }
    this.#statKey = next.statKey;
    if (next.value !== this.#value) {
      this.#value = next.value;
      this.#onEvent({ kind: 'changed', fingerprint: this.fingerprint });
    }
  }

  #stopWatching(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
  }
}

type ReadResult = { kind: 'ok'; value: string; statKey: string } | { kind: 'error'; reason: string };

function readToken(path: string): ReadResult {
  let statKey: string;
  let text: string;
  try {
    statKey = statKeyOf(path);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { kind: 'error', reason: code === 'ENOENT' ? 'the file does not exist' : `cannot read it (${code ?? 'unknown error'})` };
  }
  const value = text.trim();
  if (value === '') return { kind: 'error', reason: 'the file is empty' };
  // The reason never quotes the content: it may be a token.
  if (!TokenValueSchema.safeParse(value).success) return { kind: 'error', reason: 'the content is not a token value (32-512 characters)' };
  return { kind: 'ok', value, statKey };
}

/** Follows symlinks: a swapped symlink target is a new inode. */
function statKeyOf(path: string): string {
  const s = statSync(path, { bigint: true });
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
}
