/**
 * `npm run build` (and `prepack`): everything the published package ships, from clean folders so
 * no stale file from an earlier build is packed: the constructs and the CLI compiled to dist/
 * (tsconfig.build.json), and the provider bundle (src/provider/bundle.ts).
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildProvider, REPO_ROOT } from '../src/provider/bundle';

async function main(): Promise<void> {
  // dist/provider is left alone: the bundle is overwritten, and tests running meanwhile may be using it.
  for (const folder of ['src', 'constructs']) rmSync(join(REPO_ROOT, 'dist', folder), { recursive: true, force: true });
  const started = Date.now();
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(REPO_ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  process.stdout.write(`compiled the constructs and the CLI into dist/ in ${Date.now() - started} ms\n`);
  const provider = await buildProvider();
  process.stdout.write(`built ${provider.path} (v${provider.version}, ${(provider.bytes / 1024).toFixed(0)} KiB) in ${provider.millis} ms\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`build failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
