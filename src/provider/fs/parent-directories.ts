/**
 * Creates the missing parent directories of a file with a walk of our own, one `mkdir` per
 * missing directory. Node's `mkdir({ recursive: true })` loops for ever at full CPU where a file
 * system answers ENOENT for a directory whose parent exists (`/proc`), and cannot be interrupted.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { errnoOf, fileSystemError, type FileContext } from './file-system-errors';

export interface CreateParentsOptions {
  /** Mode of each directory created (narrowed by the umask, like mkdir(1)). */
  mode: number;
  /** Called before every step; throws when the caller is stopping (StopProvider). */
  checkStopped?: () => void;
  /** The file being written, for error messages. */
  context: FileContext;
}

/**
 * Ensures `dir` is a directory, creating what is missing. Bounded: each component of `dir` is
 * looked at once on the way up and created at most once on the way down. Throws a user error
 * naming the component at fault (a file in the way, a kernel file system, no permission).
 */
export async function createParentDirectories(dir: string, options: CreateParentsOptions): Promise<void> {
  const target = path.resolve(dir);
  const missing: string[] = [];
  // Up: find the nearest ancestor that exists.
  for (let current = target; ; current = path.dirname(current)) {
    options.checkStopped?.();
    const kind = await kindOf(current, options.context);
    if (kind === 'directory') break;
    if (kind === 'other') throw fileSystemError(Object.assign(new Error('not a directory'), { code: 'ENOTDIR' }), current, options.context);
    missing.unshift(current);
    if (path.dirname(current) === current) break; // the root itself is missing: mkdir reports why below
  }
  // Down: create each missing directory once.
  for (const directory of missing) {
    options.checkStopped?.();
    try {
      await fs.mkdir(directory, { mode: options.mode });
    } catch (error) {
      // Created meanwhile by someone else: fine if it is a directory.
      if (errnoOf(error) === 'EEXIST' && (await kindOf(directory, options.context)) === 'directory') continue;
      throw fileSystemError(error, directory, options.context);
    }
  }
}

async function kindOf(at: string, context: FileContext): Promise<'directory' | 'other' | 'missing'> {
  try {
    return (await fs.stat(at)).isDirectory() ? 'directory' : 'other';
  } catch (error) {
    const code = errnoOf(error);
    // ENOTDIR: a component above is a file; going up finds it.
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    throw fileSystemError(error, at, context);
  }
}
