/**
 * The file operations of `protector_token_file`: an atomic, stoppable write and the read and
 * removal of the file, each turning a file-system refusal into a user error that names the path.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { errnoOf, fileSystemError, type FileContext } from '../fs/file-system-errors';
import { createParentDirectories } from '../fs/parent-directories';
import { throwIfStopped } from './stoppable';

/** Mode of the parent directories the provider creates. */
const PARENT_DIRECTORY_MODE = 0o700;

export function tokenFileContext(file: string, action: string): FileContext {
  return { file, setting: "the token file's `path`", action };
}

/**
 * Writes `content` to `file` with `mode`: beside the target, then renamed into place, so readers
 * see the old token or the new one, never a mix. A stop before the rename leaves the file as it was.
 */
export async function writeFileAtomically(file: string, content: string, mode: number, signal: AbortSignal | undefined): Promise<void> {
  const context = tokenFileContext(file, 'write the token file');
  const directory = path.dirname(file);
  const checkStopped = () => throwIfStopped(signal, "was creating the token file's directories");
  await createParentDirectories(directory, { mode: PARENT_DIRECTORY_MODE, checkStopped, context });
  const temporary = path.join(directory, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  let at = directory; // where a refusal is reported: the directory until the rename
  try {
    throwIfStopped(signal, 'was writing the token file');
    const handle = await fs.open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.chmod(mode); // explicit: the umask would narrow the mode given to open
      await handle.sync();
    } finally {
      await handle.close();
    }
    throwIfStopped(signal, 'was writing the token file');
    at = file;
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw fileSystemError(error, at, context);
  }
}

/** The file's SHA-256 and permission, or undefined when it does not exist. */
export async function inspectFile(file: string, sha256Hex: (content: Buffer) => string): Promise<{ sha256: string; permission: string } | undefined> {
  try {
    const [content, stat] = await Promise.all([fs.readFile(file), fs.stat(file)]);
    return { sha256: sha256Hex(content), permission: (stat.mode & 0o777).toString(8).padStart(4, '0') };
  } catch (error) {
    // ENOTDIR: a parent became a file, so the token file is not there either; writing it again
    // reports that parent by name.
    if (isMissing(error)) return undefined;
    throw fileSystemError(error, file, tokenFileContext(file, 'read the token file'));
  }
}

/** Removes the file; true when it was there. */
export async function removeFile(file: string): Promise<boolean> {
  try {
    await fs.unlink(file);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw fileSystemError(error, file, tokenFileContext(file, 'remove the token file'));
  }
}

function isMissing(error: unknown): boolean {
  const code = errnoOf(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}
