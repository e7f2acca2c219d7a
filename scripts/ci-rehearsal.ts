/**
 * Rehearses the reference pipelines of examples/ci on this machine, against the local emulator:
 * the same steps, in the same order, as the GitHub Actions workflows (and the GitLab CI jobs).
 *
 *   npm run ci:rehearsal [-- --keep DIR]
 *
 * 1. pull request: Install, Synthesize, Plan each stack, Summarize the plans, Update the sticky comment
 * 2. merge to main, per environment: Install, Synthesize, Init, Apply
 * 3. daily schedule, per environment: Install, Synthesize, Init, Apply, Check status
 * 4. the pull request pipeline once more: its sticky comment is updated, not added again
 *
 * What stands in for CI: the emulator for the API (its credentials as the AKAMAI_* "secrets"), a
 * JSON file of comments for the pull request, `PROTECTOR_TEST_PG_URL` (when set) for the shared
 * PostgreSQL state, otherwise the local backend. Exits non-zero when a step fails.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../src/emulator';
import { buildProvider, REPO_ROOT } from '../src/provider/bundle';

const APP_DIR = join(REPO_ROOT, 'examples', 'ci', 'app');
const PROTECTOR = join(REPO_ROOT, 'bin', 'protector');
const ENVIRONMENTS = ['staging', 'production'];
const STEP_TIMEOUT_MS = 10 * 60_000;

/** The step names of the workflows in examples/ci/github/workflows, in their order (checked by a test). */
export const PIPELINE_STEPS = {
  pullRequest: ['Install', 'Synthesize', 'Plan each stack', 'Summarize the plans', 'Update the sticky comment'],
  deploy: ['Install', 'Synthesize', 'Init', 'Apply'],
  scheduled: ['Install', 'Synthesize', 'Init', 'Apply', 'Check status'],
} as const;

interface Comment {
  id: number;
  body: string;
}

class StepFailed extends Error {}

function log(line: string): void {
  process.stdout.write(`${atLineStart ? '' : '\n'}${line}\n`);
  atLineStart = true;
}

let atLineStart = true;
/** A step's output, indented under its `==>` line. */
function indented(chunk: string): void {
  const text = (atLineStart ? '    ' : '') + chunk.replace(/\n(?=.)/g, '\n    ');
  atLineStart = chunk.endsWith('\n');
  process.stdout.write(text);
}

/** Runs a shell command like a workflow `run:` step (bash -eo pipefail), streaming its output. */
function sh(command: string, env: NodeJS.ProcessEnv, cwd = APP_DIR): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      indented(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', indented);
    const timer = setTimeout(() => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
    }, STEP_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new StepFailed(`\`${command.split('\n')[0]}\` exited ${code}`));
    });
  });
}

async function step(pipeline: string, name: string, run: () => Promise<unknown>): Promise<void> {
  log(`==> [${pipeline}] ${name}`);
  await run();
}

/** The pull request's comments: the sticky comment is the one whose first line is the summary's marker. */
function upsertComment(file: string, body: string): 'added' | 'updated' {
  const comments: Comment[] = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Comment[]) : [];
  const marker = body.split('\n')[0]!;
  const existing = comments.find((comment) => comment.body.startsWith(marker));
  if (existing) existing.body = body;
  else comments.push({ id: comments.length + 1, body });
  writeFileSync(file, JSON.stringify(comments, null, 2));
  return existing ? 'updated' : 'added';
}

async function pullRequestPipeline(env: NodeJS.ProcessEnv, commentsFile: string): Promise<void> {
  const name = 'pull request';
  const [install, synthesize, plan, summarize, comment] = PIPELINE_STEPS.pullRequest;
  await step(name, install, () => installStep(env));
  await step(name, synthesize, () => sh('npx tsx main.ts', env));
  await step(name, plan, () =>
    sh(
      'for stack in "$CDKTF_OUTDIR"/stacks/*/; do\n' +
        '  (cd "$stack" && terraform init -input=false -no-color > /dev/null && terraform plan -input=false -no-color -lock-timeout=20m -out=plan.tfplan)\n' +
        'done',
      env,
    ),
  );
  await step(name, summarize, () =>
    sh(
      'args=()\nfor plan in "$CDKTF_OUTDIR"/stacks/*/plan.tfplan; do args+=(--plan "$plan"); done\n' +
        `node ${JSON.stringify(PROTECTOR)} plan summary --format markdown "\${args[@]}" > "$REHEARSAL_DIR/summary.md"`,
      env,
    ),
  );
  await step(name, comment, () => {
    const outcome = upsertComment(commentsFile, readFileSync(join(env.REHEARSAL_DIR!, 'summary.md'), 'utf8'));
    log(`    sticky comment ${outcome}`);
    return Promise.resolve();
  });
}

