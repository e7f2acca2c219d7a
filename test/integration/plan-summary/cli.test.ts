/** `protector plan summary`, the command: a plan file or stdin in, a summary with no secret out. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { expectNoSecret, fixture, PLAN_FIXTURES } from '../../helpers/plan-fixtures';

const BIN = path.resolve(__dirname, '..', '..', '..', 'bin', 'protector');

describe('protector plan summary (the command)', () => {
  const run = (args: string[], input?: string) => spawnSync(process.execPath, [BIN, 'plan', 'summary', ...args], { encoding: 'utf8', input, timeout: 30_000 });

  test('summarizes a plan JSON file and a plan on stdin', () => {
    const file = path.join(PLAN_FIXTURES, 'rotation-due.json');
    const fromFile = run([file]);
    expect(fromFile.stderr).toBe('');
    expect(fromFile.status).toBe(0);
    expect(fromFile.stdout).toContain('rotate_after passed');
    expectNoSecret(fromFile.stdout, fixture('rotation-due.json'));

    const fromStdin = run(['-', '--format', 'json'], fixture('rotation-due.json'));
    expect(fromStdin.status).toBe(0);
    expect(JSON.parse(fromStdin.stdout).counts).toEqual({ create: 0, replace: 1, update: 1, delete: 0, forget: 0 });
  });

  test('bad usage exits 2 with a message and no stack trace', () => {
    const neither = run([]);
    expect(neither.status).toBe(2);
    expect(neither.stderr).toMatch(/Pass exactly one of/);
    const missing = run(['/nonexistent/plan.json']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read \/nonexistent\/plan\.json: no such file/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });
});
