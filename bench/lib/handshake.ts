/** Spawn-to-handshake time of a provider bundle, as Terraform starts it (mTLS on): one launch's cost. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAGIC_COOKIE_VALUE } from '../../src/provider/host/handshake';
import { createServerCertificate } from '../../src/provider/host/self-signed-cert';

const TIMEOUT_MS = 20_000;

function once(path: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(path, [], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${path}: no handshake within ${TIMEOUT_MS} ms`));
    }, TIMEOUT_MS);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (!output.includes('\n')) return;
      const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
      clearTimeout(timer);
      child.kill('SIGKILL');
      child.once('exit', () => resolve(elapsed));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Median of `runs` launches, in milliseconds. */
export async function medianHandshakeMs(bundlePath: string, runs = 3): Promise<number> {
  const socketDir = mkdtempSync(join(tmpdir(), 'bench-handshake-'));
  try {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PLUGIN_UNIX_SOCKET_DIR: socketDir,
      TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE,
      PLUGIN_PROTOCOL_VERSIONS: '5,6',
      PLUGIN_MIN_PORT: '10000',
      PLUGIN_MAX_PORT: '25000',
      PLUGIN_CLIENT_CERT: createServerCertificate().certPem,
    };
    const samples: number[] = [];
    for (let run = 0; run < runs; run++) samples.push(await once(bundlePath, env));
    samples.sort((a, b) => a - b);
    return samples[Math.floor(samples.length / 2)]!;
  } finally {
    rmSync(socketDir, { recursive: true, force: true });
  }
}
