/**
 * `npm run ci:rehearsal`: the reference pipelines' steps, in their order, on this machine against
 * the emulator (on the shared PostgreSQL state when PROTECTOR_TEST_PG_URL is set): pull request,
 * merge, schedule (with `status --check`), and the pull request again updating its one comment.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PIPELINE_STEPS } from '../../../scripts/ci-rehearsal';
import { buildProviderOnce } from '../../helpers/terraform';
import { REPO_ROOT } from './cli';

jest.setTimeout(900_000);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rehearsal-test-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function rehearse(bundle: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
    const child = spawn(tsx, ['scripts/ci-rehearsal.ts', '--keep', dir], {
      cwd: REPO_ROOT,
      env: { ...process.env, PROTECTOR_PROVIDER_BUNDLE: bundle },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 840_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

test('runs the pull request, merge and scheduled pipelines step by step, and the sticky comment stays one', async () => {
  const result = await rehearse(await buildProviderOnce());
  if (result.code !== 0) throw new Error(`rehearsal failed (exit ${result.code}):\n${result.output}`);

  const ran = [...result.output.matchAll(/^==> \[(.*?)\] (.*)$/gm)].map((m) => `${m[1]}: ${m[2]}`);
  const expected = [
    ...PIPELINE_STEPS.pullRequest.map((s) => `pull request: ${s}`),
    ...['staging', 'production'].flatMap((env) => PIPELINE_STEPS.deploy.map((s) => `merge to main: ${env}: ${s}`)),
    ...['staging', 'production'].flatMap((env) => PIPELINE_STEPS.scheduled.map((s) => `schedule: ${env}: ${s}`)),
    ...PIPELINE_STEPS.pullRequest.map((s) => `pull request: ${s}`),
  ];
  expect(ran).toEqual(expected);
  expect(result.output).toMatch(/status check: OK \(1 configuration, nothing due within 14d\)/);
  expect(result.output).toMatch(/sticky comment added[\s\S]*sticky comment updated/);

  const comments = JSON.parse(readFileSync(path.join(dir, 'pull-request-comments.json'), 'utf8')) as Array<{ body: string }>;
  expect(comments).toHaveLength(1);
  expect(comments[0]!.body).toMatch(/^<!-- protector-plan-summary -->\n## Token rotation plan\n\n### production\n/);

  // The token files hold the values: none may appear in what the pipelines printed.
  const tokens = readdirSync(path.join(dir, 'tokens')).map((file) => readFileSync(path.join(dir, 'tokens', file), 'utf8').trim());
  expect(tokens).toHaveLength(2);
  for (const value of tokens) {
    expect(value.length).toBeGreaterThan(20);
    expect(result.output).not.toContain(value);
    expect(comments[0]!.body).not.toContain(value);
  }
});
