/**
 * Proof, not promise (a cdktf app, real terraform): a ProtectorConnection with a TokenFileTarget,
 * synthesized with the construct library, is created, rotated because its policy made it due,
 * rotated by keepers and destroyed. Every token value the emulator ever generated is searched for
 * in each synthesized `cdk.tf.json` and in every artifact of ProofRun (state, plan JSON, plan file,
 * TF_LOG=trace output, plan summary). The Kubernetes path is checked at synth level: the ephemeral
 * reference feeds `data_wo`, and no attribute that Terraform stores holds the value.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { TerraformStack, Testing } from 'cdktf';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { DeploymentType, KubernetesSecretTarget, ProtectorConnection, ProtectorProvider, RotationPolicy, TokenFileTarget } from '../../../constructs';
import { spawnEmulator, type RunningEmulator } from '../../helpers/emulator';
import { collectTokenValues, findTokenValues } from '../../helpers/leak-search';
import { createTerraformWorkspace, type TerraformWorkspace } from '../../helpers/terraform';
import { stateOf, tf } from '../provider/helpers';
import { ProofRun } from './proof-run';

let emulator: RunningEmulator;
let dataDir: string;
let workspace: TerraformWorkspace;
let tokenFile: string;
let proof: ProofRun;

/** Synthesizes the app's stack into the workspace's main.tf.json and keeps the JSON as an artifact. */
function synth(step: string, period: string, generation: string): void {
  const stack = new TerraformStack(Testing.app(), 'proof');
  new ProtectorProvider(stack, 'protector', { edgerc: emulator.edgercPath, section: emulator.section, installInStackOutput: false });
  new ProtectorConnection(stack, 'Edge', {
    name: 'proof-cdktf',
    deploymentType: DeploymentType.REVERSE_PROXY,
    contractId: 'ctr_proof',
    groupId: 'grp_proof',
    rotation: RotationPolicy.every(period, { drainTimeout: '5s', keepers: { generation } }),
    registrations: [new TokenFileTarget({ path: tokenFile })],
  });
  const json = Testing.synth(stack);
  proof.artifacts[`${step}: cdk.tf.json`] = json;
  workspace.writeFile('main.tf', '');
  workspace.writeFile('main.tf.json', json);
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'proof-cdktf-emulator-'));
  emulator = await spawnEmulator({ dataDir });
  workspace = await createTerraformWorkspace({ hcl: '' });
  tokenFile = path.join(workspace.dir, 'protector', 'token');
  proof = new ProofRun(workspace);
  synth('create', '90d', '1');
  await tf(workspace, ['init']);
}, 60_000);
afterAll(async () => {
  workspace?.cleanup();
  await emulator?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('create, rotate when due, rotate by keepers, destroy: no token value in synth output, state, plans, logs or summaries', async () => {
  const fileContents: string[] = [];
  // Every value the emulator ever generated, collected after each step (it prunes old revoked tokens).
  const values = new Set<string>();
  proof.afterStep = () => collectTokenValues(dataDir, values);
  await proof.planAndApply('create');
  fileContents.push(readFileSync(tokenFile, 'utf8'));
  const token = () => Object.values(JSON.parse(proof.artifacts['create: cdk.tf.json']!).resource.protector_token as object)[0] as object;
  expect(token()).not.toHaveProperty('store_value');

  synth('rotate-due', '1s', '1');
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(await proof.planAndApply('rotate-due')).toMatch(/rotate_after.*# forces replacement/);
  fileContents.push(readFileSync(tokenFile, 'utf8'));

  synth('rotate-keepers', '90d', '2');
  expect(await proof.planAndApply('rotate-keepers')).toMatch(/keepers.*# forces replacement/s);
  fileContents.push(readFileSync(tokenFile, 'utf8'));
  const [tokenName] = Object.keys(JSON.parse(proof.artifacts['rotate-keepers: cdk.tf.json']!).resource.protector_token as object);
  expect(stateOf(workspace, 'protector_token', tokenName!)).toMatchObject({ store_value: false, value: null });

  await proof.planAndApply('destroy', { destroy: true });

  const { generated } = collectTokenValues(dataDir, values);
  expect(values.size).toBeGreaterThanOrEqual(4);
  if (generated !== undefined) expect(values.size).toBe(generated);
  expect(new Set(fileContents).size).toBe(3);
  expect(findTokenValues([...values], { 'token files': fileContents.join('\n') })).toHaveLength(3); // the search works
  expect(findTokenValues([...values], proof.artifacts)).toEqual([]);
}, 600_000);

test('Kubernetes at synth level: only data_wo holds the value, fed by the ephemeral block; nothing stored holds it', () => {
  const stack = new TerraformStack(Testing.app(), 'kubernetes');
  new ProtectorProvider(stack, 'protector', { endpoint: 'http://127.0.0.1:8080', installInStackOutput: false });
  new KubernetesProvider(stack, 'kubernetes', {});
  new ProtectorConnection(stack, 'Cluster', {
    name: 'cluster',
    deploymentType: DeploymentType.KUBERNETES,
    contractId: 'ctr_1',
    groupId: 'grp_1',
    rotation: RotationPolicy.recommended(),
    registrations: [new KubernetesSecretTarget({ namespace: 'protector', secretName: 'protector-token', restart: [{ kind: 'Deployment', name: 'protector' }] })],
  });
  const json = JSON.parse(Testing.synth(stack)) as {
    ephemeral: { protector_token_value: Record<string, { token_id: string }> };
    resource: Record<string, Record<string, Record<string, unknown>>>;
  };
  const [name, block] = Object.entries(json.ephemeral.protector_token_value)[0]!;
  expect(block.token_id).toMatch(/^\$\{protector_token\.[A-Za-z0-9_]+\.id\}$/);
  const ephemeralValue = `\${ephemeral.protector_token_value.${name}.value}`;
  // Every place that mentions a token value: only the Secret's write-only data.
  const uses: string[] = [];
  const walk = (node: unknown, where: string): void => {
    if (typeof node === 'string' && /\.value\}/.test(node) && /protector_token/.test(node)) uses.push(`${where} = ${node}`);
    else if (node && typeof node === 'object') for (const [key, child] of Object.entries(node)) walk(child, `${where}.${key}`);
  };
  walk(json.resource, 'resource');
  expect(uses).toEqual([expect.stringMatching(new RegExp(`^resource\\.kubernetes_secret_v1\\.[^.]+\\.data_wo\\.token = ${ephemeralValue.replace(/[$.{}]/g, '\\$&')}$`))]);
  const secret = Object.values(json.resource.kubernetes_secret_v1!)[0]!;
  expect(secret).not.toHaveProperty('data');
  expect(String(secret.data_wo_revision)).toContain('.fingerprint');
});
