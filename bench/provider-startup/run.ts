/**
 * `npm run bench:provider-startup [-- --runs N]`: spawn-to-handshake time of our provider bundle
 * beside the Go hashicorp/aws provider from this machine's local mirror, interleaved in one run
 * so both see the same machine load. Terraform starts a provider 2-5 times per command, one
 * after another, so this time is paid several times over.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProviderOnce } from '../../test/helpers/terraform';
import { MAGIC_COOKIE_VALUE } from '../../src/provider/host/handshake';
import { createServerCertificate } from '../../src/provider/host/self-signed-cert';

const AWS_PROVIDER = '/opt/tf-plugins/registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64/terraform-provider-aws_v5.100.0_x5';
const HANDSHAKE_TIMEOUT_MS = 20_000;

interface Subject {
  name: string;
  path: string;
}

/** Milliseconds from spawn to the first complete stdout line; the process is killed afterwards. */
function timeHandshake(path: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(path, [], { env, stdio: ['ignore', 'pipe', 'ignore'] });
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

async function main(): Promise<void> {
  const runs = parseRuns(process.argv.slice(2));
  const subjects: Subject[] = [{ name: 'protector (node bundle)', path: await buildProviderOnce() }];
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
  for (const subject of subjects) await timeHandshake(subject.path, modes[0][1]);

  process.stdout.write(`spawn-to-handshake, ${runs} runs each, interleaved (ms)\n`);
  process.stdout.write(`${'provider'.padEnd(30)}${'mode'.padEnd(11)}${'median'.padStart(8)}${'p90'.padStart(8)}${'min'.padStart(8)}${'max'.padStart(8)}\n`);
  for (const [mode, env] of modes) {
    const samples = new Map<string, number[]>(subjects.map((subject) => [subject.name, []]));
    for (let run = 0; run < runs; run++) {
      for (const subject of run % 2 === 0 ? subjects : [...subjects].reverse()) {
        samples.get(subject.name)!.push(await timeHandshake(subject.path, env));
      }
    }
    for (const subject of subjects) {
      const sorted = [...samples.get(subject.name)!].sort((a, b) => a - b);
      const cells = [percentile(sorted, 50), percentile(sorted, 90), sorted[0], sorted[sorted.length - 1]].map((ms) => ms.toFixed(1).padStart(8));
      process.stdout.write(`${subject.name.padEnd(30)}${mode.padEnd(11)}${cells.join('')}\n`);
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:provider-startup failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
