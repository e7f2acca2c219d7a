/**
 * `protector provider install [--mirror DIR]`: puts the Terraform provider into a filesystem
 * mirror and prints the CLI configuration that makes `terraform init` use it offline.
 * `protector provider mirror --out DIR`: lays out released provider zips as a packed filesystem
 * mirror, a static network mirror and a static provider registry, and prints the CLI configuration of each.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { UsageError } from '../../errors';

interface InstallFlags {
  mirror?: string;
  rebuild?: boolean;
}

interface MirrorFlags {
  out: string;
  release?: string;
  url: string;
  registryUrl: string;
}

export function register(program: Command): void {
  const provider = program.command('provider').description('Install the protector Terraform provider.');
  provider
    .command('install')
    .description('Build the provider bundle if needed and lay it out in a Terraform filesystem mirror.')
    .option('--mirror <dir>', "filesystem mirror root (default: Terraform's implied local mirror ~/.terraform.d/plugins)")
    .option('--rebuild', 'rebuild the bundle even if dist/provider/terraform-provider-protector exists', false)
    .action(async (flags: InstallFlags) => {
      // Loaded here so `protector --help` does not pay for it (see commands/emulator.ts for why `require`).
      const { installProvider, defaultMirrorDir } = require('../../provider/install') as typeof import('../../provider/install');
      const result = await installProvider({ mirrorDir: flags.mirror, rebuild: flags.rebuild }).catch((error: unknown) => {
        throw unwritableMirror(error, flags.mirror ?? defaultMirrorDir()) ?? error;
      });
      const implied = result.mirrorDir === defaultMirrorDir();
      process.stdout.write(
        `Installed protector-iac/protector v${result.version} (${result.platform}) at\n  ${result.installedPath}\n\n` +
          (implied
            ? "This is Terraform's implied local mirror: `terraform init` finds it without further setup.\n" +
              'To pin installation explicitly, put this in your Terraform CLI configuration (~/.terraformrc or TF_CLI_CONFIG_FILE):\n\n'
            : 'Put this in your Terraform CLI configuration (~/.terraformrc, or a file named by TF_CLI_CONFIG_FILE):\n\n') +
          `${result.cliConfig}\n` +
          "After reinstalling the same version, run `terraform init -upgrade` (the lock file pins the previous build's checksum).\n",
      );
    });
  provider
    .command('mirror')
    .description('Lay out released provider zips as a packed filesystem mirror, a static network mirror and a static provider registry (for any HTTPS server).')
    .requiredOption('--out <dir>', 'folder to write packed/ (filesystem mirror), network/ (network mirror files) and registry/ (provider registry files) into')
    .option('--release <dir>', "folder of one release: its zips and SHA256SUMS (default: this clone's dist/release/VERSION, built by npm run release)")
    .option('--url <url>', 'HTTPS URL that will serve network/, for the printed CLI configuration', 'https://terraform-mirror.example.com/providers/')
    .option('--registry-url <url>', 'HTTPS URL that will serve registry/, for the printed CLI configuration', 'https://terraform-registry.example.com/')
    .action((flags: MirrorFlags) => {
      const { writeMirror, packedMirrorConfig, networkMirrorConfig, registryHostConfig } = require('../../provider/mirror') as typeof import('../../provider/mirror');
      const { RELEASE_DIR } = require('../../provider/artifacts') as typeof import('../../provider/artifacts');
      const { packageVersion } = require('../../package-root') as typeof import('../../package-root');
      if (!/^https:\/\/[^/]+(\/.*)?\/$/.test(flags.url)) {
        throw new UsageError('INVALID_MIRROR_URL', `--url "${flags.url}" must be an https:// URL ending in "/" (Terraform reads network mirrors over HTTPS only).`);
      }
      if (!/^https:\/\/[^/]+(\/.*)?\/$/.test(flags.registryUrl)) {
        throw new UsageError(
          'INVALID_MIRROR_URL',
          `--registry-url "${flags.registryUrl}" must be an https:// URL ending in "/" (Terraform reads provider registries over HTTPS only).`,
        );
      }
      const result = writeMirror({ releaseDir: flags.release ?? join(RELEASE_DIR, packageVersion()), outDir: flags.out });
      process.stdout.write(
        `Mirrored protector-iac/protector v${result.version} (${result.platforms.join(', ')}).\n\n` +
          `Packed filesystem mirror: ${result.packedDir}\nCLI configuration (~/.terraformrc or TF_CLI_CONFIG_FILE):\n\n${packedMirrorConfig(result.packedDir)}\n` +
          `Network mirror files: ${result.networkDir}\nServe that folder at ${flags.url}, then use:\n\n${networkMirrorConfig(flags.url)}\n` +
          `Provider registry files (signed: lock files get every platform's zh: hash): ${result.registryDir}\n` +
          `Serve that folder at ${flags.registryUrl}, then use (it replaces registry.terraform.io for every provider, see docs/releasing.md):\n\n${registryHostConfig(flags.registryUrl)}`,
      );
    });
}

/** Codes of a mirror path the user can fix by choosing another directory. */
const PATH_ERRORS = new Set(['ENOTDIR', 'EACCES', 'EPERM', 'EROFS', 'EEXIST', 'EISDIR']);

function unwritableMirror(error: unknown, mirror: string): UsageError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (!code || !PATH_ERRORS.has(code)) return undefined;
  return new UsageError(
    'PROVIDER_MIRROR_UNWRITABLE',
    `cannot install the provider under ${mirror} (${(error as Error).message}). Pass --mirror with a directory you can write to.`,
  );
}
