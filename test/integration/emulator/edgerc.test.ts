/** The emulator's `.edgerc` handling on real files: other sections and comments survive. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadCredentials } from '../../../src/api/credentials';
import { readEdgercSection, writeEdgercSection } from '../../../src/emulator/edgerc';

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
