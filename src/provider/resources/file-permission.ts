/**
 * The rule for a token file's `file_permission`: the owner must read it, nobody else may write it
 * (a writable token file lets any local user swap the token an instance authenticates with), and
 * readable by group or other is allowed with a warning (a group the proxy runs in may need it).
 */
import type { Diagnostics, Model } from '../framework/types';

const OWNER_READ = 0o400;
const GROUP_OR_OTHER_WRITE = 0o022;
const GROUP_OR_OTHER_READ = 0o044;

/** What to change, or undefined when the permission may be used. */
export function filePermissionProblem(value: string): string | undefined {
  // Four digits, as refresh reports them: "640" would differ from "0640" on every plan.
  if (!/^0[0-7]{3}$/.test(value)) return `expected four octal digits such as "0600" or "0640", got ${JSON.stringify(value)}`;
  const mode = parseInt(value, 8);
  if ((mode & OWNER_READ) === 0) return `expected a permission that lets the owner read the file, such as "0600", got ${JSON.stringify(value)}`;
  if ((mode & GROUP_OR_OTHER_WRITE) !== 0) {
    return (
      `${JSON.stringify(value)} lets ${whoOf(mode & GROUP_OR_OTHER_WRITE)} write the token file, so they could replace the ` +
      `token an instance authenticates with; use "0600" (or "0640" for a group that only reads), got ${JSON.stringify(value)}`
    );
  }
  return undefined;
}

/** A warning for a permission that is allowed but lets others read the token. */
export function filePermissionWarning(value: string): string | undefined {
  if (filePermissionProblem(value) !== undefined) return undefined;
  const readers = parseInt(value, 8) & GROUP_OR_OTHER_READ;
  if (readers === 0) return undefined;
  return (
    `file_permission ${JSON.stringify(value)} lets ${whoOf(readers)} read the token. Keep it only if the Protector ` +
    'instance runs as another user of that group; otherwise use "0600".'
  );
}

/** Resource-level check: adds the warning on `file_permission` when there is one. */
export function warnOnReadableTokenFile(config: Model, diagnostics: Diagnostics): void {
  const value = config.file_permission;
  if (typeof value !== 'string') return;
  const warning = filePermissionWarning(value);
  if (warning) diagnostics.warning('Token File Readable By Others', warning, ['file_permission']);
}

function whoOf(bits: number): string {
  const group = (bits & 0o070) !== 0;
  const other = (bits & 0o007) !== 0;
  if (group && other) return 'its group and every other user';
  return group ? 'its group' : 'every other user';
}
