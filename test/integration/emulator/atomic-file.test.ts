/**
 * Secret files are replaced through a temporary file that is created exclusively: even a link
 * planted at the very name the writer picks is never followed (issue 9, item 7).
 */
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { temporaryNameFor, writeFileAtomically, writeFileAtomicallySync } from '../../../src/emulator/atomic-file';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'protector-atomic-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A "random" source known in advance, as an attacker would wish: the worst case for the writer. */
const predictable = (size: number) => Buffer.alloc(size, 7);

test.each([
  ['async', (target: string) => writeFileAtomically(target, 'secret', { random: predictable })],
  ['sync', async (target: string) => writeFileAtomicallySync(target, 'secret', { random: predictable })],
])('%s: a symlink at the temporary name makes the write fail, and the file it points to is untouched', async (_kind, write) => {
  const target = path.join(dir, 'state.json');
  const victim = path.join(dir, 'victim');
  writeFileSync(victim, 'precious\n');
  symlinkSync(victim, temporaryNameFor(target, predictable));

  await expect(write(target)).rejects.toMatchObject({ code: 'EEXIST' });

  expect(readFileSync(victim, 'utf8')).toBe('precious\n');
  expect(existsSync(target)).toBe(false);
});

test.each([
  ['async', (target: string) => writeFileAtomically(target, 'secret')],
  ['sync', async (target: string) => writeFileAtomicallySync(target, 'secret')],
])('%s: the file is replaced whole with mode 0600, leaving no temporary file', async (_kind, write) => {
  const target = path.join(dir, 'state.json');
  writeFileSync(target, 'old', { mode: 0o644 });

  await write(target);

  expect(readFileSync(target, 'utf8')).toBe('secret');
  expect(lstatSync(target).mode & 0o777).toBe(0o600);
  expect(readdirSync(dir)).toEqual(['state.json']);
});

test('temporary names are random: two calls never pick the same one', () => {
  const target = path.join(dir, 'state.json');
  expect(temporaryNameFor(target)).not.toBe(temporaryNameFor(target));
  expect(temporaryNameFor(target)).toMatch(/state\.json\.tmp-[0-9a-f]{24}$/);
});
