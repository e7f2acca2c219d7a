/**
 * Crash safety: terraform is killed (SIGKILL, with its provider processes) right after the API
 * generated the new token and before the state could learn of it. The next apply adopts that
 * token: no orphan, no second token, no cap error, and exactly one active token at the end.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createRotationWorld, expectApplied, startInstance, stopAll, waitUntilOnToken, type RotationWorld, type RunningInstance } from './harness';

jest.setTimeout(240_000);

/** How long the emulator holds the generation's answer after committing it: the window for the kill. */
const HOLD_MS = 20_000;

let world: RotationWorld;
const running: RunningInstance[] = [];

beforeAll(async () => {
  world = await createRotationWorld({ hosts: 2, drainTimeout: '60s' });
});

afterAll(async () => {
  await stopAll(running);
  await world?.close();
});

/**
 * Runs `terraform apply` in its own process group and SIGKILLs the group once the API generated
 * the rotation's token. The emulator holds that generation's answer after committing it, so the
 * kill lands before the provider (and so the state) can know the token, however busy the machine.
 */
async function applyKilledAfterGeneration(generation: number): Promise<{ signal: NodeJS.Signals | null; killedAfterGeneration: boolean; output: string }> {
  const generatedBefore = (await world.emulator.control.stats()).tokensGenerated;
  await world.emulator.control.setFaults({ holdAfterCommitMs: HOLD_MS, pathPattern: '/protector/v1/connection-configurations/*/tokens', maxFaults: 1 });
  return new Promise((resolve, reject) => {
    const child = spawn('terraform', ['apply', '-auto-approve', '-input=false', '-no-color', `-var=generation=${generation}`], {
      cwd: world.workspace.dir,
      env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0', TF_CLI_CONFIG_FILE: world.workspace.cliConfigFile },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    let killedAfterGeneration = false;
    let done = false;
    // Bounded: polls while the apply runs (at most 60 s); the held answer leaves time to see the generation.
    const poll = async (): Promise<void> => {
      while (!done && !killedAfterGeneration) {
        if ((await world.emulator.control.stats()).tokensGenerated > generatedBefore) {
          killedAfterGeneration = true;
          process.kill(-child.pid!, 'SIGKILL');
          return;
        }
        await new Promise((wake) => setTimeout(wake, 25));
      }
    };
    poll().catch(reject);
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      done = true;
      clearTimeout(timer);
      world.emulator.control.clearFaults().then(() => resolve({ signal, killedAfterGeneration, output }), reject);
    });
  });
}

/** The token ids the local state file holds for protector_token.app (current and deposed). */
function tokenIdsInState(): string[] {
  const state = JSON.parse(readFileSync(path.join(world.workspace.dir, 'terraform.tfstate'), 'utf8')) as {
    resources: Array<{ type: string; instances: Array<{ attributes: { id: string } }> }>;
  };
  return state.resources.filter((r) => r.type === 'protector_token').flatMap((r) => r.instances.map((i) => i.attributes.id));
}

test('killed right after the new token was generated, the next apply adopts it: no orphan, no cap error, 1 active token', async () => {
  // GIVEN a deployed token and two instances using it
  expectApplied(await world.apply(0));
  const old = await world.outputs();
  running.push(startInstance(world.emulator.url, 'vm-a', world.tokenFile(0)), startInstance(world.emulator.url, 'vm-b', world.tokenFile(1)));
  await waitUntilOnToken(world.client, old.configurationId, ['vm-a', 'vm-b'], old.tokenId);
  const generatedBefore = (await world.emulator.control.stats()).tokensGenerated;

  // WHEN terraform dies right after the API generated the rotation's token
  const crashed = await applyKilledAfterGeneration(1);
  expect({ killedAfterGeneration: crashed.killedAfterGeneration, signal: crashed.signal }).toEqual({ killedAfterGeneration: true, signal: 'SIGKILL' });
  const afterCrash = await world.client.listTokens(old.configurationId);
  expect(afterCrash.active).toHaveLength(2);
  const generated = afterCrash.active.find((t) => t.tokenId !== old.tokenId)!;
  // The crash came before the state learned of the new token: only the old one is in it.
  expect(tokenIdsInState()).toEqual([old.tokenId]);

  // THEN the next apply converges on the token the crashed run generated
  const recovered = await world.apply(1);
  expectApplied(recovered);
  expect(recovered.stdout + recovered.stderr).not.toMatch(/Error:|already has 2 active tokens|max-active-tokens/);
  const final = await world.outputs();
  expect(final.tokenId).toBe(generated.tokenId);
  const tokens = await world.client.listTokens(old.configurationId);
  expect(tokens.active.map((t) => t.tokenId)).toEqual([generated.tokenId]);
  expect(tokens.revoked.map((t) => t.tokenId)).toContain(old.tokenId);
  // No orphan: the crash and the recovery together generated exactly one token.
  expect((await world.emulator.control.stats()).tokensGenerated).toBe(generatedBefore + 1);
  expect(tokenIdsInState()).toEqual([generated.tokenId]);

  // AND the instances moved to it without a single authentication failure
  await waitUntilOnToken(world.client, old.configurationId, ['vm-a', 'vm-b'], generated.tokenId);
  const summaries = await Promise.all(running.splice(0).map((instance) => instance.stop()));
  expect(summaries.map((s) => s.authFailures)).toEqual([0, 0]);
});
