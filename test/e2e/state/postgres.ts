/**
 * A real PostgreSQL for the shared-state tests. `.ci/run` starts one and exports
 * PROTECTOR_TEST_PG_URL; without it, a temporary cluster is started here from Debian's
 * postgresql-15 binaries (initdb + pg_ctl, as the `postgres` user when running as root, on a
 * loopback port) and stopped afterwards. In CI (CI=true) a missing PostgreSQL is a failure with
 * what to do, never a silent skip.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const PG_URL_VARIABLE = 'PROTECTOR_TEST_PG_URL';
export const DEBIAN_PG_BIN = '/usr/lib/postgresql/15/bin';

export interface Postgres {
  /** `postgres://...@127.0.0.1:PORT/postgres?sslmode=disable`, for PG_CONN_STR. */
  url: string;
  stop(): Promise<void>;
}

export type PostgresAvailability = { kind: 'available'; start(): Promise<Postgres> } | { kind: 'missing'; reason: string };

/** How the tests get a PostgreSQL here, or why they cannot. */
export function postgresAvailability(env: NodeJS.ProcessEnv = process.env, binDir: string = DEBIAN_PG_BIN): PostgresAvailability {
  const url = env[PG_URL_VARIABLE];
  if (url) return { kind: 'available', start: async () => ({ url, stop: async () => undefined }) };
  if (existsSync(path.join(binDir, 'initdb'))) return { kind: 'available', start: startTemporaryCluster };
  return {
    kind: 'missing',
    reason:
      `no PostgreSQL for the shared-state tests: ${PG_URL_VARIABLE} is not set and ${binDir} does not exist. ` +
      "Run the tests through .ci/run (it installs and starts PostgreSQL), or install Debian's postgresql-15 " +
      `(apt-get install -y postgresql-15), or set ${PG_URL_VARIABLE} to a postgres:// URL of a database the tests may use.`,
  };
}

/** The tests' PostgreSQL: fails in CI when there is none; elsewhere returns undefined (the caller skips, saying why). */
export function requirePostgres(env: NodeJS.ProcessEnv = process.env, binDir: string = DEBIAN_PG_BIN): PostgresAvailability {
  const availability = postgresAvailability(env, binDir);
  if (availability.kind === 'missing' && env.CI === 'true') throw new Error(`CI=true and ${availability.reason}`);
  return availability;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** initdb refuses to run as root: the cluster then belongs to the `postgres` user. */
function asClusterOwner(command: string, args: string[]): { file: string; args: string[] } {
  return process.getuid?.() === 0 ? { file: 'runuser', args: ['-u', 'postgres', '--', command, ...args] } : { file: command, args };
}

async function startTemporaryCluster(): Promise<Postgres> {
  // Not the test run's own temp dir: that one is private to this user, and the cluster's owner
  // (`postgres`, when running as root) must reach its data dir.
  const dir = mkdtempSync(path.join(process.getuid?.() === 0 ? '/tmp' : os.tmpdir(), 'protector-pg-'));
  const data = path.join(dir, 'data');
  if (process.getuid?.() === 0)
    chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
  const run = (command: string, args: string[]) => {
    const { file, args: fullArgs } = asClusterOwner(path.join(DEBIAN_PG_BIN, command), args);
    const result = spawnSync(file, fullArgs, { encoding: 'utf8', timeout: 120_000 });
    if (result.status !== 0) throw new Error(`${command} failed (exit ${result.status}): ${result.stderr || result.stdout}`);
  };
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  // Loopback TCP only; the socket goes to the temp dir (not /var/run/postgresql).
  run('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    stop: async () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
