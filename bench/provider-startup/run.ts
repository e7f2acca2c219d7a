/**
 * `npm run bench:provider-startup [-- --runs N] [--also NAME=PATH ...]`: start-up times, interleaved
 * in one run so all see the same machine load, of: the bare-Node floor (a `node -e` that prints a
 * handshake line and nothing else), our provider bundle (Node script with a shebang), our
 * standalone executable (Node single executable application with V8's code caches; built if
 * missing), the Go hashicorp/aws provider from this machine's local mirror, and any other
 * provider binary named with `--also` (say, a build of an older commit).
 *
 * Per start: spawn to the handshake line (what Terraform waits for before it connects) and spawn
 * to the answer of the first RPC over the announced socket (what it waits for before it can go
 * on). The first RPC is GetProviderSchema in one start (the first process of a command) and
 * StopProvider in another (standing for the later processes' first calls, which the provider's
 * own code answers). Terraform starts a provider 3-5 times per command, one after another, so
 * all of it is paid several times over. The table is also written to
 * bench/results/provider-startup.md with the date, load average and commit.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { buildProviderOnce, newestSourceMtime } from '../../test/helpers/terraform';
import { terraformPlatform } from '../../src/api/rules';
import { EXECUTABLE_PLATFORMS, providerExecutable, type ExecutablePlatform } from '../../src/provider/artifacts';
import { buildExecutable } from '../../src/provider/executable';
import { PACKAGE_ROOT } from '../../src/package-root';
import { MAGIC_COOKIE_VALUE } from '../../src/provider/host/handshake';
import { createServerCertificate, type ServerCertificate } from '../../src/provider/host/self-signed-cert';

const AWS_PROVIDER = '/opt/tf-plugins/registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64/terraform-provider-aws_v5.100.0_x5';
const START_TIMEOUT_MS = 20_000;

interface Subject {
  name: string;
  path: string;
  args?: string[];
  /** False for the floor, which prints a handshake line and serves nothing. */
  serves: boolean;
}

interface Sample {
  handshakeMs: number;
  firstAnswerMs?: number;
  /** From another start of the same binary: spawn to the answer of StopProvider, a call the provider itself must answer. */
  providerAnswerMs?: number;
}

interface Mode {
  name: string;
  env: NodeJS.ProcessEnv;
  /** Our side of the mTLS, as Terraform would hold it; undefined for plaintext. */
  terraformCertificate?: ServerCertificate;
}

/** `1|6|unix|SOCKET|grpc|CERT` -> the protocol, the socket and the server certificate as PEM (Terraform's view of it). */
function parseHandshake(line: string): { protocol: string; socket: string; certPem?: string } {
  const [, protocol, , socket, , cert] = line.trim().split('|');
  if (!cert) return { protocol, socket };
  const base64 = cert.padEnd(cert.length + ((4 - (cert.length % 4)) % 4), '=');
  return { protocol, socket, certPem: `-----BEGIN CERTIFICATE-----\n${base64.replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n` };
}

/**
 * The first call of a start, by protocol (6 is ours, 5 hashicorp/aws's); each takes an empty request.
 * - schema: GetProviderSchema (GetSchema), the first call of every Terraform command's first
 *   provider process, which asks for nothing else; our build precomputes its answer.
 * - provider: StopProvider (Stop), which the provider's own code must answer, as the first call
 *   of the later processes (ValidateProviderConfig, ConfigureProvider) does.
 */
const FIRST_CALLS = {
  schema: { '6': '/tfplugin6.Provider/GetProviderSchema', '5': '/tfplugin5.Provider/GetSchema' },
  provider: { '6': '/tfplugin6.Provider/StopProvider', '5': '/tfplugin5.Provider/Stop' },
} as const satisfies Record<string, Record<string, string>>;
type FirstCall = keyof typeof FIRST_CALLS;

