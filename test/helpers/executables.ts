/**
 * The standalone provider executables (~100 MB each), built once per test run into
 * dist/provider/OS_ARCH/ and reused while they are newer than every source file (like the bundle
 * in terraform.ts). Each is built to its own temporary file and renamed into place.
 */
import { existsSync, statSync } from 'node:fs';
import { EXECUTABLE_PLATFORMS, providerExecutable, type ExecutablePlatform } from '../../src/provider/artifacts';
import { buildExecutable } from '../../src/provider/executable';
import { newestSourceMtime } from './terraform';

let built: Promise<Record<ExecutablePlatform, string>> | undefined;

export function buildExecutablesOnce(): Promise<Record<ExecutablePlatform, string>> {
  built ??= (async () => {
    const newest = newestSourceMtime();
    const paths = {} as Record<ExecutablePlatform, string>;
    for (const platform of EXECUTABLE_PLATFORMS) {
      const path = providerExecutable(platform);
      if (!existsSync(path) || statSync(path).mtimeMs < newest) await buildExecutable(platform, path);
      paths[platform] = path;
    }
    return paths;
  })();
  return built;
}
