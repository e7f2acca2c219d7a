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
  const credentials = api.loadCredentials({ edgerc: flags.edgerc, section: flags.section });
  const client = new api.ProtectorClient({ credentials, maxRetries: 2 });
  const statuses = await collectStatus(client, flags.config);
  process.stdout.write(flags.json ? `${JSON.stringify(statuses, null, 2)}\n` : formatStatusText(statuses));
}