async function deployPipeline(env: NodeJS.ProcessEnv, environment: string, scheduled: boolean): Promise<void> {
  const name = `${scheduled ? 'schedule' : 'merge to main'}: ${environment}`;
  const stepEnv = { ...env, PROTECTOR_ENVIRONMENTS: environment, STACK: join(env.CDKTF_OUTDIR!, 'stacks', environment) };
  const steps = scheduled ? PIPELINE_STEPS.scheduled : PIPELINE_STEPS.deploy;
  await step(name, steps[0], () => installStep(stepEnv));
  await step(name, steps[1], () => sh('npx tsx main.ts', stepEnv));
  await step(name, steps[2], () => sh('cd "$STACK" && terraform init -input=false -no-color', stepEnv));
  await step(name, steps[3], () => sh('cd "$STACK" && terraform apply -input=false -no-color -auto-approve -lock-timeout=20m', { ...stepEnv, TF_LOG_PROVIDER: 'info' }));
  if (scheduled) await step(name, PIPELINE_STEPS.scheduled[4], () => sh(`node ${JSON.stringify(PROTECTOR)} status --check --state "$STACK"`, stepEnv));
}

/** `npm ci` is what CI runs; here the checkout is this repository, already installed. */
async function installStep(env: NodeJS.ProcessEnv): Promise<void> {
  if (existsSync(join(REPO_ROOT, 'node_modules', '.package-lock.json'))) log('    node_modules present: npm ci skipped');
  else await sh('npm ci --no-audit --no-fund', env, REPO_ROOT);
}

/** The provider bundle the synth copies into each stack: built fresh into the rehearsal's folder. */
async function providerBundle(dir: string): Promise<string> {
  if (process.env.PROTECTOR_PROVIDER_BUNDLE) return process.env.PROTECTOR_PROVIDER_BUNDLE;
  const bundle = join(dir, 'terraform-provider-protector');
  await buildProvider(bundle);
  return bundle;
}

function ciEnvironment(dir: string, emulator: RunningEmulator, bundle: string): NodeJS.ProcessEnv {
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  const cliConfig = join(dir, 'empty.tfrc');
  writeFileSync(cliConfig, '');
  const pgUrl = process.env.PROTECTOR_TEST_PG_URL;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    // No ~/.edgerc: like a CI runner, the credentials come from the AKAMAI_* secrets.
    HOME: home,
    CI: 'true',
    CHECKPOINT_DISABLE: '1',
    DISABLE_VERSION_CHECK: 'true',
    TF_IN_AUTOMATION: '1',
    TF_CLI_CONFIG_FILE: cliConfig,
    AKAMAI_HOST: emulator.credentials.host,
    AKAMAI_CLIENT_TOKEN: emulator.credentials.clientToken,
    AKAMAI_CLIENT_SECRET: emulator.credentials.clientSecret,
    AKAMAI_ACCESS_TOKEN: emulator.credentials.accessToken,
    PROTECTOR_ENDPOINT: emulator.url,
    PROTECTOR_PROVIDER_BUNDLE: bundle,
    PROTECTOR_TOKEN_DIR: join(dir, 'tokens'),
    CDKTF_OUTDIR: join(dir, 'cdktf.out'),
    REHEARSAL_DIR: dir,
  };
  if (pgUrl) {
    env.PROTECTOR_STATE_BACKEND = 'pg';
    env.PG_CONN_STR = pgUrl;
    // One schema per rehearsal and environment: rehearsals never share a state.
    env.PROTECTOR_PG_SCHEMA_PREFIX = `rehearsal_${process.pid}_${Date.now().toString(36)}_`;
  } else {
    env.PROTECTOR_STATE_BACKEND = 'local';
  }
  return env;
}

function parseArgs(argv: string[]): { keep?: string } {
  const keepAt = argv.indexOf('--keep');
  if (keepAt >= 0) {
    const keep = argv[keepAt + 1];
    if (!keep) throw new StepFailed('--keep needs a directory');
    return { keep };
  }
  return {};
}

export async function rehearse(argv: string[]): Promise<number> {
  const { keep } = parseArgs(argv);
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'protector-ci-rehearsal-'));
  mkdirSync(dir, { recursive: true });
  const emulator = await startEmulator({ log: false });
  let code = 0;
  try {
    const env = ciEnvironment(dir, emulator, await providerBundle(dir));
    log(`CI rehearsal in ${dir} (state backend: ${env.PROTECTOR_STATE_BACKEND}; API: emulator at ${emulator.url})`);
    const commentsFile = join(dir, 'pull-request-comments.json');
    await pullRequestPipeline(env, commentsFile);
    for (const environment of ENVIRONMENTS) await deployPipeline(env, environment, false);
    for (const environment of ENVIRONMENTS) await deployPipeline(env, environment, true);
    await pullRequestPipeline(env, commentsFile);
    const comments = JSON.parse(readFileSync(commentsFile, 'utf8')) as Comment[];
    if (comments.length !== 1) throw new StepFailed(`expected one sticky comment, found ${comments.length}`);
    log('CI rehearsal passed: pull request, merge and scheduled pipelines ran every step.');
  } catch (error) {
    code = 1;
    log(`CI rehearsal FAILED: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await emulator.close();
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
  return code;
}

if (require.main === module) {
  void rehearse(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
