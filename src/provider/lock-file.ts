/**
 * The provider's entry in a Terraform dependency lock file (`.terraform.lock.hcl`), for a package
 * laid out unpacked (a folder holding the executable, as in a filesystem mirror).
 *
 * Why: `cdktf deploy` runs `terraform providers lock -platform=linux_amd64` whenever a stack's lock
 * file lacks one of its providers, and that command asks the origin registry, ignoring mirrors;
 * this provider is on no registry, so it fails. A lock file that already holds the provider's
 * hash makes cdktf skip it, and `terraform init` then checks the mirrored package against it.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROVIDER_ADDRESS } from '../api/rules';

/**
 * Terraform's `h1:` hash of an unpacked package: SHA-256 over the lines `HEX  PATH\n` (each
 * file's SHA-256 and its path relative to `dir`, sorted by path), base64-encoded.
 */
export function packageHashH1(dir: string): string {
  const files: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder)) {
      const path = join(folder, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(relative(dir, path).split('\\').join('/'));
    }
  };
  walk(dir);
  const summary = files
    .sort()
    .map(
      (file) =>
        `${createHash('sha256')
          .update(readFileSync(join(dir, file)))
          .digest('hex')}  ${file}\n`,
    )
    .join('');
  return `h1:${createHash('sha256').update(summary).digest('base64')}`;
}

const ENTRY = new RegExp(`^provider "${PROVIDER_ADDRESS.replace(/[./-]/g, '\\$&')}" \\{\\n[\\s\\S]*?^\\}\\n?`, 'm');

/**
 * `lockFile` (the current content, '' for none) with this provider's entry set to `version`, the
 * configuration's version `constraints` and `hashes`, written as `terraform init` writes it (so
 * init leaves it unchanged); every other provider's entry is kept as it is.
 */
export function withProviderLock(lockFile: string, version: string, constraints: string, hashes: readonly string[]): string {
  const entry = [
    `provider "${PROVIDER_ADDRESS}" {`,
    `  version     = ${JSON.stringify(version)}`,
    `  constraints = ${JSON.stringify(constraints)}`,
    '  hashes = [',
    ...hashes.map((hash) => `    ${JSON.stringify(hash)},`),
    '  ]',
    '}',
    '',
  ].join('\n');
  const header = '# This file is maintained automatically by "terraform init".\n# Manual edits may be lost in future updates.\n';
  const rest = lockFile.replace(ENTRY, '').trim();
  if (!rest) return `${header}\n${entry}`;
  return `${rest}\n\n${entry}`;
}
