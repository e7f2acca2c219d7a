/**
 * Bundles the provider into one executable file, dist/provider/terraform-provider-protector, with
 * a `node` shebang. Terraform execs it as is. The file holds two stages (see ./main.ts). `npm run build:provider`, `protector provider
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
/** Stage 1 runs the embedded stage 2 through this module. */
const EMBEDDED_STAGE_MODULE = join(REPO_ROOT, 'src', 'provider', 'embedded-stage.ts');

export interface BuildResult {
  path: string;
  version: string;
  bytes: number;
  millis: number;
  /** Stage 2 as embedded (the standalone executable ships V8's code cache of exactly this text). */
  stage2Source: string;
}

export interface BuildOptions {
  /**
   * Start with a `#!/usr/bin/env node` line and be executable (default). Off for the script a
   * single executable application embeds: it runs as plain CommonJS there.
   */
  shebang?: boolean;
}

/** The name stage 2 runs under (stack traces in debug logs). */
const STAGE2_FILENAME = 'terraform-provider-protector/stage2.js';

/**
 * Two bundles in one file (see ./main.ts): stage 2 (./serve.ts and everything it loads) is bundled
 * first, then embedded as a string literal into stage 1, in place of main.ts's `require('./serve')`.
 */
export async function buildProvider(outfile = PROVIDER_BUNDLE, options: BuildOptions = {}): Promise<BuildResult> {
  const shebang = options.shebang ?? true;
  const started = Date.now();
  // Loaded here: esbuild is a build-time tool, not something the CLI needs to start.
  const esbuild = await import('esbuild');
  // Required here, not imported at the top: it loads the whole provider, which the build needs but
  // the CLI's start does not. (A dynamic import() of a .ts file fails under `--require tsx/cjs`.)
  const { precomputedSchemaDefine } = require('./precomputed-schema') as typeof import('./precomputed-schema');
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    // Error classes name themselves after their constructor (`new.target.name`).
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
  } as const;
  const stage2 = await esbuild.build({
    ...common,
    entryPoints: [join(REPO_ROOT, 'src', 'provider', 'serve.ts')],
    write: false,
    // The .proto files precompiled, and the schema answer encoded: the provider does neither at start-up.
    define: { ...protoDescriptorDefine(), ...(await precomputedSchemaDefine()) },
  });
  const stage2Source = stage2.outputFiles[0].text;
  const embedStage2 = {
    name: 'embed-stage-2',
    setup(build: import('esbuild').PluginBuild) {
      build.onResolve({ filter: /^\.\/serve$/ }, (args) =>
        args.importer.endsWith(join('provider', 'main.ts')) ? { path: 'stage2', namespace: 'embedded-stage' } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: 'embedded-stage' }, () => ({
        contents: `module.exports = require(${JSON.stringify(EMBEDDED_STAGE_MODULE)}).runEmbeddedStage(${JSON.stringify(stage2Source)}, ${JSON.stringify(STAGE2_FILENAME)}, require);`,
        resolveDir: REPO_ROOT,
        loader: 'js',
      }));
    },
  };
  await esbuild.build({
    ...common,
    entryPoints: [join(REPO_ROOT, 'src', 'provider', 'main.ts')],
    outfile,
    banner: shebang ? { js: '#!/usr/bin/env node' } : {},
    plugins: [embedStage2],
  });
  if (shebang) chmodSync(outfile, 0o755);
  return { path: outfile, version: packageVersion(), bytes: statSync(outfile).size, millis: Date.now() - started, stage2Source };
}
