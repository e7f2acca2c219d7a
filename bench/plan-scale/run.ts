/**
 * `npm run bench:plan-scale [-- --sizes 50,200,800 --latency-ms 50 --variant NAME=BUNDLE ... --terraform-only --profile --out FILE]`
 *
 * For each size N and each provider bundle (variants run interleaved, so they share the machine's
 * load): N connection configurations with one `protector_token` each against a spawned emulator
 * that adds `latency-ms` to every API request; then `apply`, a no-op `plan`, and `destroy`, each
 * timed (wall, and CPU of terraform plus its providers), with the API requests it made and its
 * ratio to the API-bound floor:
 *
 *   floor = requests x latency / parallelism + provider launches x one launch (spawn to handshake)
 *
 * A no-op plan refreshes every resource once, so its GETs per resource are the reads per resource
 * per refresh; the run fails (after printing everything) when that is above 1. The no-op plan
 * runs a second time with no latency ("plan at 0 ms"): the part of its wall time that is not
 * waiting for the API (Terraform, the provider processes' starts, CPU on this machine).
 *
 * `--terraform-only` adds, per size, the same shape with Terraform's built-in `terraform_data`
 * (no provider, no API): Terraform's own CPU for that many resources and references, to tell what
 * grows with N in Terraform itself from what our provider adds.
 *
 * `--profile` runs the current sources as an unminified bundle under `node --cpu-prof` and prints
 * where the provider's CPU goes, by module (profiling slows it: those runs are not timed figures).
 * Every run is bounded in time and stops the emulator it started.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, appendFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProviderOnce } from '../../test/helpers/terraform';
import { spawnEmulator, type RunningEmulator } from '../../test/helpers/emulator';
import { createBenchWorkspace, StepTimeoutError, type TimedRun } from '../lib/terraform-run';
import { medianHandshakeMs } from '../lib/handshake';
import { currentLoad, machineInfo, machineMarkdown } from '../lib/machine';
import { profileMarkdown, summariseProfiles } from '../lib/profile-summary';

const PARALLELISM = 10;
/**
 * Bound of one terraform command: 15 min, and 2 s per configuration beyond that (Terraform's own
 * CPU grows faster than N: a destroy of 800 + 800 on a loaded 2-core machine took more than 15 min).
 */
function stepTimeoutMs(n: number): number {
  return Math.max(15 * 60_000, n * 2_000);
}
/** Launches Terraform 1.11 makes per command (notes: terraform-plugin-facts.md), if the hook saw none. */
const EXPECTED_LAUNCHES = { apply: 4, plan: 3, 'plan at 0 ms': 3, destroy: 5 } as const;

