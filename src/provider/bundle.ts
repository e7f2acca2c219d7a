/**
 * Bundles the provider into one executable file, dist/provider/terraform-provider-protector, with
 * a `node` shebang. Terraform execs it as is. `npm run build:provider`, `protector provider
 * install` and the demo all build through here.
 */
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { protoDescriptorDefine } from './host/proto-descriptors';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const PROVIDER_BUNDLE = join(REPO_ROOT, 'dist', 'provider', 'terraform-provider-protector');

export interface BuildResult {
  path: string;
  version: string;
  bytes: number;
  millis: number;
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

export async function buildProvider(outfile = PROVIDER_BUNDLE): Promise<BuildResult> {
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
    banner: { js: '#!/usr/bin/env node' },
    // The .proto files, precompiled: the provider does not parse them at start-up.
    define: protoDescriptorDefine(),
    logLevel: 'warning',
  });
  chmodSync(outfile, 0o755);
  return { path: outfile, version: packageVersion(), bytes: statSync(outfile).size, millis: Date.now() - started };
}
