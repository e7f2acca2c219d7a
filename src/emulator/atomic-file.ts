/**
 * Replaces a file atomically without ever writing through a planted link: the content goes to a
 * temporary file next to the target with an unguessable name, created exclusively (`wx`: fails
 * rather than follow a symlink or reuse a file someone prepared) with the final mode, fsynced,
 * then renamed over the target (atomic on POSIX) and made durable by fsyncing the directory.
 *
 * For any file holding secrets the emulator writes (`state.json`, and `.edgerc` sections).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, promises as fs, renameSync, unlinkSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import type { RandomSource } from './random';

export interface AtomicWriteOptions {
  /** Mode of the new file. Default 0600: only the owner may read it. */
  mode?: number;
  /** Draws the temporary name. Default: the system's secure random bytes. */
  random?: RandomSource;
}

/** The temporary name for `target`: `<target>.tmp-<24 random hex digits>`. Leftovers can be found by this prefix. */
export function temporaryNameFor(target: string, random: RandomSource = randomBytes): string {
  return `${target}.tmp-${random(12).toString('hex')}`;
}

export async function writeFileAtomically(target: string, content: string | Buffer, options: AtomicWriteOptions = {}): Promise<void> {
  const temp = temporaryNameFor(target, options.random);
  const file = await fs.open(temp, 'wx', options.mode ?? 0o600);
  try {
    try {
      await file.writeFile(content);
      await file.sync();
    } finally {
      await file.close();
    }
    await fs.rename(temp, target);
  } catch (error) {
    await fs.unlink(temp).catch(() => undefined);
    throw error;
  }
  const dir = await fs.open(path.dirname(target), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** The same, synchronously (for one-off writes at start-up, such as an `.edgerc` section). */
export function writeFileAtomicallySync(target: string, content: string | Buffer, options: AtomicWriteOptions = {}): void {
  const temp = temporaryNameFor(target, options.random);
  const fd = openSync(temp, 'wx', options.mode ?? 0o600);
  try {
    try {
      const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
      for (let written = 0; written < bytes.length;) written += writeSync(fd, bytes, written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // Already renamed or never created: nothing to clean up.
    }
    throw error;
  }
  const dir = openSync(path.dirname(target), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
