/**
 * The steps both "no token value anywhere" proofs take with the real terraform: plan to a saved
 * file and apply it (both under TF_LOG=trace), keeping every artifact a CI pipeline could leak:
 * the plan's output, its JSON, the plan file's unzipped bytes, `protector plan summary`, then
 * `terraform state pull`, `terraform show -json` and every `.tfstate*` file.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { unzippedPlanFile } from '../../helpers/leak-search';
import type { TerraformWorkspace } from '../../helpers/terraform';
import { tf } from '../provider/helpers';

const BIN = path.resolve(__dirname, '..', '..', '..', 'bin', 'protector');
const TRACE = { TF_LOG: 'trace' };

export class ProofRun {
  /** Everything collected so far, by "step: artifact". */
  readonly artifacts: Record<string, string> = {};
  /** Called after each plan and after each apply (e.g. to collect the token values generated so far). */
  afterStep: () => void = () => undefined;

  constructor(private readonly workspace: TerraformWorkspace) {}

  /** Plans (`-destroy` too) to a file, keeps its artifacts, applies it; returns the plan's output. */
  async planAndApply(step: string, options: { destroy?: boolean } = {}): Promise<string> {
    const planFile = `${step}.tfplan`;
    const plan = await tf(this.workspace, ['plan', ...(options.destroy ? ['-destroy'] : []), `-out=${planFile}`], 0, TRACE);
    this.afterStep();
    this.artifacts[`${step}: terraform plan (TF_LOG=trace)`] = plan.stdout + plan.stderr;
    this.artifacts[`${step}: plan JSON`] = (await tf(this.workspace, ['show', '-json', planFile])).stdout;
    this.artifacts[`${step}: plan file, unzipped`] = unzippedPlanFile(path.join(this.workspace.dir, planFile));
    const summary = spawnSync(process.execPath, [BIN, 'plan', 'summary', '--plan', planFile, '--chdir', this.workspace.dir], {
      env: { ...process.env, TF_CLI_CONFIG_FILE: this.workspace.cliConfigFile },
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (summary.status !== 0) throw new Error(`protector plan summary exited ${summary.status}: ${summary.stderr}`);
    this.artifacts[`${step}: protector plan summary`] = summary.stdout + summary.stderr;
    const apply = await tf(this.workspace, ['apply', planFile], 0, TRACE);
    this.artifacts[`${step}: terraform apply (TF_LOG=trace)`] = apply.stdout + apply.stderr;
    if ((apply.stdout + apply.stderr).includes('Check block assertion failed')) throw new Error(`a check failed in step ${step}:\n${apply.stdout}`);
    this.afterStep();
    await this.collectState(step);
    return plan.stdout;
  }

  private async collectState(step: string): Promise<void> {
    this.artifacts[`${step}: terraform state pull`] = (await tf(this.workspace, ['state', 'pull'])).stdout;
    this.artifacts[`${step}: terraform show -json`] = (await tf(this.workspace, ['show', '-json'])).stdout;
    for (const name of readdirSync(this.workspace.dir).filter((file) => file.includes('.tfstate'))) {
      this.artifacts[`${step}: ${name}`] = readFileSync(path.join(this.workspace.dir, name), 'utf8');
    }
  }
}