interface Options {
  sizes: number[];
  latencyMs: number;
  variants: Array<{ name: string; bundle: string | undefined }>;
  profile: boolean;
  terraformOnly: boolean;
  out: string | undefined;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { sizes: [50, 200, 800], latencyMs: 50, variants: [], profile: false, terraformOnly: false, out: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} expects a value`);
      return value;
    };
    if (arg === '--sizes') options.sizes = next().split(',').map(Number);
    else if (arg === '--latency-ms') options.latencyMs = Number(next());
    else if (arg === '--variant') {
      const [name, bundle] = next().split('=');
      options.variants.push({ name: name!, bundle });
    } else if (arg === '--profile') options.profile = true;
    else if (arg === '--terraform-only') options.terraformOnly = true;
    else if (arg === '--out') options.out = next();
    else throw new Error(`unknown argument ${arg}`);
  }
  if (options.sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 2000)) throw new Error('--sizes expects whole numbers from 1 to 2000');
  if (!Number.isInteger(options.latencyMs) || options.latencyMs < 0 || options.latencyMs > 1000) throw new Error('--latency-ms expects 0 to 1000');
  if (options.variants.length === 0) options.variants.push({ name: 'current', bundle: undefined });
  return options;
}

function hcl(edgercPath: string, n: number): string {
  return `
terraform {
  required_providers {
    protector = { source = "protector-iac/protector" }
  }
}

provider "protector" {
  edgerc  = ${JSON.stringify(edgercPath)}
  section = "default"
}

resource "protector_connection_configuration" "fleet" {
  count           = ${n}
  name            = "fleet-\${count.index}"
  deployment_type = "kubernetes"
  contract_id     = "ctr_fleet"
  group_id        = "grp_fleet"
}

resource "protector_token" "fleet" {
  count                       = ${n}
  connection_configuration_id = protector_connection_configuration.fleet[count.index].id

  lifecycle {
    create_before_destroy = true
  }
}
`;
}

/** The same shape with Terraform's built-in resource: N + N objects, each of the second set referring to one of the first. */
function terraformOnlyHcl(n: number): string {
  return `
resource "terraform_data" "fleet" {
  count = ${n}
  input = { name = "fleet-\${count.index}", deployment_type = "kubernetes", contract_id = "ctr_fleet", group_id = "grp_fleet" }
}

resource "terraform_data" "token" {
  count = ${n}
  input = terraform_data.fleet[count.index].id

  lifecycle {
    create_before_destroy = true
  }
}
`;
}

/**
 * The no-op plan runs twice: at the bench's latency, and with none ("plan at 0 ms"), which is the
 * part of its wall time that no API latency explains (Terraform, the provider starts, CPU).
 */
const STEPS: Array<{ step: keyof typeof EXPECTED_LAUNCHES; args: string[]; latencyMs?: number }> = [
  { step: 'apply', args: ['apply', '-auto-approve'] },
  { step: 'plan', args: ['plan', '-detailed-exitcode'] },
  { step: 'plan at 0 ms', args: ['plan', '-detailed-exitcode'], latencyMs: 0 },
  { step: 'destroy', args: ['destroy', '-auto-approve'] },
];

/** Wall and CPU time of each step for the provider-free configuration. */
async function terraformOnlyCycle(n: number): Promise<Array<{ step: string; run: TimedRun }>> {
  const workspace = await createBenchWorkspace({ bundlePath: undefined, hcl: terraformOnlyHcl(n) });
  try {
    const init = await workspace.run(['init'], { timeoutMs: stepTimeoutMs(n) });
    if (init.code !== 0) throw new Error(`terraform init failed:\n${init.stdout}\n${init.stderr}`);
    const results: Array<{ step: string; run: TimedRun }> = [];
    for (const { step, args, latencyMs } of STEPS) {
      if (latencyMs !== undefined) continue; // no API: the same as the plan
      const run = await workspace.run(args, { timeoutMs: stepTimeoutMs(n) });
      if (run.code !== 0) throw new Error(`terraform ${args.join(' ')} exited ${run.code}:\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`);
      results.push({ step, run });
    }
    return results;
  } finally {
    workspace.cleanup();
  }
}

interface StepResult {
  step: keyof typeof EXPECTED_LAUNCHES;
  /** Absent when the step ran out of time. */
  run?: TimedRun;
  timedOutAfterMs?: number;
  requests: number;
  gets: number;
  launches: number;
  floorMs: number;
  profile?: string;
}

async function requestCounts(emulator: RunningEmulator): Promise<{ total: number; gets: number }> {
  const stats = await emulator.control.stats();
  return { total: stats.productRequests, gets: stats.productRequestsByMethod.GET ?? 0 };
}

/**
 * One apply, plan and destroy; each step is handed to `onStep` as soon as it is done, so a step
 * that runs out of time (reported, and the cycle ends there) does not lose the ones before it.
 */
async function cycle(n: number, bundle: string, launchMs: number, options: Options, profileDir: string | undefined, onStep: (result: StepResult) => void): Promise<void> {
  const emulator = await spawnEmulator();
  const workspace = await createBenchWorkspace({ bundlePath: bundle, hcl: hcl(emulator.edgercPath, n) });
  try {
    const init = await workspace.run(['init'], { timeoutMs: stepTimeoutMs(n) });
    if (init.code !== 0) throw new Error(`terraform init failed:\n${init.stdout}\n${init.stderr}`);
    for (const { step, args, latencyMs } of STEPS) {
      await emulator.control.setFaults({ latencyMs: latencyMs ?? options.latencyMs });
      const stepProfileDir = profileDir ? join(profileDir, `${n}-${step}`) : undefined;
      if (stepProfileDir) mkdirSync(stepProfileDir, { recursive: true });
      const before = await requestCounts(emulator);
      const timeoutMs = stepTimeoutMs(n);
      let run: TimedRun;
      try {
        run = await workspace.run(args, { timeoutMs, env: stepProfileDir ? { PROTECTOR_BENCH_PROFILE_DIR: stepProfileDir } : undefined });
      } catch (error) {
        if (!(error instanceof StepTimeoutError)) throw error;
        process.stderr.write(`${error.message}\n`);
        onStep({ step, timedOutAfterMs: timeoutMs, requests: 0, gets: 0, launches: 0, floorMs: 0 });
        return;
      }
      if (run.code !== 0) throw new Error(`terraform ${args.join(' ')} exited ${run.code}:\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`);
      if (step.startsWith('plan') && !run.stdout.includes('No changes.')) throw new Error(`the plan after apply was not a no-op:\n${run.stdout.slice(-3000)}`);
      const after = await requestCounts(emulator);
      const requests = after.total - before.total;
      const launches = run.providerLaunches > 0 ? run.providerLaunches : EXPECTED_LAUNCHES[step];
      const floorMs = (requests * (latencyMs ?? options.latencyMs)) / PARALLELISM + launches * launchMs;
      onStep({
        step,
        run,
        requests,
        gets: after.gets - before.gets,
        launches,
        floorMs,
        profile: stepProfileDir ? profileMarkdown(summariseProfiles(stepProfileDir, bundle.replace(/\.profiled$/, ''))) : undefined,
      });
    }
    const stats = await emulator.control.stats();
    if (stats.configurations !== 0) throw new Error(`destroy left ${stats.configurations} configurations behind`);
  } finally {
    workspace.cleanup();
    await emulator.stop();
  }
}

const HEADER =
  '| N | variant | step | wall s | floor s | ratio | CPU s (tf+providers) | provider CPU s | provider CPU ms / resource | launches | requests | requests / resource | GETs / resource |\n' +
  '|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';

function row(n: number, variant: string, result: StepResult): string {
  const { run } = result;
  if (run === undefined) {
    return `| ${n} | ${variant} | ${result.step} | did not finish within ${((result.timedOutAfterMs ?? 0) / 60_000).toFixed(0)} min (stopped) |  |  |  |  |  |  |  |  |  |`;
  }
  const resources = 2 * n;
  const cells = [
    String(n),
    variant,
    result.step,
    (run.wallMs / 1000).toFixed(2),
    (result.floorMs / 1000).toFixed(2),
    `${(run.wallMs / result.floorMs).toFixed(2)}x`,
    (run.cpuMs / 1000).toFixed(2),
    (run.providerCpuMs / 1000).toFixed(2),
    (run.providerCpuMs / resources).toFixed(2),
    String(result.launches),
    String(result.requests),
    (result.requests / resources).toFixed(2),
    (result.gets / resources).toFixed(2),
  ];
  return `| ${cells.join(' | ')} |`;
}

async function unminifiedBundle(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-profile-bundle-'));
  const path = join(dir, 'terraform-provider-protector');
  const esbuild = await import('esbuild');
  // As src/provider/bundle.ts builds it, but unminified, so the profile can be read by module.
  await esbuild.build({
    entryPoints: [join(__dirname, '..', '..', 'src', 'provider', 'main.ts')],
    outfile: path,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: false,
    keepNames: true,
    banner: { js: '#!/usr/bin/env node' },
    define: {
      ...(await import('../../src/provider/host/proto-descriptors')).protoDescriptorDefine(),
      ...(await (await import('../../src/provider/precomputed-schema')).precomputedSchemaDefine()),
    },
    logLevel: 'warning',
  });
  // Node 20 refuses --cpu-prof in NODE_OPTIONS, so Terraform runs a wrapper that passes it.
  const wrapper = `${path}.profiled`;
  writeFileSync(
    wrapper,
    [
      '#!/bin/sh',
      `[ -n "$PROTECTOR_BENCH_PROFILE_DIR" ] || exec node ${JSON.stringify(path)} "$@"`,
      `exec node --cpu-prof --cpu-prof-dir="$PROTECTOR_BENCH_PROFILE_DIR" ${JSON.stringify(path)} "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(wrapper, 0o755);
  return wrapper;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const info = machineInfo();
  const variants: Array<{ name: string; bundle: string }> = [];
  for (const variant of options.variants) {
    const bundle = options.profile ? await unminifiedBundle() : (variant.bundle ?? (await buildProviderOnce()));
    if (!existsSync(bundle)) throw new Error(`no bundle at ${bundle}`);
    variants.push({ name: options.profile ? `${variant.name} (profiled, unminified)` : variant.name, bundle });
    if (options.profile) break;
  }
  const profileRoot = options.profile ? mkdtempSync(join(tmpdir(), 'bench-plan-scale-prof-')) : undefined;
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    process.stdout.write(`${line}\n`);
  };
  say(`## plan-scale: ${options.sizes.join(', ')} configurations + tokens, ${options.latencyMs} ms per API request, parallelism ${PARALLELISM}`);
  say('');
  say(machineMarkdown(info));
  say('');
  say('floor = requests x latency / parallelism + provider launches x one launch (spawn to handshake, median of 3, measured per variant and size)');
  say('');
  say(HEADER);
  const profiles: string[] = [];
  const refreshReads: string[] = [];
  const missedBy: string[] = [];
  try {
    for (const n of options.sizes) {
      // Interleaved: each size runs every variant back to back, alternating the order.
      const order = options.sizes.indexOf(n) % 2 === 0 ? variants : [...variants].reverse();
      for (const variant of order) {
        const launchMs = await medianHandshakeMs(variant.bundle);
        await cycle(n, variant.bundle, launchMs, options, profileRoot, (result) => {
          say(row(n, `${variant.name} (launch ${launchMs.toFixed(0)} ms)`, result));
          if (result.step === 'plan' && result.run !== undefined) {
            // A no-op plan refreshes every resource once: its reads per resource are the reads per refresh.
            const perRefresh = result.gets / (2 * n);
            if (perRefresh > 1) missedBy.push(`${variant.name} at N=${n}`);
            refreshReads.push(`N=${n} ${variant.name}: ${perRefresh.toFixed(2)} (${perRefresh > 1 ? 'missed' : 'met'})`);
          }
          if (result.profile) profiles.push(`### N=${n}, ${result.step}\n\n${result.profile}`);
        });
      }
    }
  } finally {
    // PROTECTOR_BENCH_KEEP_PROFILES=1 keeps the .cpuprofile files (for a closer look; never committed).
    if (profileRoot && process.env.PROTECTOR_BENCH_KEEP_PROFILES === '1') process.stderr.write(`profiles kept in ${profileRoot}\n`);
    else if (profileRoot) rmSync(profileRoot, { recursive: true, force: true });
  }
  say('');
  say(`Reads per resource per refresh (no-op plan, target <= 1): ${refreshReads.join('; ')}`);
  if (options.terraformOnly) {
    say('');
    say("Provider-free baseline: the same shape with `terraform_data` (built-in, no API), Terraform's own CPU:");
    say('');
    say('| N | step | wall s | terraform CPU s |');
    say('|---:|---|---:|---:|');
    for (const n of options.sizes) {
      for (const { step, run } of await terraformOnlyCycle(n)) {
        say(`| ${n} | ${step} | ${(run.wallMs / 1000).toFixed(2)} | ${(run.cpuMs / 1000).toFixed(2)} |`);
      }
    }
  }
  say('');
  say(`Load average at end: ${currentLoad()}`);
  for (const profile of profiles) say(`\n${profile}`);
  if (options.out) {
    if (existsSync(options.out)) appendFileSync(options.out, `\n${lines.join('\n')}\n`);
    else writeFileSync(options.out, `${lines.join('\n')}\n`);
  }
  if (missedBy.length > 0) {
    process.stderr.write(`bench:plan-scale: a no-op plan read a resource more than once per refresh (${missedBy.join(', ')})\n`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:plan-scale failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
