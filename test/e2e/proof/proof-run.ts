/**
 * The steps the "no token value anywhere" proofs take with the real terraform: plan to a saved
 * file and apply it (both under TF_LOG=trace), keeping every artifact a CI pipeline could leak:
 * the plan's output, its JSON, the plan file's unzipped bytes, `protector plan summary`, then
 * `terraform state pull`, `terraform show -json` and every `.tfstate*` file.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { unzippedPlanFile } from '../../helpers/leak-search';
import type { RunResult, TerraformWorkspace } from '../../helpers/terraform';

const BIN = path.resolve(__dirname, '..', '..', '..', 'bin', 'protector');
const TAKES_INPUT_FLAG = new Set(['plan', 'apply']);
const TRACE: Readonly<Record<string, string>> = { TF_LOG: 'trace' };

export interface ProofRunOptions {
  /** Added to every terraform and `protector plan summary` run (e.g. AWS settings that reach only a test double). */
  env?: NodeJS.ProcessEnv;
  /** Per terraform run; default 120 s (a slow third-party provider under TF_LOG=trace needs more). */
  timeoutMs?: number;
}

export class ProofRun {
  /** Everything collected so far, by "step: artifact". */
  readonly artifacts: Record<string, string> = {};
  /** Called after each plan and after each apply (e.g. to collect the token values generated so far). */
  afterStep: () => void = () => undefined;

  constructor(
    private readonly workspace: TerraformWorkspace,
    private readonly options: ProofRunOptions = {},
  ) {}

  /**
   * Plans (`-destroy` too) to a file, keeps its artifacts, applies it; returns the plan's output.
   * Both run with the `log` settings (default TF_LOG=trace), named in the artifacts' names.
   */
  async planAndApply(step: string, options: { destroy?: boolean; log?: Readonly<Record<string, string>> } = {}): Promise<string> {
    const planFile = `${step}.tfplan`;
    const log = options.log ?? TRACE;
    const logged = `(${Object.entries(log)
      .map(([name, level]) => `${name}=${level}`)
      .join(' ')})`;
    const plan = await this.terraform(['plan', ...(options.destroy ? ['-destroy'] : []), `-out=${planFile}`], { log });
    this.afterStep();
    this.artifacts[`${step}: terraform plan ${logged}`] = plan.stdout + plan.stderr;
    this.artifacts[`${step}: plan JSON`] = (await this.terraform(['show', '-json', planFile])).stdout;
    this.artifacts[`${step}: plan file, unzipped`] = unzippedPlanFile(path.join(this.workspace.dir, planFile));
    const summary = spawnSync(process.execPath, [BIN, 'plan', 'summary', '--plan', planFile, '--chdir', this.workspace.dir], {
      env: { ...process.env, ...this.options.env, TF_CLI_CONFIG_FILE: this.workspace.cliConfigFile },
      encoding: 'utf8',
      timeout: this.options.timeoutMs ?? 120_000,
    });
    if (summary.status !== 0) throw new Error(`protector plan summary exited ${summary.status}: ${summary.stderr}`);
    this.artifacts[`${step}: protector plan summary`] = summary.stdout + summary.stderr;
    const apply = await this.terraform(['apply', planFile], { log });
    this.artifacts[`${step}: terraform apply ${logged}`] = apply.stdout + apply.stderr;
    if ((apply.stdout + apply.stderr).includes('Check block assertion failed')) throw new Error(`a check failed in step ${step}:\n${apply.stdout}`);
    this.afterStep();
    await this.collectState(step);
    return plan.stdout;
  }

  /** Runs terraform without colours or prompts with the run's env, failing with its output unless it exits 0. */
  async terraform(args: string[], options: { log?: Readonly<Record<string, string>> } = {}): Promise<RunResult> {
    const [command, ...rest] = args;
    const subcommand = command === 'state' ? [command, rest.shift()!] : [command!];
    const flags = TAKES_INPUT_FLAG.has(command!) ? ['-no-color', '-input=false'] : [];
    const env = { ...this.options.env, ...options.log };
    const result = await this.workspace.run([...subcommand, ...flags, ...rest], { env, timeoutMs: this.options.timeoutMs });
    if (result.code !== 0) throw new Error(`terraform ${args.join(' ')} exited ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
    return result;
  }

  private async collectState(step: string): Promise<void> {
    this.artifacts[`${step}: terraform state pull`] = (await this.terraform(['state', 'pull'])).stdout;
    this.artifacts[`${step}: terraform show -json`] = (await this.terraform(['show', '-json'])).stdout;
    for (const name of readdirSync(this.workspace.dir).filter((file) => file.includes('.tfstate'))) {
      this.artifacts[`${step}: ${name}`] = readFileSync(path.join(this.workspace.dir, name), 'utf8');
    }
  }
}
