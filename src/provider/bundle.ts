/**
 * Bundles the provider into one executable file, dist/provider/terraform-provider-protector, with
 * a `node` shebang. Terraform execs it as is. `npm run build:provider`, `protector provider
 * install` and the demo all build through here.
 */
import { chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT, packageVersion } from '../package-root';
import { PROVIDER_BUNDLE } from './artifacts';
import { protoDescriptorDefine } from './host/proto-descriptors';

export { packageVersion, PROVIDER_BUNDLE };
/** Building needs the sources, so this is always a clone of the repository. */
export const REPO_ROOT = PACKAGE_ROOT;

export interface BuildResult {
  path: string;
  version: string;
  bytes: number;
  millis: number;
}

export interface BuildOptions {
  /**
   * Start with a `#!/usr/bin/env node` line and be executable (default). Off for the script a
   * single executable application embeds: it runs as plain CommonJS there.
   */
  shebang?: boolean;
}

export async function buildProvider(outfile = PROVIDER_BUNDLE, options: BuildOptions = {}): Promise<BuildResult> {
  const shebang = options.shebang ?? true;
  const started = Date.now();
  // Loaded here: esbuild is a build-time tool, not something the CLI needs to start.
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [join(REPO_ROOT, 'src', 'provider', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    // Error classes name themselves after their constructor (`new.target.name`).
    keepNames: true,
    legalComments: 'none',
    banner: shebang ? { js: '#!/usr/bin/env node' } : {},
    // The .proto files, precompiled: the provider does not parse them at start-up.
    define: protoDescriptorDefine(),
    logLevel: 'warning',
  });
  if (shebang) chmodSync(outfile, 0o755);
  return { path: outfile, version: packageVersion(), bytes: statSync(outfile).size, millis: Date.now() - started };
}
