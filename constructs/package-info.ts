import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageManifestMissing } from './errors';

const PACKAGE_NAME = 'cdktf-protector';

/** The root folder of this package, whether running from sources (tsx) or from compiled `dist/`. */
export function packageRoot(from: string = __dirname): string {
  let dir = from;
  for (let depth = 0; depth < 8; depth++) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw packageManifestMissing(from);
}

/** This package's version, which is also the provider's version. */
export function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** True in a clone of the repository (sources and build scripts present), false in the published package. */
export function runsFromClone(): boolean {
  return fs.existsSync(path.join(packageRoot(), 'src', 'provider', 'main.ts'));
}
