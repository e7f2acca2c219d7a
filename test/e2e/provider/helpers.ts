/** Shared pieces of the provider end-to-end suites: HCL builders, state reading, an API client. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProtectorClient } from '../../../src/api/client';
import { loadCredentials } from '../../../src/api/credentials';
import type { RunResult, TerraformWorkspace } from '../../helpers/terraform';

/** The terraform and provider blocks; `endpoint` overrides the host of the edgerc section. */
export function providerHcl(edgerc: string, section: string, endpoint?: string): string {
  return `
terraform {
  required_providers {
    protector = { source = "protector-iac/protector" }
  }
}

provider "protector" {
  edgerc  = ${JSON.stringify(edgerc)}
  section = ${JSON.stringify(section)}${endpoint === undefined ? '' : `\n  endpoint = ${JSON.stringify(endpoint)}`}
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

/** Deposed objects of one resource: what a create_before_destroy replacement left when its delete failed. */
export function deposedOf(workspace: TerraformWorkspace, type: string, name: string): Array<Record<string, unknown>> {
  const state = JSON.parse(readFileSync(join(workspace.dir, 'terraform.tfstate'), 'utf8')) as {
    resources: Array<{ type: string; name: string; instances: Array<{ deposed?: string; attributes: Record<string, unknown> }> }>;
  };
  const resource = state.resources.find((r) => r.type === type && r.name === name);
  return (resource?.instances ?? []).filter((i) => i.deposed !== undefined).map((i) => i.attributes);
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

/**
 * A Protector instance stand-in: heartbeats every `intervalMs` with the token read from `file`
 * (re-read each beat, like an instance watching a mounted file), or a fixed value when stuck.
 */
export function fakeInstance(url: string, id: string, deploymentType: 'KUBERNETES' | 'REVERSE_PROXY', token: { file?: string; value?: string }, intervalMs = 200) {
  let stopped = false;
  let failures = 0;
  const beat = async () => {
    const value = token.value ?? (token.file ? readTokenFile(token.file) : undefined);
    if (!value) return;
    const res = await fetch(`${url}/protector/v1/instances/heartbeat`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${value}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ instanceId: id, deploymentType, version: '1.0.0' }),
    });
    if (res.status !== 200) failures += 1;
    await res.text();
  };
  const loop = (async () => {
    while (!stopped) {
      await beat().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    /** Switch to following the file (an instance that got fixed). */
    follow(file: string) {
      token.value = undefined;
      token.file = file;
    },
    beatNow: beat,
    failures: () => failures,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

function readTokenFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
