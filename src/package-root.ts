/**
 * Where this package lives, whether it runs from a clone (TypeScript sources through tsx, files
 * under src/) or from the published package (compiled JavaScript under dist/src/): the nearest
 * folder above this file whose package.json is cdktf-protector's.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE_NAME = 'cdktf-protector';

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
    // A bug, not a user mistake: the package is always installed with its package.json.
    if (dirname(dir) === dir) throw new Error(`cdktf-protector: no package.json of ${PACKAGE_NAME} above ${from}`);
  }
}

export const PACKAGE_ROOT = findPackageRoot(__dirname);

/** The package's version, which is also the provider's version. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * True in a clone of the repository (the sources are there, and so are the dev dependencies
 * that build the provider); false in the published package, which ships only built files.
 */
export function isSourceCheckout(): boolean {
  return existsSync(join(PACKAGE_ROOT, 'src', 'provider', 'main.ts'));
}
