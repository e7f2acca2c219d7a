/**
 * `npm run bench:provider-startup [-- --runs N]`: spawn-to-handshake time, interleaved in one run
 * so all see the same machine load, of: the bare-Node floor (a `node -e` that prints a handshake
 * line and nothing else), our provider bundle (Node script with a shebang), our standalone
 * executable (Node single executable application with V8's code cache; built if missing) and the
 * Go hashicorp/aws provider from this machine's local mirror. Terraform starts a provider 2-5
 * times per command, one after another, so this time is paid several times over. The table is
 * also written to bench/results/provider-startup.md with the date, load average and commit.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProviderOnce, newestSourceMtime } from '../../test/helpers/terraform';
import { terraformPlatform } from '../../src/api/rules';
import { EXECUTABLE_PLATFORMS, providerExecutable, type ExecutablePlatform } from '../../src/provider/artifacts';
import { buildExecutable } from '../../src/provider/executable';
import { PACKAGE_ROOT } from '../../src/package-root';
import { MAGIC_COOKIE_VALUE } from '../../src/provider/host/handshake';
import { createServerCertificate } from '../../src/provider/host/self-signed-cert';

const AWS_PROVIDER = '/opt/tf-plugins/registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64/terraform-provider-aws_v5.100.0_x5';
const HANDSHAKE_TIMEOUT_MS = 20_000;

interface Subject {
  name: string;
  path: string;
  args?: string[];
}

/** Milliseconds from spawn to the first complete stdout line; the process is killed afterwards. */
function timeHandshake(subject: Subject, env: NodeJS.ProcessEnv): Promise<number> {
  const { path } = subject;
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(path, subject.args ?? [], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${path}: no handshake within ${HANDSHAKE_TIMEOUT_MS} ms`));
    }, HANDSHAKE_TIMEOUT_MS);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (!output.includes('\n')) return;
      const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
      clearTimeout(timer);
      child.kill('SIGKILL');
      child.once('exit', () => (/^\d+\|\d+\|(unix|tcp)\|/.test(output) ? resolve(elapsed) : reject(new Error(`${path}: unexpected handshake ${output.trim()}`))));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

function parseRuns(argv: string[]): number {
  const at = argv.indexOf('--runs');
  const runs = at >= 0 ? Number(argv[at + 1]) : 15;
  if (!Number.isInteger(runs) || runs < 1 || runs > 500) throw new Error(`--runs expects a whole number from 1 to 500, got ${argv[at + 1]}`);
  return runs;
}

/** The standalone executable for this machine, rebuilt when a source file is newer. */
async function standaloneExecutable(): Promise<string | undefined> {
  const platform = terraformPlatform();
  if (!(EXECUTABLE_PLATFORMS as readonly string[]).includes(platform)) return undefined;
  const path = providerExecutable(platform as ExecutablePlatform);
  if (!existsSync(path) || statSync(path).mtimeMs < newestSourceMtime()) await buildExecutable(platform as ExecutablePlatform, path);
  return path;
}

async function main(): Promise<void> {
  const runs = parseRuns(process.argv.slice(2));
  const subjects: Subject[] = [
    // The floor: starting Node itself and writing one line, which no Node provider can beat.
    { name: 'bare node -e (floor)', path: process.execPath, args: ['-e', "process.stdout.write('1|6|unix|/floor|grpc|\\n')"] },
    { name: 'protector (node bundle)', path: await buildProviderOnce() },
  ];
  const executable = await standaloneExecutable();
  if (executable) subjects.push({ name: 'protector (single executable)', path: executable });
  else process.stderr.write(`note: no standalone executable for ${terraformPlatform()}; measuring the bundle only\n`);
  if (existsSync(AWS_PROVIDER)) subjects.push({ name: 'hashicorp/aws 5.100.0 (Go)', path: AWS_PROVIDER });
  else process.stderr.write(`note: ${AWS_PROVIDER} not found; measuring our provider only\n`);

  // Killed providers cannot remove their sockets: keep them all in one directory removed at the end.
  const socketDir = mkdtempSync(join(tmpdir(), 'bench-provider-startup-'));
  process.once('exit', () => rmSync(socketDir, { recursive: true, force: true }));
  const clientCert = createServerCertificate().certPem; // stands in for Terraform's client certificate
  const base: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    PLUGIN_UNIX_SOCKET_DIR: socketDir,
    TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE,
    PLUGIN_PROTOCOL_VERSIONS: '5,6',
    PLUGIN_MIN_PORT: '10000',
    PLUGIN_MAX_PORT: '25000',
  };
  const modes: Array<[string, NodeJS.ProcessEnv]> = [
    ['mTLS', { ...base, PLUGIN_CLIENT_CERT: clientCert }],
    ['plaintext', { ...base, TF_DISABLE_PLUGIN_TLS: '1' }],
  ];

  // One warm-up each, so the first measured spawn does not pay for a cold page cache.
  for (const subject of subjects) await timeHandshake(subject, modes[0][1]);

  const loadBefore = loadavg()
    .map((load) => load.toFixed(2))
    .join(' ');
  const rows: string[] = [];
  process.stdout.write(`spawn-to-handshake, ${runs} runs each, interleaved (ms)\n`);
  process.stdout.write(
    `${'provider'.padEnd(32)}${'mode'.padEnd(11)}${'median'.padStart(8)}${'p90'.padStart(8)}${'min'.padStart(8)}${'max'.padStart(8)}${'x floor'.padStart(9)}\n`,
  );
  for (const [mode, env] of modes) {
    const samples = new Map<string, number[]>(subjects.map((subject) => [subject.name, []]));
    for (let run = 0; run < runs; run++) {
      for (const subject of run % 2 === 0 ? subjects : [...subjects].reverse()) {
        samples.get(subject.name)!.push(await timeHandshake(subject, env));
      }
    }
    const floor = percentile(
      [...samples.get(subjects[0].name)!].sort((a, b) => a - b),
      50,
    );
    for (const subject of subjects) {
      const sorted = [...samples.get(subject.name)!].sort((a, b) => a - b);
      const numbers = [percentile(sorted, 50), percentile(sorted, 90), sorted[0], sorted[sorted.length - 1]];
      const ratio = (numbers[0] / floor).toFixed(2);
      process.stdout.write(`${subject.name.padEnd(32)}${mode.padEnd(11)}${numbers.map((ms) => ms.toFixed(1).padStart(8)).join('')}${ratio.padStart(9)}\n`);
      rows.push(`| ${subject.name} | ${mode} | ${numbers.map((ms) => ms.toFixed(1)).join(' | ')} | ${ratio} |`);
    }
  }
  writeResults(runs, loadBefore, rows);
}

/** bench/results/provider-startup.md: the table with when, on what load, and at which commit it was measured. */
function writeResults(runs: number, loadBefore: string, rows: string[]): void {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: PACKAGE_ROOT, encoding: 'utf8' }).trim();
    if (execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: PACKAGE_ROOT, encoding: 'utf8' }).trim()) commit += ' (with uncommitted changes in src/)';
  } catch {
    // not a git checkout: the commit stays unknown
  }
  const loadAfter = loadavg()
    .map((load) => load.toFixed(2))
    .join(' ');
  const file = join(PACKAGE_ROOT, 'bench', 'results', 'provider-startup.md');
  mkdirSync(join(PACKAGE_ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(
    file,
    [
      '# Provider start-up: spawn to handshake line',
      '',
      `Measured ${new Date().toISOString()} at commit ${commit} by \`npm run bench:provider-startup -- --runs ${runs}\`: ${runs} runs of each, interleaved.`,
      `Load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAfter}. Node ${process.version}, ${terraformPlatform()}.`,
      '',
      '| provider | mode | median ms | p90 ms | min ms | max ms | median / floor |',
      '|---|---|---|---|---|---|---|',
      ...rows,
      '',
    ].join('\n'),
  );
  process.stdout.write(`\nwritten to ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:provider-startup failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
