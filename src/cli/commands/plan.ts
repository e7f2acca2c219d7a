/**
 * `protector plan summary`: prints a review-friendly rotation summary of a saved Terraform plan
 * (what happens to each protector resource and why), with every sensitive value redacted.
 */
import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../../errors';

interface SummaryFlags {
  plan?: string;
  chdir?: string;
  format: string;
}

export function register(program: Command): void {
  const plan = program.command('plan').description('Work with Terraform plans of protector resources.');
  plan
    .command('summary')
    .description(
      'Summarize the token rotations of a Terraform plan for a pull request; sensitive values are redacted.\n' +
        'Pass the JSON of `terraform show -json PLANFILE` (a file, or - for stdin), or --plan PLANFILE to run terraform show yourself.',
    )
    .argument('[plan-json]', 'file holding `terraform show -json PLANFILE` output, or - for stdin')
    .option('--plan <planfile>', 'saved plan (`terraform plan -out PLANFILE`); runs `terraform show -json` on it')
    .option('--chdir <dir>', 'Terraform working directory for --plan (like terraform -chdir)')
    .option('--format <format>', 'text or json', 'text')
    .action(async (planJson: string | undefined, flags: SummaryFlags) => {
      await runSummary(planJson, flags);
    });
}

async function runSummary(planJson: string | undefined, flags: SummaryFlags): Promise<void> {
  if (flags.format !== 'text' && flags.format !== 'json') {
    throw new UsageError('PLAN_SUMMARY_USAGE', `--format ${flags.format} is not supported; use text or json.`);
  }
  if ((planJson === undefined) === (flags.plan === undefined)) {
    throw new UsageError(
      'PLAN_SUMMARY_USAGE',
      'Pass exactly one of: a plan JSON file (`terraform show -json PLANFILE > plan.json`) or --plan PLANFILE [--chdir DIR].',
    );
  }
  if (flags.chdir !== undefined && flags.plan === undefined) {
    throw new UsageError('PLAN_SUMMARY_USAGE', '--chdir only applies with --plan PLANFILE.');
  }
  const { renderPlanSummary } = require('../../plan-summary') as typeof import('../../plan-summary');
  let text: string;
  let source: string;
  if (flags.plan !== undefined) {
    // Checked here: terraform's own message for a missing plan file is buried under CLI config warnings.
    const where = resolve(flags.chdir ?? '.');
    if (!existsSync(resolve(where, flags.plan))) {
      throw new UsageError(
        'PLAN_SUMMARY_USAGE',
        `--plan ${flags.plan}: no such file in ${where}; save a plan with \`terraform plan -out ${flags.plan}\` first (--chdir sets the directory).`,
      );
    }
    const { terraformShowJson } = require('../../plan-summary/terraform-show') as typeof import('../../plan-summary/terraform-show');
    text = await terraformShowJson(flags.plan, flags.chdir);
    source = `terraform show -json ${flags.plan}`;
  } else {
    source = planJson === '-' ? 'stdin' : planJson!;
    text = readInput(planJson!);
  }
  process.stdout.write(renderPlanSummary(text, { format: flags.format, source }).output);
}

function readInput(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError('PLAN_SUMMARY_USAGE', `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (code ?? String(error))}.`);
  }
}
