/**
 * `npm run soak [-- --rotations 100 --hosts 5 --max-minutes 50 --out FILE]`: the soak under
 * faults (./soak.ts), with its figures as Markdown. Not part of `npm test`; a short version is
 * test/e2e/rotation/soak.test.ts. Exits non-zero when an invariant fails.
 */
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { currentLoad, machineInfo, machineMarkdown } from '../lib/machine';
import { runSoak, SOAK_FAULTS, soakMarkdown, type SoakOptions } from './soak';

function parseArgs(argv: string[]): { options: SoakOptions; out: string | undefined } {
  let rotations = 100;
  let hosts = 5;
  let maxMinutes = 50;
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === '--rotations') rotations = Number(value);
    else if (argv[i] === '--hosts') hosts = Number(value);
    else if (argv[i] === '--max-minutes') maxMinutes = Number(value);
    else if (argv[i] === '--out') out = value;
    else throw new Error(`unknown argument ${argv[i]}`);
    i++;
  }
  if (!Number.isInteger(rotations) || rotations < 1 || rotations > 1000) throw new Error('--rotations expects 1 to 1000');
  if (!Number.isInteger(hosts) || hosts < 1 || hosts > 20) throw new Error('--hosts expects 1 to 20');
  if (!(maxMinutes > 0 && maxMinutes <= 240)) throw new Error('--max-minutes expects up to 240');
  return { options: { rotations, hosts, faults: SOAK_FAULTS, maxMs: maxMinutes * 60_000, applyTimeoutMs: 300_000 }, out };
}

async function main(): Promise<void> {
  const { options, out } = parseArgs(process.argv.slice(2));
  const info = machineInfo();
  const report = await runSoak({ ...options, progress: (line) => process.stderr.write(`${line}\n`) });
  const markdown = [
    `## soak: ${options.rotations} rotations of one configuration under faults`,
    '',
    machineMarkdown(info, currentLoad()),
    '',
    soakMarkdown(report, options),
    '',
  ].join('\n');
  process.stdout.write(markdown);
  if (out) (existsSync(out) ? appendFileSync : writeFileSync)(out, `\n${markdown}`);
  const clean =
    report.authFailures === 0 &&
    report.rotationsCompleted === report.records.length &&
    report.records.every((r) => r.activeTokens === 1 && r.activeIsStateToken) &&
    report.tokensGenerated === report.rotationsCompleted;
  if (!clean) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
