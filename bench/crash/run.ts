/**
 * `npm run bench:crash [-- --runs 20 --hosts 2 --max-minutes 30 --out FILE]`: crash convergence
 * (./crash.ts) as Markdown. Exits non-zero when a run did not converge or an invariant failed.
 */
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { currentLoad, machineInfo, machineMarkdown } from '../lib/machine';
import { crashMarkdown, runCrashes } from './crash';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const arg = (name: string, fallback: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
  const runs = arg('--runs', 20);
  const hosts = arg('--hosts', 2);
  const maxMinutes = arg('--max-minutes', 30);
  const out = argv.includes('--out') ? argv[argv.indexOf('--out') + 1] : undefined;
  if (!Number.isInteger(runs) || runs < 1 || runs > 200) throw new Error('--runs expects 1 to 200');
  if (!Number.isInteger(hosts) || hosts < 1 || hosts > 20) throw new Error('--hosts expects 1 to 20');
  if (!(maxMinutes > 0 && maxMinutes <= 240)) throw new Error('--max-minutes expects up to 240');
  const info = machineInfo();
  const report = await runCrashes({ runs, hosts, maxMs: maxMinutes * 60_000, progress: (line) => process.stderr.write(`${line}\n`) });
  const markdown = [
    `## crash convergence: ${runs} rotation applies SIGKILLed at a random moment, each followed by a normal apply`,
    '',
    machineMarkdown(info, currentLoad()),
    '',
    `${hosts} simulated instances heartbeating every 200 ms; no injected faults.`,
    '',
    crashMarkdown(report),
    '',
  ].join('\n');
  process.stdout.write(markdown);
  if (out) (existsSync(out) ? appendFileSync : writeFileSync)(out, `\n${markdown}`);
  const clean = report.records.every((r) => r.converged && r.orphanActiveTokens === 0 && r.capErrors === 0 && r.tokensGenerated === 1) && report.authFailures === 0;
  if (!clean) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:crash failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
