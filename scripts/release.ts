/**
 * `npm run release -- --key KEY [--gnupg-home DIR]`: builds the standalone executables and the
 * signed release files in dist/release/VERSION/ (see src/provider/release.ts and docs/releasing.md).
 */
import { parseArgs } from 'node:util';
import { EXECUTABLE_PLATFORMS, type ExecutablePlatform } from '../src/provider/artifacts';
import { buildExecutable } from '../src/provider/executable';
import { buildRelease } from '../src/provider/release';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { key: { type: 'string' }, 'gnupg-home': { type: 'string' } } });
  const key = values.key ?? process.env.PROTECTOR_RELEASE_KEY;
  if (!key) throw new Error('pass --key with the GPG key that signs the release (or set PROTECTOR_RELEASE_KEY); see docs/releasing.md');
  const executables: Partial<Record<ExecutablePlatform, string>> = {};
  for (const platform of EXECUTABLE_PLATFORMS) executables[platform] = (await buildExecutable(platform)).path;
  const release = await buildRelease({ executables, signingKey: key, gnupgHome: values['gnupg-home'] });
  process.stdout.write(`release v${release.version} in ${release.dir}:\n${[...release.files, release.signingKey].map((file) => `  ${file}\n`).join('')}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`release failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
