/**
 * The `protector` command. Each subcommand lives in `commands/<name>.ts` and exports
 * `register(program)`; handlers import their heavy modules lazily so `--help` stays fast.
 */
import { Command, CommanderError } from 'commander';
import { EXIT_CODES, ProtectorError, exitCodeFor } from '../errors';
import { packageVersion } from '../package-root';
import { register as registerEmulator } from './commands/emulator';
import { register as registerInstance } from './commands/instance';
import { register as registerPlan } from './commands/plan';
import { register as registerProvider } from './commands/provider';
import { register as registerStatus } from './commands/status';

const program = new Command('protector')
  .description('Manage App & API Protector Hybrid connection configurations and rotate their tokens.')
  .version(packageVersion(), '-V, --version', 'print the version')
  // Root options only before the subcommand: `protector instance --version X` is the instance's own option.
  .enablePositionalOptions()
  .showHelpAfterError()
  // Throw instead of exiting, so a usage mistake gets the usage exit code (2), like our own UsageErrors.
  .exitOverride();

registerEmulator(program);
registerInstance(program);
registerPlan(program);
registerProvider(program);
registerStatus(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    // Commander has already printed its message (or the help text).
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_CODES.usage;
    return;
  }
  // User-facing errors print their message only; a stack trace is for bugs.
  if (error instanceof ProtectorError && error.kind !== 'internal') {
    process.stderr.write(`protector: ${error.message}\n`);
  } else {
    process.stderr.write(`protector: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
  process.exitCode = exitCodeFor(error);
});
