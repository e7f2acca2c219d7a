/**
 * `protector provider install [--mirror DIR]`: puts the Terraform provider into a filesystem
 * mirror and prints the CLI configuration that makes `terraform init` use it offline.
 */
import type { Command } from 'commander';
import { UsageError } from '../../errors';

interface InstallFlags {
  mirror?: string;
  rebuild?: boolean;
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
            ? 'This is Terraform\'s implied local mirror: `terraform init` finds it without further setup.\n' +
              'To pin installation explicitly, put this in your Terraform CLI configuration (~/.terraformrc or TF_CLI_CONFIG_FILE):\n\n'
            : 'Put this in your Terraform CLI configuration (~/.terraformrc, or a file named by TF_CLI_CONFIG_FILE):\n\n') +
          `${result.cliConfig}\n` +
          'After reinstalling the same version, run `terraform init -upgrade` (the lock file pins the previous build\'s checksum).\n',
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
