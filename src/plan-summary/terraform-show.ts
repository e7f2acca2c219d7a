/** Runs `terraform show -json PLANFILE` for the summary, so users need not keep the secret-bearing JSON on disk. */
import { spawn } from 'node:child_process';
import { ExternalError } from '../errors';

const SHOW_TIMEOUT_MS = 120_000;

class TerraformShowError extends ExternalError {
  constructor(message: string) {
    super('TERRAFORM_SHOW', message);
  }
}

/** `terraform show -json [PLANFILE]`: a saved plan, or (without one) the working directory's current state. */
export function terraformShowJson(planFile: string | undefined, chdir: string | undefined, terraformBin = 'terraform'): Promise<string> {
  const args = [...(chdir ? [`-chdir=${chdir}`] : []), 'show', '-json', '-no-color', ...(planFile !== undefined ? [planFile] : [])];
  return new Promise((resolve, reject) => {
    const child = spawn(terraformBin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), SHOW_TIMEOUT_MS);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new TerraformShowError(
          error.code === 'ENOENT'
            ? `could not run \`${terraformBin}\`: it is not on PATH. Install Terraform, or pass the JSON of \`terraform show -json PLANFILE\` instead.`
            : `could not run \`${terraformBin}\`: ${error.message}`,
        ),
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(stdout).toString('utf8'));
      else reject(new TerraformShowError(`\`terraform ${args.join(' ')}\` failed (${signal ? `signal ${signal}` : `exit ${code}`}): ${stderr.trim() || 'no message'}`));
    });
  });
}
