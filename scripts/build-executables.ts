/**
 * `npm run build:executables`: the standalone provider executables (Node single executable
 * applications, ~100 MB each) for linux_amd64 and linux_arm64 in dist/provider/OS_ARCH/.
 * Pass platforms to build only those: `npm run build:executables -- linux_amd64`.
 */
import { EXECUTABLE_PLATFORMS, type ExecutablePlatform } from '../src/provider/artifacts';
import { buildExecutable } from '../src/provider/executable';

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((platform) => !(EXECUTABLE_PLATFORMS as readonly string[]).includes(platform));
  if (unknown.length > 0) throw new Error(`unknown platform ${unknown.join(', ')}; use ${EXECUTABLE_PLATFORMS.join(' or ')}`);
  const platforms = asked.length > 0 ? (asked as ExecutablePlatform[]) : [...EXECUTABLE_PLATFORMS];
  for (const platform of platforms) {
    const result = await buildExecutable(platform);
    process.stdout.write(
      `built ${result.path} (v${result.version}, ${(result.bytes / 1024 / 1024).toFixed(0)} MiB, code cache ${result.codeCache ? 'on' : 'off: built on another architecture'}) in ${result.millis} ms\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`build:executables failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
