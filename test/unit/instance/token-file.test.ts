import { mkdtempSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprintOf } from '../../../src/api/fingerprint';
import { TokenFile, type TokenFileEvent } from '../../../src/instance/token-file';
import { UsageError } from '../../../src/errors';

const A = `aap_${'a'.repeat(40)}`;
const B = `aap_${'b'.repeat(40)}`;
const C = `aap_${'c'.repeat(40)}`;

let dir: string;
let events: TokenFileEvent[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'token-file-'));
  events = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('an atomic rename is noticed by the stat check alone (no watcher)', () => {
  const path = join(dir, 'token');
  writeFileSync(path, `${A}\n`);
  const file = new TokenFile(path, (e) => events.push(e));
  expect(file.current()).toBe(A);
  writeFileSync(join(dir, 'next'), B);
  renameSync(join(dir, 'next'), path);
  expect(file.current()).toBe(B);
  expect(events).toEqual([{ kind: 'changed', fingerprint: fingerprintOf(B) }]);
});

test('a Kubernetes-style symlink swap is noticed', () => {
  // Secret volumes: token -> ..data/token, ..data -> ..v1; an update points ..data at ..v2.
  mkdirSync(join(dir, '..v1'));
  mkdirSync(join(dir, '..v2'));
  writeFileSync(join(dir, '..v1', 'token'), A);
  writeFileSync(join(dir, '..v2', 'token'), B);
  symlinkSync('..v1', join(dir, '..data'));
  symlinkSync(join('..data', 'token'), join(dir, 'token'));
  const file = new TokenFile(join(dir, 'token'), (e) => events.push(e));
  expect(file.current()).toBe(A);
  symlinkSync('..v2', join(dir, '..data_tmp'));
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  expect(file.current()).toBe(B);
});

test('a file that goes missing or empty keeps the last good token, reported once', () => {
  const path = join(dir, 'token');
  writeFileSync(path, A);
  const file = new TokenFile(path, (e) => events.push(e));
  unlinkSync(path);
  expect(file.current()).toBe(A);
  expect(file.current()).toBe(A);
  writeFileSync(path, '');
  expect(file.current()).toBe(A);
  writeFileSync(path, C);
  expect(file.current()).toBe(C);
  expect(events).toEqual([
    { kind: 'unreadable', reason: 'the file does not exist', keptFingerprint: fingerprintOf(A) },
    { kind: 'unreadable', reason: 'the file is empty', keptFingerprint: fingerprintOf(A) },
    { kind: 'changed', fingerprint: fingerprintOf(C) },
  ]);
});

test('the watcher picks up a change without anyone asking', async () => {
  const path = join(dir, 'token');
  writeFileSync(path, A);
  const file = new TokenFile(path, (e) => events.push(e));
  file.watch();
  try {
    writeFileSync(join(dir, 'next'), B);
    renameSync(join(dir, 'next'), path);
    const deadline = Date.now() + 5000;
    while (events.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(events).toEqual([{ kind: 'changed', fingerprint: fingerprintOf(B) }]);
  } finally {
    file.close();
  }
});

test('a file that is not a token at start is a usage error that does not quote the content', () => {
  const path = join(dir, 'token');
  writeFileSync(path, 'short-secret');
  expect(() => new TokenFile(path, () => undefined)).toThrow(UsageError);
  expect(() => new TokenFile(path, () => undefined)).toThrow(/not a token value/);
  expect(() => new TokenFile(path, () => undefined)).not.toThrow(/short-secret/);
});
