/**
 * `protector instance`: plays one Protector instance for demos and tests. It heartbeats with the
 * token from a file or an AWS Secrets Manager secret, follows it as it changes, logs authentication failures to stderr
 * (fingerprints only), and on SIGTERM/SIGINT prints one JSON summary line on stdout.
 */
import type { Command } from 'commander';
// Type only (erased at runtime): the module itself is loaded in the handler.
import type { RawInstanceOptions } from '../../instance/options';

export function register(program: Command): void {
  program
    .command('instance')
    .description('Simulate a Protector instance that heartbeats with the token in a file or an AWS secret, until SIGTERM.')
    .requiredOption('--endpoint <url>', 'API base URL, e.g. the emulator URL http://127.0.0.1:PORT')
    .option('--token-file <path>', 'file holding the token value; re-read whenever it changes (or use --aws-secret-id)')
    .option('--aws-secret-id <id>', 'AWS Secrets Manager secret (name or ARN) holding the token value; re-read every --aws-refresh-interval')
    .option('--aws-region <region>', 'AWS region of the secret (default: AWS_REGION or the shared AWS config)')
    .option('--aws-endpoint <url>', 'Secrets Manager endpoint URL (default: AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_ENDPOINT_URL or the regional AWS endpoint)')
    .option('--aws-refresh-interval <duration>', 'time between re-reads of the secret, like the AWS Secrets Manager Agent cache TTL (default: 5m)')
    .requiredOption('--id <id>', 'instance id reported in heartbeats (A-Z a-z 0-9 . _ : -)')
    .requiredOption('--deployment-type <type>', 'kubernetes or reverse_proxy')
    .option('--interval <duration>', 'time between heartbeats, e.g. 500ms, 2s', '500ms')
    .option('--version <version>', 'Protector version reported in heartbeats', '1.0.0-simulated')
    .option('--no-follow', 'never re-read the token file or secret: play a stuck instance that keeps its first token')
    .action(async (flags: RawInstanceOptions) => {
      await runInstance(flags);
    });
}

async function runInstance(flags: RawInstanceOptions): Promise<void> {
  // Loaded lazily so `protector --help` stays fast (see commands/emulator.ts for why `require`).
  const { InstanceSimulator, eventLogger, parseInstanceOptions } = require('../../instance') as typeof import('../../instance');
  const options = parseInstanceOptions(flags);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  let source: import('../../instance').TokenSource | undefined;
  if (options.awsSecret) {
    // The AWS SDK is loaded only for --aws-secret-id (by aws-secret.ts itself).
    const { AwsSecretTokenSource } = require('../../instance/aws-secret') as typeof import('../../instance/aws-secret');
    source = await AwsSecretTokenSource.open(options.awsSecret, eventLogger(options, log));
  }
  const simulator = new InstanceSimulator(options, log, source);

  // Handlers first, then start: a SIGTERM right after start must still produce the summary.
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      void simulator
        .stop()
        .catch(() => simulator.summary())
        .then((summary) => process.stdout.write(`${JSON.stringify(summary)}\n`, () => resolve()));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  simulator.start();
  await stopped;
}
