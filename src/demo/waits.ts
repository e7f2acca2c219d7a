/** Reading a stack's outputs, and bounded waits on what the API reports. */
import * as z from 'zod';
import type { ProtectorClient } from '../api/client';
import { DemoFailure } from './failure';
import type { InstanceHandle } from './processes';
import type { TerraformRunner } from './terraform';

const POLL_MS = 200;
const INSTANCES_TIMEOUT_MS = 30_000;

const OutputsSchema = z.object({
  connection_configuration_id: z.object({ value: z.string() }),
  token_id: z.object({ value: z.string() }),
  token_fingerprint: z.object({ value: z.string() }),
  token_rotate_after: z.object({ value: z.string().nullable() }).optional(),
});

export interface StackOutputs {
  configId: string;
  id: string;
  fingerprint: string;
  rotateAfter: string | null;
}

export async function readStackOutputs(terraform: TerraformRunner, dir: string, label: string): Promise<StackOutputs> {
  const { stdout } = await terraform.run(dir, `${label}-outputs`, ['output', '-json']);
  let parsed: z.infer<typeof OutputsSchema>;
  try {
    parsed = OutputsSchema.parse(JSON.parse(stdout));
  } catch {
    throw new DemoFailure(`the ${label} stack's outputs are missing connection_configuration_id, token_id or token_fingerprint`);
  }
  return {
    configId: parsed.connection_configuration_id.value,
    id: parsed.token_id.value,
    fingerprint: parsed.token_fingerprint.value,
    rotateAfter: parsed.token_rotate_after?.value ?? null,
  };
}

/** Polls `check` until it returns true, at most `timeoutMs`; fails the demo with `what` otherwise. */
async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new DemoFailure(`timed out after ${timeoutMs / 1000}s waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Waits until the API has seen every named instance heartbeat with `tokenId`. */
export async function waitUntilInstancesUse(
  client: ProtectorClient,
  configId: string,
  instanceIds: string[],
  tokenId: string,
  processes: InstanceHandle[],
): Promise<void> {
  await waitFor(`instances ${instanceIds.join(', ')} heartbeat with token ${tokenId}`, INSTANCES_TIMEOUT_MS, async () => {
    const exited = processes.find((p) => !p.process.running);
    if (exited) throw new DemoFailure(`instance ${exited.id} exited early (see its log)`);
    const { instances } = await client.listInstances(configId);
    return instanceIds.every((id) => instances.some((i) => i.instanceId === id && i.tokenId === tokenId));
  });
}
