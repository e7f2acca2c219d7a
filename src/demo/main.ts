/**
 * `npm run demo`: zero-downtime token rotation, end to end, on this machine only. Starts the
 * emulator, deploys a reverse-proxy app to staging and production with our constructs and the
 * real terraform, runs simulated Protector instances on the token files, rotates staging because
 * its period passed and production on demand, and reports what happened. Exits 1, saying why,
 * if an invariant fails; 128+N when stopped by signal N. Stops everything it started on every path,
 * and removes its files (state and token files hold token values), keeping only the logs of a run
 * that did not succeed.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCredentials, ProtectorClient } from '../api';
import { renderPlanSummary, type PlanSummary } from '../plan-summary';
import { buildProvider, packageVersion } from '../provider/bundle';
import { cliConfigFor, installProvider } from '../provider/install';
import { synthDemoApp, type DemoEnvironment } from './app';
import { DemoFailure } from './failure';
import { DemoLog } from './log';
import { ProcessRegistry, startEmulatorProcess, startInstanceProcess, stopInstance, type InstanceHandle, type InstanceSummary } from './processes';
import { reportRotation, seconds, type RotationFacts, type TokenRef } from './report';
import {
  HEARTBEAT_INTERVAL_MS,
  INSTANCES_PER_ENVIRONMENT,
  PRODUCTION_PERIOD,
  STAGING_PERIOD,
  initialPolicies,
  policiesAfterOnDemandRotation,
  writePolicies,
} from './scenario';
import { terraformRunner, type TerraformRunner } from './terraform';
import { readStackOutputs, waitUntilInstancesUse } from './waits';

const SECTION = 'demo';

interface Paths {
  edgerc: string;
  policies: string;
  synthOut: string;
  stacks: Record<string, string>;
}

async function main(): Promise<number> {
  const root = mkdtempSync(join(tmpdir(), 'protector-demo-'));
  const log = new DemoLog(join(root, 'logs'));
  const registry = new ProcessRegistry();
  // Stops every process, then removes the run's files: state, token files and credentials hold
  // secrets. The logs stay for a run that did not succeed (they hold no token value).
  // PROTECTOR_DEMO_KEEP keeps everything, for debugging and for the e2e test that checks the
  // output against every token the emulator generated.
  const keepAll = Boolean(process.env.PROTECTOR_DEMO_KEEP);
  const cleanUp = async (keepLogs: boolean) => {
    await registry.stopAll();
    if (!keepAll) removeRunFiles(root, keepLogs);
  };
  let stopping = false;
  const stopAndExit = (why: string, code: number) => {
    if (stopping) return;
    stopping = true;
    log.say(`\n${why}: stopping everything the demo started`);
    void cleanUp(true).finally(() => {
      process.stdout.write(`Logs: ${log.dir}\n`);
      process.exit(code);
    });
  };
  // Children in the demo's process group see a Ctrl-C too, but terraform runs in a group of its
  // own, and a SIGTERM (CI cancelling the job) reaches the demo alone: the demo stops them all.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stopAndExit(signal, 128 + osConstants.signals[signal]));
  process.on('uncaughtException', (error) => stopAndExit(`internal error: ${error.stack ?? error.message}`, 70));
  process.on('unhandledRejection', (reason) => stopAndExit(`internal error: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`, 70));

  try {
    await runDemo(root, log, registry);
    await cleanUp(false);
    return 0;
  } catch (error) {
    // Interrupted: the steps fail as their processes stop; stopAndExit owns the exit code.
    if (stopping) return new Promise<number>(() => undefined);
    const why = error instanceof DemoFailure ? error.message : `unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    log.note(`FAILED: ${why}`);
    await cleanUp(true);
    process.stdout.write(`\nDemo FAILED: ${why}\nLogs: ${log.dir}\n`);
    return 1;
  }
}

function removeRunFiles(root: string, keepLogs: boolean): void {
  if (!keepLogs) {
    rmSync(root, { recursive: true, force: true });
    return;
  }
  for (const entry of readdirSync(root)) if (entry !== 'logs') rmSync(join(root, entry), { recursive: true, force: true });
}

async function runDemo(root: string, log: DemoLog, registry: ProcessRegistry): Promise<void> {
  const environments: DemoEnvironment[] = ['staging', 'production'].map((name) => ({
    name,
    tokenFiles: Array.from({ length: INSTANCES_PER_ENVIRONMENT }, (_, i) => join(root, 'hosts', `${name}-vm-${i + 1}`, 'protector.token')),
  }));
  const paths: Paths = {
    edgerc: join(root, 'edgerc'),
    policies: join(root, 'rotation-policies.json'),
    synthOut: join(root, 'cdktf.out'),
    stacks: Object.fromEntries(environments.map((env) => [env.name, join(root, 'stacks', env.name)])),
  };
  for (const env of environments) for (const file of env.tokenFiles) mkdirSync(join(file, '..'), { recursive: true });

  log.say('cdktf-protector demo: zero-downtime token rotation with Terraform, on a local API emulator');
  log.say(`(full logs in ${log.dir} while it runs)`);
  log.say();

  // 1. The provider, installed in a filesystem mirror that only this run's terraform uses.
  const bundle = await buildProvider(join(root, 'provider', 'terraform-provider-protector'));
  const mirror = await installProvider({ mirrorDir: join(root, 'mirror'), bundlePath: bundle.path, version: packageVersion() });
  const cliConfigFile = join(root, 'terraform.tfrc');
  writeFileSync(cliConfigFile, cliConfigFor(mirror.mirrorDir));
  const terraform = terraformRunner(registry, log, cliConfigFile);

  // 2. The emulator.
  const emulator = await startEmulatorProcess(registry, {
    dataDir: join(root, 'emulator-data'),
    edgercPath: paths.edgerc,
    section: SECTION,
    logFile: log.fileFor('emulator'),
  });
  const client = new ProtectorClient({ credentials: loadCredentials({ edgerc: paths.edgerc, section: SECTION }), maxRetries: 2 });
  log.say(`1. Emulator listening on ${emulator.url} (pid ${emulator.process.pid})`);

  // 3. Synthesize and deploy both environments.
  writePolicies(paths.policies, initialPolicies());
  const synth = () =>
    synthDemoApp(
      { outdir: paths.synthOut, policiesFile: paths.policies, edgercPath: paths.edgerc, section: SECTION, endpoint: emulator.url, environments },
      paths.stacks,
    );
  synth();
  const started = Date.now();
  await Promise.all(
    environments.map(async (env) => {
      await terraform.run(paths.stacks[env.name]!, env.name, ['init', '-input=false']);
      await terraform.run(paths.stacks[env.name]!, env.name, ['apply', '-auto-approve', '-input=false']);
    }),
  );
  const before: Record<string, TokenRef & { configId: string; rotateAfter: string | null }> = {};
  for (const env of environments) before[env.name] = await readStackOutputs(terraform, paths.stacks[env.name]!, env.name);
  log.say(`2. Deployed staging and production with terraform in ${seconds(Date.now() - started)} (policies: ${describePolicies()})`);
  for (const env of environments) log.say(`     ${env.name.padEnd(10)} ${before[env.name]!.configId}  token ${before[env.name]!.id} ${before[env.name]!.fingerprint}`);

  // 4. Simulated Protector instances on the token files.
  const instances: InstanceHandle[] = environments.flatMap((env) =>
    env.tokenFiles.map((tokenFile, index) =>
      startInstanceProcess(registry, {
        id: `${env.name}-vm-${index + 1}`,
        environment: env.name,
        endpoint: emulator.url,
        tokenFile,
        intervalMs: HEARTBEAT_INTERVAL_MS,
        logFile: log.fileFor(`instance-${env.name}-vm-${index + 1}`),
      }),
    ),
  );
  for (const env of environments) {
    await waitUntilInstancesUse(
      client,
      before[env.name]!.configId,
      env.tokenFiles.map((_, i) => `${env.name}-vm-${i + 1}`),
      before[env.name]!.id,
      instances,
    );
  }
  log.say(`3. ${instances.length} simulated Protector instances heartbeating every ${HEARTBEAT_INTERVAL_MS}ms (${INSTANCES_PER_ENVIRONMENT} per environment)`);
  log.say();

  // 5a. Production: rotation on demand, through a keepers change in the policies file.
  log.say('4. production: rotate on demand (keepers.rotation "initial" → "suspected-leak-2026-03" in rotation-policies.json)');
  writePolicies(paths.policies, policiesAfterOnDemandRotation());
  synth();
  const production = await rotate(terraform, log, paths.stacks.production!, 'production');

  // 5b. Staging: rotation because its period passed.
  const due = before.staging!.rotateAfter;
  if (!due) throw new DemoFailure('staging has no rotate_after although its policy has a rotation period');
  const waitMs = Date.parse(due) + 1000 - Date.now();
  log.say(
    waitMs > 0
      ? `5. staging: waiting ${seconds(waitMs)} until its token is due (rotation every ${STAGING_PERIOD}, rotate_after ${due})`
      : `5. staging: its token is due (rotation every ${STAGING_PERIOD}, rotate_after ${due} has passed)`,
  );
  if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
  const staging = await rotate(terraform, log, paths.stacks.staging!, 'staging');

  // Let every instance beat a few times on the new token, then stop them for their summaries.
  await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_INTERVAL_MS * 4));
  const summaries = await Promise.all(instances.map(stopInstance));

  // 6. The report.
  const after: Record<string, TokenRef & { configId: string }> = {};
  for (const env of environments) after[env.name] = await readStackOutputs(terraform, paths.stacks[env.name]!, env.name);
  const rotations = { staging, production };
  const policyText: Record<string, string> = {
    staging: `rotation every ${STAGING_PERIOD}, rotated because the period passed`,
    production: `rotation every ${PRODUCTION_PERIOD}, rotated on demand (keepers change)`,
  };
  const expected: Record<string, RegExp> = { staging: /rotate_after passed/, production: /keepers changed/ };
  const reports = [];
  for (const env of environments) {
    const configId = before[env.name]!.configId;
    const facts: RotationFacts = {
      environment: env.name,
      policy: policyText[env.name]!,
      expectedReason: expected[env.name]!,
      planSummary: rotations[env.name as keyof typeof rotations],
      oldToken: before[env.name]!,
      newToken: after[env.name]!,
      instances: summaries.filter((s: InstanceSummary) => s.id.startsWith(`${env.name}-`)),
      tokens: await client.listTokens(configId),
      activity: (await client.listActivity(configId)).events,
    };
    reports.push(reportRotation(facts));
  }
  await emulator.process.stop('SIGTERM');

  log.say('Report');
  log.say('------');
  for (const report of reports) log.say(`${report.text}\n`);
  const violations = reports.flatMap((r) => r.violations.map((v) => `${r.environment}: ${v}`));
  if (violations.length > 0) throw new DemoFailure(`${violations.length} invariant(s) failed:\n  - ${violations.join('\n  - ')}`);
  log.say(
    `All invariants hold: 0 authentication failures, each old token revoked only after every instance moved, ` +
      `exactly 1 active token per environment. Demo took ${seconds(log.elapsedSeconds() * 1000)}; everything it started is stopped.`,
  );
}

/** plan -out, the rotation summary of that plan, then apply it. */
async function rotate(terraform: TerraformRunner, log: DemoLog, dir: string, label: string): Promise<PlanSummary> {
  const plan = await terraform.run(dir, label, ['plan', '-out=rotation.tfplan', '-detailed-exitcode', '-input=false'], { okCodes: [0, 2] });
  if (plan.code === 0) throw new DemoFailure(`terraform plan for ${label} shows no changes, but a rotation was expected (see ${plan.logFile})`);
  const shown = await terraform.run(dir, `${label}-show`, ['show', '-json', 'rotation.tfplan'], { secretStdout: true });
  // `output` is scrubbed of every sensitive value of the plan; the plan JSON itself is never printed.
  const { summary, output } = renderPlanSummary(shown.stdout, { source: `the ${label} plan` });
  log.say(indent(output.trimEnd(), '     │ '));
  const started = Date.now();
  await terraform.run(dir, label, ['apply', '-input=false', 'rotation.tfplan']);
  log.say(`   applied in ${seconds(Date.now() - started)} (new token, token files rewritten, instances drained, old token revoked)`);
  log.say();
  return summary;
}

function describePolicies(): string {
  return `staging every ${STAGING_PERIOD}, production every ${PRODUCTION_PERIOD}`;
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`.trimEnd())
    .join('\n');
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(70);
  },
);
