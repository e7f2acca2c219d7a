/**
 * The `protector` command as a whole: every command and option is described, usage mistakes
 * exit 2 with a message saying what to change (never a stack trace), and `--help` loads none of
 * the heavy modules (they are required lazily in the handlers).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(REPO_ROOT, 'bin', 'protector');

function protector(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
}

const COMMANDS = [[], ['emulator'], ['instance'], ['plan'], ['plan', 'summary'], ['provider'], ['provider', 'install'], ['provider', 'mirror'], ['status']];

test.each(COMMANDS.map((command) => [command.join(' ') || '(root)', command]))('%s --help describes every option and subcommand', (_name, command) => {
  const help = protector([...command, '--help']);
  expect(help.status).toBe(0);
  const entries = help.stdout
    .split('\n')
    .filter((line) => /^ {2}\S/.test(line)) // an option or command starts its line; wrapped text is indented further
    .map((line) => line.trim());
  expect(entries.length).toBeGreaterThan(0);
  for (const entry of entries) expect({ entry, described: /\S {2,}\S/.test(entry) }).toEqual({ entry, described: true });
});

test.each([
  [['bogus'], /unknown command 'bogus'/],
  [['status', '--bogus'], /unknown option '--bogus'/],
  [
    ['instance', '--endpoint', 'http://127.0.0.1:1', '--token-file', '/tmp/t', '--id', 'a', '--deployment-type', 'kubernetes', '--interval', '5'],
    /--interval "5" is not a duration.*use e\.g\. 500ms/,
  ],
  // `instance --version` is the simulated Protector's version, not the root's --version (which printed 0.1.0 and exited 0)
  [
    ['instance', '--endpoint', 'http://127.0.0.1:1', '--token-file', '/tmp/t', '--id', 'a', '--deployment-type', 'kubernetes', '--version', '2.0.0', '--interval', '5'],
    /--interval "5" is not a duration/,
  ],
  [['emulator', '--port', '99999'], /--port 99999 is not a port number; use 0\.\.65535/],
  [['emulator', '--host', '0.0.0.0'], /not a loopback address/],
  [['plan', 'summary'], /Pass exactly one of/],
  [['plan', 'summary', 'x.json', '--format', 'yaml'], /--format yaml is not supported; use text, json or markdown/],
  [['status', '--config', 'nope'], /--config "nope" is not a connection configuration id/],
  [
    ['provider', 'install', '--mirror', '/etc/hostname/mirror'],
    /cannot install the provider under \/etc\/hostname\/mirror .*Pass --mirror with a directory you can write to/,
  ],
])('usage mistake %j exits 2 saying what to change, without a stack trace', (args, message) => {
  const result = protector(args);
  expect(result.status).toBe(2);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at |internal error/);
});

test('--version prints the package version', () => {
  const result = protector(['--version']);
  expect(result.status).toBe(0);
  expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
});

test('--help loads no heavy module: handlers require them lazily', () => {
  const probe = [
    "process.argv = [process.argv[0], 'protector', '--help'];",
    "process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify(Object.keys(require.cache)) + '\\n'));",
    "require('./src/cli/main.ts');",
  ].join('\n');
  const result = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', probe], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  const loaded = JSON.parse(/LOADED (.*)/.exec(result.stderr)?.[1] ?? 'null') as string[];
  expect(loaded.some((file) => file.endsWith(path.join('src', 'cli', 'main.ts')))).toBe(true);
  const heavy = loaded.filter((file) =>
    /node_modules\/(zod|axios|@grpc|cdktf|constructs|akamai-edgegrid|yaml)\/|\/src\/(api|emulator|instance|provider|plan-summary|status)\//.test(file),
  );
  expect(heavy).toEqual([]);
});

describe('protector emulator and an existing .edgerc section', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cli-edgerc-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const section = (host: string) => `[default]\nclient_secret = c2VjcmV0\nhost = ${host}\naccess_token = akab-a-b\nclient_token = akab-c-d\n`;

  test('a section with real (non-local) credentials is refused and left untouched', () => {
    const edgerc = path.join(dir, 'edgerc');
    writeFileSync(edgerc, section('akab-xxxxxxxx.luna.akamaiapis.net'));
    const result = protector(['emulator', '--edgerc', edgerc]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Section \[default\] of .* points at akab-xxxxxxxx\.luna\.akamaiapis\.net.*Pass --section with another name/);
    expect(readFileSync(edgerc, 'utf8')).toBe(section('akab-xxxxxxxx.luna.akamaiapis.net'));
  });

  test('a section an earlier emulator wrote (loopback host) is reused', async () => {
    const edgerc = path.join(dir, 'edgerc');
    writeFileSync(edgerc, section('http://127.0.0.1:1'));
    const child = spawn(process.execPath, [BIN, 'emulator', '--edgerc', edgerc], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const ready = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          out += chunk;
          if (out.includes('\n')) resolve(out);
        });
        child.once('close', (code) => reject(new Error(`emulator exited (${code}) before it was ready`)));
      });
      expect(JSON.parse(ready)).toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), section: 'default' });
      expect(readFileSync(edgerc, 'utf8')).toContain('client_token = akab-c-d');
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('close', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    }
  });
});
