/** The emulator's `.edgerc` handling on real files: other sections and comments survive. */
import { spawn, spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CredentialsError, loadCredentials, normaliseHost } from '../../../src/api/credentials';
import { isLocalEdgercHost, readEdgercSection, writeEdgercSection } from '../../../src/emulator/edgerc';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'protector-edgerc-'));
  file = path.join(dir, 'nested', '.edgerc');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('a new section is appended; the file is created (with its directory) when missing', () => {
  const credentials = writeEdgercSection(file, 'emu', 'http://127.0.0.1:1234');
  expect(readEdgercSection(file, 'emu')).toEqual(credentials);
  expect(credentials.host).toBe('http://127.0.0.1:1234');
  expect(credentials.clientToken).toMatch(/^akab-/);
  expect(Buffer.from(credentials.clientSecret, 'base64')).toHaveLength(32);
});

test('a section in the middle is updated in place; the sections around it and comments are untouched', () => {
  writeEdgercSection(file, 'emu', 'http://127.0.0.1:1');
  const before = readFileSync(file, 'utf8');
  writeFileSync(file, `; top comment\n[first]\nhost = a.example\n\n${before}\n[last]\nclient_secret = "x=y"\nhost = b.example\n`);

  const credentials = writeEdgercSection(file, 'emu', 'http://127.0.0.1:2');

  const text = readFileSync(file, 'utf8');
  expect(text.startsWith('; top comment\n[first]\nhost = a.example\n\n[emu]\n')).toBe(true);
  expect(text.endsWith('\n[last]\nclient_secret = "x=y"\nhost = b.example\n')).toBe(true);
  expect(credentials.host).toBe('http://127.0.0.1:2');
  expect(readEdgercSection(file, 'last')).toMatchObject({ clientSecret: 'x=y', host: 'b.example' });
});

test('a section with incomplete credentials gets fresh ones', () => {
  writeFileSync(file.replace('nested/', ''), '[emu]\nhost = old\nclient_token = akab-only\n');
  const credentials = writeEdgercSection(file.replace('nested/', ''), 'emu', 'http://127.0.0.1:3');
  expect(credentials.clientToken).not.toBe('akab-only');
  expect(readEdgercSection(file.replace('nested/', ''), 'emu')).toEqual(credentials);
});

test('an existing section is read exactly as the client reads it (inline comments, quotes, key spelling)', () => {
  const secret = 'c2VjcmV0LXNlY3JldC1zZWNyZXQ=';
  writeFileSync(
    file.replace('nested/', ''),
    `[emu]\nclient-secret = ${secret}   ; rotated in March\nhost = old\naccess_token = "akab-access"\nCLIENT_TOKEN = akab-client # ours\n`,
  );

  const credentials = writeEdgercSection(file.replace('nested/', ''), 'emu', 'http://127.0.0.1:4');

  // The emulator must accept what the client will sign with, or every call is a 401.
  const { host, ...client } = loadCredentials({ edgerc: file.replace('nested/', ''), section: 'emu', env: {} });
  expect(host).toBe('http://127.0.0.1:4');
  expect(credentials).toEqual({ host, ...client });
  expect(client).toEqual({ clientSecret: secret, accessToken: 'akab-access', clientToken: 'akab-client' });
});

// ---------------------------------------------------------------------------------------------
// Issue 9, items 7 and 8: the refusal of real credentials parses hosts as the client does, and
// the temporary file is opened exclusively with a random name and mode 0600.
// ---------------------------------------------------------------------------------------------

test.each([
  ['https://localhost:443@akab-xyz.luna.akamaiapis.net', false],
  ['http://127.0.0.1:80@akab-xyz.luna.akamaiapis.net/', false],
  ['localhost@akab-xyz.luna.akamaiapis.net', false],
  ['akab-xyz.luna.akamaiapis.net', false],
  ['https://localhost.akab-xyz.luna.akamaiapis.net', false],
  ['http://127.0.0.1:8080', true],
  ['http://localhost:8080', true],
  ['http://[::1]:8080', true],
  ['127.0.0.1:9', true],
])('host %p is on this machine: %p (the same host name the client connects to)', (host, local) => {
  expect(isLocalEdgercHost(host)).toBe(local);
  if (!local) {
    let clientHost: string | undefined;
    try {
      clientHost = new URL(normaliseHost(host, 'host')).hostname;
    } catch {
      clientHost = undefined; // refused by the client altogether: fine too
    }
    expect(clientHost === undefined || !['localhost', '127.0.0.1', '[::1]'].includes(clientHost)).toBe(true);
  }
});

test('the client refuses a host with user info instead of connecting to the part after "@"', () => {
  expect(() => normaliseHost('https://localhost:443@akab-xyz.luna.akamaiapis.net', 'host in [default]')).toThrow(CredentialsError);
});

test('`protector emulator` refuses a section whose host only looks local, and leaves the file alone', async () => {
  const edgerc = path.join(dir, '.edgerc');
  const text = '[default]\nhost = https://localhost:443@akab-xyz.luna.akamaiapis.net\nclient_token = a\nclient_secret = b\naccess_token = c\n';
  writeFileSync(edgerc, text);
  const result = await runProtector(['emulator', '--port', '0', '--edgerc', edgerc, '--section', 'default']);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/points at .*akab-xyz\.luna\.akamaiapis\.net.*not at this machine/);
  expect(readFileSync(edgerc, 'utf8')).toBe(text);
}, 60_000);

test('the temporary file is never one a symlink planted beforehand points through', () => {
  const edgerc = path.join(dir, 'edgerc'); // its temporary file was `.edgerc.tmp-PID`
  const victim = path.join(dir, 'victim');
  writeFileSync(victim, 'do not overwrite\n');
  // In a process of its own, so the planted link has the name the old code used: `.edgerc.tmp-PID`.
  const script = [
    "const fs = require('node:fs');",
    `fs.symlinkSync(${JSON.stringify(victim)}, ${JSON.stringify(dir)} + '/.edgerc.tmp-' + process.pid);`,
    "const { writeEdgercSection } = require('./src/emulator/edgerc.ts');",
    `writeEdgercSection(${JSON.stringify(edgerc)}, 'emu', 'http://127.0.0.1:5');`,
  ].join('\n');
  const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  expect(run.stderr).toBe('');
  expect(readFileSync(victim, 'utf8')).toBe('do not overwrite\n');
  expect(lstatSync(edgerc).isSymbolicLink()).toBe(false);
  expect(statSync(edgerc).mode & 0o777).toBe(0o600);
  expect(readdirSync(dir).filter((name) => name !== 'victim' && !name.startsWith('.edgerc.tmp-'))).toEqual(['edgerc']);
}, 60_000);

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

function runProtector(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const bin = path.join(REPO_ROOT, 'bin', 'protector');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.includes('\n')) child.kill('SIGTERM'); // it started: the refusal failed
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
