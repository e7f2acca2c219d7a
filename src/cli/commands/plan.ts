/**
 * `protector plan summary`: prints a review-friendly rotation summary of saved Terraform plans
 * (what happens to each protector resource and why), with every sensitive value redacted. Several
 * plans (one per stack) make one output: a Markdown section, a text block or a JSON entry each.
 */
import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { UsageError } from '../../errors';

interface SummaryFlags {
  plan: string[];
  chdir?: string;
  format: string;
  marker?: string;
}

const FORMATS = ['text', 'json', 'markdown'];

export function register(program: Command): void {
  const plan = program.command('plan').description('Work with Terraform plans of protector resources.');
  plan
    .command('summary')
    .description(
      'Summarize the token rotations of Terraform plans for a pull request; sensitive values are redacted.\n' +
        'Pass the JSON of `terraform show -json PLANFILE` (files, or - for stdin), or --plan PLANFILE (repeatable, one per stack) to run terraform show yourself.',
    )
    .argument('[plan-json...]', 'files holding `terraform show -json PLANFILE` output, or - for stdin')
    .option('--plan <planfile>', 'saved plan (`terraform plan -out PLANFILE`); runs `terraform show -json` in its directory. Repeat it for several stacks', collect, [])
    .option('--chdir <dir>', "Terraform working directory for every --plan (like terraform -chdir); default: each plan file's own directory")
    .option('--format <format>', 'text, json or markdown (for a pull/merge request comment)', 'text')
    .option('--marker <name>', 'markdown: the hidden marker line a CI job finds its sticky comment by', 'protector-plan-summary')
    .action(async (planJson: string[], flags: SummaryFlags) => {
      await runSummary(planJson, flags);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function runSummary(planJson: string[], flags: SummaryFlags): Promise<void> {
  if (!FORMATS.includes(flags.format)) {
    throw new UsageError('PLAN_SUMMARY_USAGE', `--format ${flags.format} is not supported; use text, json or markdown.`);
  }
  if ((planJson.length === 0) === (flags.plan.length === 0)) {
    throw new UsageError(
      'PLAN_SUMMARY_USAGE',
      'Pass exactly one of: plan JSON files (`terraform show -json PLANFILE > plan.json`) or --plan PLANFILE (repeatable) [--chdir DIR].',
    );
  }
  if (flags.chdir !== undefined && flags.plan.length === 0) {
    throw new UsageError('PLAN_SUMMARY_USAGE', '--chdir only applies with --plan PLANFILE.');
  }
  if (flags.marker !== undefined && !/^[A-Za-z0-9._:-]{1,100}$/.test(flags.marker)) {
    // It goes inside an HTML comment: `--` or `>` would end it early.
    throw new UsageError('PLAN_SUMMARY_USAGE', `--marker ${JSON.stringify(flags.marker)}: use 1-100 characters from A-Z a-z 0-9 . _ : -.`);
  }
  if (planJson.filter((file) => file === '-').length > 1) throw new UsageError('PLAN_SUMMARY_USAGE', 'stdin (-) can be read only once.');
  const summaries = require('../../plan-summary') as typeof import('../../plan-summary');
  const inputs: Array<{ title: string; json: string; source: string }> = [];
  if (flags.plan.length > 0) {
    const { terraformShowJson } = require('../../plan-summary/terraform-show') as typeof import('../../plan-summary/terraform-show');
    const located = flags.plan.map((file) => locatePlan(file, flags.chdir));
    for (const { file, where, title } of located) {
      inputs.push({ title, json: await terraformShowJson(file, where), source: `terraform show -json ${file}` });
    }
  } else {
    for (const file of planJson) {
      inputs.push({ title: file === '-' ? 'plan' : titleOf(file), json: readInput(file), source: file === '-' ? 'stdin' : file });
    }
  }
  process.stdout.write(summaries.renderPlanSummaries(inputs, { format: flags.format as 'text' | 'json' | 'markdown', marker: flags.marker }));
}

/** Where terraform show runs for a plan: --chdir, else the plan's own directory (the stack's). */
function locatePlan(plan: string, chdir: string | undefined): { file: string; where: string | undefined; title: string } {
  const where = resolve(chdir ?? '.');
  // Checked here: terraform's own message for a missing plan file is buried under CLI config warnings.
  if (!existsSync(resolve(where, plan))) {
    throw new UsageError(
      'PLAN_SUMMARY_USAGE',
      `--plan ${plan}: no such file in ${where}; save a plan with \`terraform plan -out ${plan}\` first (--chdir sets the directory).`,
    );
  }
  if (chdir !== undefined) return { file: plan, where: chdir, title: titleOf(resolve(chdir, plan)) };
  const dir = dirname(plan);
  return { file: dir === '.' ? plan : basename(plan), where: dir === '.' ? undefined : dir, title: titleOf(resolve(plan)) };
}

/** A stack's plan `cdktf.out/stacks/NAME/x.tfplan` is titled NAME; any other file by its directory and name. */
function titleOf(file: string): string {
  const stack = /(?:^|[\\/])stacks[\\/]([^\\/]+)[\\/][^\\/]+$/.exec(file);
  if (stack) return stack[1]!;
  const dir = basename(dirname(resolve(file)));
  return dir && dir !== basename(process.cwd()) ? `${dir}/${basename(file)}` : basename(file);
}

function readInput(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError('PLAN_SUMMARY_USAGE', `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (code ?? String(error))}.`);
  }
}