function firstCall(line: string, mode: Mode, call: FirstCall): Promise<void> {
  const { protocol, socket, certPem } = parseHandshake(line);
  const method = (FIRST_CALLS[call] as Record<string, string>)[protocol];
  if (!method) return Promise.reject(new Error(`plugin protocol ${protocol} is not one this bench can call`));
  const credentials =
    certPem && mode.terraformCertificate
      ? grpc.credentials.createSsl(Buffer.from(certPem), Buffer.from(mode.terraformCertificate.keyPem), Buffer.from(mode.terraformCertificate.certPem))
      : grpc.credentials.createInsecure();
  const client = new grpc.Client(`unix://${socket}`, credentials, {
    'grpc.ssl_target_name_override': 'localhost',
    'grpc.default_authority': 'localhost',
    'grpc.max_receive_message_length': 256 << 20,
  });
  // The answer's bytes are not decoded: receiving them whole is what is timed.
  const bytes = (buffer: Buffer) => buffer;
  return new Promise<void>((resolve, reject) => {
    client.makeUnaryRequest(method, bytes, bytes, Buffer.alloc(0), { deadline: Date.now() + START_TIMEOUT_MS }, (error) => {
      client.close();
      if (error) reject(error);
      else resolve();
    });
  });
}

/** Milliseconds from spawn to the handshake line, and (for a real provider) to its answer to the first call. */
function timeStart(subject: Subject, mode: Mode, call: FirstCall = 'schema'): Promise<Sample> {
  const { path } = subject;
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
    const child = spawn(path, subject.args ?? [], { env: mode.env, stdio: ['ignore', 'pipe', 'ignore'] });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${path}: not ready within ${START_TIMEOUT_MS} ms`));
    }, START_TIMEOUT_MS);
    const finish = (result: Sample | Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      child.once('exit', () => (result instanceof Error ? reject(result) : resolve(result)));
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (output.includes('\n')) return;
      output += chunk;
      if (!output.includes('\n')) return;
      const handshakeMs = elapsed();
      if (!/^\d+\|\d+\|(unix|tcp)\|/.test(output)) return finish(new Error(`${path}: unexpected handshake ${output.trim()}`));
      if (!subject.serves) return finish({ handshakeMs });
      firstCall(output, mode, call).then(
        () => finish({ handshakeMs, firstAnswerMs: elapsed() }),
        (error: Error) => finish(new Error(`${path}: the first call failed: ${error.message}`)),
      );
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

function parseArgs(argv: string[]): { runs: number; also: Subject[] } {
  let runs = 15;
  const also: Subject[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') {
      runs = Number(argv[++i]);
      if (!Number.isInteger(runs) || runs < 1 || runs > 500) throw new Error(`--runs expects a whole number from 1 to 500, got ${argv[i]}`);
    } else if (argv[i] === '--also') {
      const [name, path] = (argv[++i] ?? '').split('=');
      if (!name || !path || !existsSync(path)) throw new Error(`--also expects NAME=PATH of a provider binary, got ${argv[i]}`);
      also.push({ name, path, serves: true });
    } else throw new Error(`unknown argument ${argv[i]}`);
  }
  return { runs, also };
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
  const { runs, also } = parseArgs(process.argv.slice(2));
  const subjects: Subject[] = [
    // The floor: starting Node itself and writing one line, which no Node provider can beat.
    { name: 'bare node -e (floor)', path: process.execPath, args: ['-e', "process.stdout.write('1|6|unix|/floor|grpc|\\n')"], serves: false },
    { name: 'protector (node bundle)', path: await buildProviderOnce(), serves: true },
  ];
  const executable = await standaloneExecutable();
  if (executable) subjects.push({ name: 'protector (single executable)', path: executable, serves: true });
  else process.stderr.write(`note: no standalone executable for ${terraformPlatform()}; measuring the bundle only\n`);
  subjects.push(...also);
  if (existsSync(AWS_PROVIDER)) subjects.push({ name: 'hashicorp/aws 5.100.0 (Go)', path: AWS_PROVIDER, serves: true });
  else process.stderr.write(`note: ${AWS_PROVIDER} not found; measuring our provider only\n`);

  // Killed providers cannot remove their sockets: keep them all in one directory removed at the end.
  const socketDir = mkdtempSync(join(tmpdir(), 'bench-provider-startup-'));
  process.once('exit', () => rmSync(socketDir, { recursive: true, force: true }));
  const terraformCertificate = createServerCertificate(); // stands in for Terraform's client certificate
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
  const modes: Mode[] = [
    { name: 'mTLS', env: { ...base, PLUGIN_CLIENT_CERT: terraformCertificate.certPem }, terraformCertificate },
    { name: 'plaintext', env: { ...base, TF_DISABLE_PLUGIN_TLS: '1' } },
  ];

  // One warm-up each, so the first measured spawn does not pay for a cold page cache.
  for (const subject of subjects) await timeStart(subject, modes[0]);

  const loadBefore = loadavg()
    .map((load) => load.toFixed(2))
    .join(' ');
  const rows: string[] = [];
  const columns = ['median', 'p90', 'min', 'x floor', 'schema', 'p90', 'provider', 'p90'];
  process.stdout.write(
    `spawn to handshake line, to the answer of a first GetProviderSchema, and (another start) of a first StopProvider; ${runs} runs each, interleaved (ms)\n`,
  );
  process.stdout.write(`${'provider'.padEnd(34)}${'mode'.padEnd(11)}${columns.map((column) => column.padStart(9)).join('')}\n`);
  for (const mode of modes) {
    const samples = new Map<string, Sample[]>(subjects.map((subject) => [subject.name, []]));
    for (let run = 0; run < runs; run++) {
      for (const subject of run % 2 === 0 ? subjects : [...subjects].reverse()) {
        const sample = await timeStart(subject, mode);
        if (subject.serves) sample.providerAnswerMs = (await timeStart(subject, mode, 'provider')).firstAnswerMs;
        samples.get(subject.name)!.push(sample);
      }
    }
    const floor = percentile(
      samples
        .get(subjects[0].name)!
        .map((sample) => sample.handshakeMs)
        .sort((a, b) => a - b),
      50,
    );
    for (const subject of subjects) {
      const handshakes = samples
        .get(subject.name)!
        .map((sample) => sample.handshakeMs)
        .sort((a, b) => a - b);
      const answers = samples
        .get(subject.name)!
        .flatMap((sample) => (sample.firstAnswerMs === undefined ? [] : [sample.firstAnswerMs]))
        .sort((a, b) => a - b);
      const providerAnswers = samples
        .get(subject.name)!
        .flatMap((sample) => (sample.providerAnswerMs === undefined ? [] : [sample.providerAnswerMs]))
        .sort((a, b) => a - b);
      const median = percentile(handshakes, 50);
      const cells = [
        median.toFixed(1),
        percentile(handshakes, 90).toFixed(1),
        handshakes[0].toFixed(1),
        (median / floor).toFixed(2),
        answers.length ? percentile(answers, 50).toFixed(1) : '-',
        answers.length ? percentile(answers, 90).toFixed(1) : '-',
        providerAnswers.length ? percentile(providerAnswers, 50).toFixed(1) : '-',
        providerAnswers.length ? percentile(providerAnswers, 90).toFixed(1) : '-',
      ];
      process.stdout.write(`${subject.name.padEnd(34)}${mode.name.padEnd(11)}${cells.map((cell) => cell.padStart(9)).join('')}\n`);
      rows.push(`| ${subject.name} | ${mode.name} | ${cells.join(' | ')} |`);
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
      '# Provider start-up: spawn to handshake line, and to the first answer',
      '',
      `Measured ${new Date().toISOString()} at commit ${commit} by \`npm run bench:provider-startup -- ${process.argv.slice(2).join(' ')}\`: ${runs} runs of each, interleaved.`,
      `Load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAfter}. Node ${process.version}, ${terraformPlatform()}.`,
      '',
      'Handshake: spawn to the handshake line on stdout. Schema answer: spawn to the answer of a first GetProviderSchema (GetSchema for protocol 5), the only call of the first provider process of a Terraform command, which our build precomputes. Provider answer: another start, spawn to the answer of a first StopProvider (Stop), which the provider must load its own code to answer, as the first call of the later processes does. Calls go over the socket the line names (the floor serves nothing).',
      '',
      '| provider | mode | handshake median ms | p90 ms | min ms | median / floor | schema answer median ms | p90 ms | provider answer median ms | p90 ms |',
      '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
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
