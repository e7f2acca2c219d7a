/**
 * `protector status`: the tokens (fingerprints, ages, status) and instances of one or every
 * connection configuration, as the API reports them. Never prints a token value.
 */
import type { Command } from 'commander';
import { UsageError } from '../../errors';

interface StatusFlags {
  edgerc?: string;
  section?: string;
  config?: string;
  json?: boolean;
  check?: boolean;
  dueWithin: string;
  state: string[];
  format?: string;
}

export function register(program: Command): void {
  program
    .command('status')
    .description('Show the tokens and instances of connection configurations (fingerprints only, never token values).')
    .option('--edgerc <file>', '.edgerc file with the EdgeGrid credentials (default ~/.edgerc, else AKAMAI_* variables)')
    // No default value: a section the user names must exist; "default" is only assumed.
    .option('--section <name>', '.edgerc section (default: default)')
    .option('--config <id>', 'only this connection configuration, e.g. ccfg_8h2k4m9x1q')
    .option('--json', 'print JSON instead of text')
    .option('--check', 'exit 1 with one line per finding (overdue or due soon, at the 2-token cap, instances on an old token, unmanaged tokens); for a scheduled job')
    .option('--due-within <duration>', '--check: a token due within this is a finding', '14d')
    .option(
      '--state <dir-or-file>',
      '--check: Terraform working directory or state JSON whose protector_token resources are checked (repeatable)',
      (v: string, p: string[]) => [...p, v],
      [],
    )
    .option('--format <format>', '--check: text, json or markdown (default text; --json means json)')
    .action(async (flags: StatusFlags) => {
      await runStatus(flags);
    });
}

async function runStatus(flags: StatusFlags): Promise<void> {
  const api = require('../../api') as typeof import('../../api');
  const { collectStatus } = require('../../status/collect') as typeof import('../../status/collect');
  const { formatStatusText } = require('../../status/format') as typeof import('../../status/format');
  if (flags.config !== undefined) {
    const parsed = api.ConnectionConfigurationIdSchema.safeParse(flags.config);
    if (!parsed.success) throw new UsageError('STATUS_USAGE', `--config "${flags.config}" is not a connection configuration id: ${parsed.error.issues[0]!.message}.`);
  }
  const { checkUsageProblem } = require('../../status/check-usage') as typeof import('../../status/check-usage');
  const problem = checkUsageProblem(flags);
  if (problem) throw new UsageError('STATUS_USAGE', problem);
  const credentials = api.loadCredentials({ edgerc: flags.edgerc, section: flags.section });
  const client = new api.ProtectorClient({ credentials, maxRetries: 2 });
  if (flags.check) {
    const { runStatusCheck } = require('../../status/run-check') as typeof import('../../status/run-check');
    process.exitCode = await runStatusCheck(client, { ...flags, format: flags.format ?? (flags.json ? 'json' : 'text') });
    return;
  }
  const statuses = await collectStatus(client, flags.config);
  process.stdout.write(flags.json ? `${JSON.stringify(statuses, null, 2)}\n` : formatStatusText(statuses));
}
