/** Shared pieces of the provider end-to-end suites: HCL builders, state reading, an API client. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProtectorClient } from '../../../src/api/client';
import { loadCredentials } from '../../../src/api/credentials';
import type { RunResult, TerraformWorkspace } from '../../helpers/terraform';

export function providerHcl(edgerc: string, section: string): string {
  return `
terraform {
  required_providers {
    protector = { source = "protector-iac/protector" }
  }
}

provider "protector" {
  edgerc  = ${JSON.stringify(edgerc)}
  section = ${JSON.stringify(section)}
}
`;
}

export function apiFor(edgerc: string, section: string): ProtectorClient {
  return new ProtectorClient({ credentials: loadCredentials({ edgerc, section }), maxRetries: 1, timeoutMs: 10_000 });
}

export interface StateResource {
  type: string;
  name: string;
  index?: number | string;
  attributes: Record<string, unknown>;
}

/** Every resource instance in the workspace's local state. */
export function stateResources(workspace: TerraformWorkspace): StateResource[] {
  const state = JSON.parse(readFileSync(join(workspace.dir, 'terraform.tfstate'), 'utf8')) as {
    resources: Array<{ type: string; name: string; mode: string; instances: Array<{ index_key?: number | string; attributes: Record<string, unknown> }> }>;
  };
  return state.resources
    .filter((r) => r.mode === 'managed')
    .flatMap((r) => r.instances.map((i) => ({ type: r.type, name: r.name, index: i.index_key, attributes: i.attributes })));
}

export function stateOf(workspace: TerraformWorkspace, type: string, name: string): Record<string, unknown> {
  const found = stateResources(workspace).find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type}.${name} in state`);
  return found.attributes;
}

const TAKES_INPUT_FLAG = new Set(['init', 'plan', 'apply', 'destroy', 'import', 'refresh']);

/** Runs terraform without colours or prompts, failing with its output when the exit code differs. */
export async function tf(workspace: TerraformWorkspace, args: string[], expectCode = 0, env?: NodeJS.ProcessEnv): Promise<RunResult> {
  const [command, ...rest] = args;
  const subcommand = command === 'state' ? [command, rest.shift()!] : [command!];
  const flags = TAKES_INPUT_FLAG.has(command!) ? ['-no-color', '-input=false'] : [];
  const result = await workspace.run([...subcommand, ...flags, ...rest], { env });
  if (result.code !== expectCode) {
    throw new Error(`terraform ${args.join(' ')} exited ${result.code}, expected ${expectCode}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
  return result;
}
