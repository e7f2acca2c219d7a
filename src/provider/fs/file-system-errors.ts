/**
 * A file-system refusal met while handling a file the user named, as a user error that names the
 * path and says what to change, instead of an "Internal Provider Error". Only errno-style errors
 * (a `code` such as EACCES) are mapped; anything else is a genuine bug and passes through.
 */
import { ExternalError, UsageError } from '../../errors';

/** Where the path came from, for "change `path`"-style advice, e.g. "the token file's `path`". */
export interface FileContext {
  /** The file the user named. */
  file: string;
  /** How the user set it, e.g. "`path`". */
  setting: string;
  /** What the provider was doing, e.g. "write the token file". */
  action: string;
}

/** Kernel file systems: nothing a token file can live on. */
const PSEUDO_FILE_SYSTEMS = ['/proc', '/sys', '/dev'];

export class FileSystemUsageError extends UsageError {
  constructor(message: string) {
    super('TOKEN_FILE_PATH_NOT_USABLE', message);
  }
}

export class FileSystemFailureError extends ExternalError {
  constructor(message: string) {
    super('TOKEN_FILE_NOT_WRITTEN', message);
  }
}

/** The errno code of a Node file-system error, if it is one. */
export function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/** The pseudo file system `file` is on (`/proc`, `/sys`, `/dev`), if any. */
export function pseudoFileSystemOf(file: string): string | undefined {
  return PSEUDO_FILE_SYSTEMS.find((root) => file === root || file.startsWith(`${root}/`));
}

/**
 * The user-facing error for `error` met at `at` (the file itself or one of its parents), or
 * `error` unchanged when it is not a file-system refusal.
 */
export function fileSystemError(error: unknown, at: string, ctx: FileContext): Error {
  if (error instanceof UsageError || error instanceof ExternalError) return error;
  const code = errnoOf(error);
  if (code === undefined) return error instanceof Error ? error : new Error(String(error));
  const cannot = `Cannot ${ctx.action} ${ctx.file}`;
  const change = `Change ${ctx.setting} to a file on a regular, writable file system, such as "/etc/protector/token"`;
  const pseudo = pseudoFileSystemOf(at);
  if (pseudo) {
    return new FileSystemUsageError(`${cannot}: ${at} is on ${pseudo}, a kernel file system where files and directories cannot be created (${code}). ${change}.`);
  }
  switch (code) {
    case 'EEXIST':
    case 'ENOTDIR':
      return new FileSystemUsageError(`${cannot}: ${at} is a file, not a directory, so it cannot hold ${ctx.file}. ${change}, or move that file out of the way.`);
    case 'EISDIR':
      return new FileSystemUsageError(
        `${cannot}: ${at} is a directory, and ${ctx.setting} must name a file. Change it to a file name such as ` +
          `"${at.replace(/\/+$/, '')}/token", or remove the directory.`,
      );
    case 'EACCES':
    case 'EPERM':
      return new FileSystemUsageError(
        `${cannot}: permission denied at ${at} (${code}) for the user running Terraform (uid ${process.getuid?.() ?? 'unknown'}). ` +
          `${change} that this user may write, or give it write access to the directory.`,
      );
    case 'EROFS':
      return new FileSystemUsageError(`${cannot}: ${at} is on a read-only file system. ${change}.`);
    case 'ENAMETOOLONG':
      return new FileSystemUsageError(`${cannot}: the path is too long for the file system (${code}). ${change}, with a shorter path.`);
    case 'ELOOP':
      return new FileSystemUsageError(`${cannot}: ${at} is a loop of symbolic links. ${change}, or fix the links.`);
    case 'ENOENT':
      return new FileSystemUsageError(
        `${cannot}: the file system refused to create ${at} although its parent exists (ENOENT), as kernel and ` + `special file systems do. ${change}.`,
      );
    case 'ENOSPC':
    case 'EDQUOT':
      return new FileSystemFailureError(`${cannot}: no space left at ${at} (${code}). Free some space and run terraform apply again.`);
    default:
      return new FileSystemFailureError(`${cannot}: the file system refused at ${at} (${code}). Check ${at}, then run terraform apply again.`);
  }
}
