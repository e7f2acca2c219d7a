/**
 * Proof, not promise (plain HCL, real terraform): a token written to a file and read through the
 * ephemeral protector_token_value is created, rotated because it is due, rotated by keepers and
 * destroyed; after each step every token value the emulator ever generated is searched for in
 * `terraform state pull`, every `.tfstate*` file, `terraform show -json`, the plan JSON, the saved
 * plan file's unzipped contents, TF_LOG=trace output and `protector plan summary`. None is found,
 * while the token file (the positive control) holds the current one.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { spawnEmulator, type RunningEmulator } from '../../helpers/emulator';
import { collectTokenValues, findTokenValues } from '../../helpers/leak-search';
import { createTerraformWorkspace, type TerraformWorkspace } from '../../helpers/terraform';
import { providerHcl, stateOf, tf } from '../provider/helpers';
import { ProofRun } from './proof-run';

let emulator: RunningEmulator;
let dataDir: string;
let workspace: TerraformWorkspace;
let tokenFile: string;
let proof: ProofRun;

function write(settings: { rotationPeriod: string; generation: string }): void {
  workspace.writeFile(
    'main.tf',
    providerHcl(emulator.edgercPath, emulator.section) +
      `
resource "protector_connection_configuration" "edge" {
  name            = "proof-hcl"
  deployment_type = "reverse_proxy"
  contract_id     = "ctr_proof"
  group_id        = "grp_proof"
}

resource "protector_token" "edge" {
  connection_configuration_id = protector_connection_configuration.edge.id
  rotation_period             = ${JSON.stringify(settings.rotationPeriod)}
  keepers                     = { generation = ${JSON.stringify(settings.generation)} }
  drain_timeout               = "5s"
  lifecycle {
    create_before_destroy = true
  }
}

resource "protector_token_file" "edge" {
  connection_configuration_id = protector_connection_configuration.edge.id
  token_id                    = protector_token.edge.id
  path                        = ${JSON.stringify(tokenFile)}
}

ephemeral "protector_token_value" "edge" {
  connection_configuration_id = protector_token.edge.connection_configuration_id
  token_id                    = protector_token.edge.id
}

# The ephemeral value's consumer (no other provider runs offline): its hash must match the fingerprint.
check "ephemeral_value_is_the_token" {
  assert {
    condition     = startswith(sha256(ephemeral.protector_token_value.edge.value), trimprefix(protector_token.edge.fingerprint, "sha256:"))
    error_message = "The ephemeral value is not the token's."
  }
}
`,
  );
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'proof-hcl-emulator-'));
  emulator = await spawnEmulator({ dataDir });
  workspace = await createTerraformWorkspace({ hcl: '' });
  tokenFile = path.join(workspace.dir, 'protector', 'token');
  write({ rotationPeriod: '90d', generation: '1' });
  await tf(workspace, ['init']);
  proof = new ProofRun(workspace);
}, 60_000);
afterAll(async () => {
  workspace?.cleanup();
  await emulator?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('create, rotate when due, rotate by keepers, destroy: no token value in any state, plan, log or summary', async () => {
  const fileContents: string[] = [];
  // Every value the emulator ever generated, collected after each step (it prunes old revoked tokens).
  const values = new Set<string>();
  proof.afterStep = () => collectTokenValues(dataDir, values);

  // Create.
  await proof.planAndApply('create');
  fileContents.push(readFileSync(tokenFile, 'utf8'));

  // Rotate because the token is due: a rotation period of one second has passed.
  write({ rotationPeriod: '1s', generation: '1' });
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const due = await proof.planAndApply('rotate-due');
  expect(due).toMatch(/rotate_after.*# forces replacement/);
  fileContents.push(readFileSync(tokenFile, 'utf8'));

  // Rotate on demand: keepers change (the period is long again, so only keepers force it).
  write({ rotationPeriod: '90d', generation: '2' });
  const forced = await proof.planAndApply('rotate-keepers');
  expect(forced).toMatch(/keepers.*# forces replacement/s);
  fileContents.push(readFileSync(tokenFile, 'utf8'));
  expect(stateOf(workspace, 'protector_token', 'edge')).toMatchObject({ store_value: false, value: null });

  // Destroy.
  await proof.planAndApply('destroy', { destroy: true });

  // THEN the emulator generated the initial token and three managed ones, each file held a new one
  const { generated } = collectTokenValues(dataDir, values);
  expect(values.size).toBeGreaterThanOrEqual(4);
  if (generated !== undefined) expect(values.size).toBe(generated);
  expect(new Set(fileContents).size).toBe(3);
  // The search works: it finds the values the token files held (the positive control) ...
  expect(findTokenValues([...values], { 'token files': fileContents.join('\n') }).map((finding) => finding.occurrences)).toEqual([1, 1, 1]);
  // ... and finds none in anything Terraform, the provider or the summary wrote.
  expect(Object.keys(proof.artifacts).length).toBeGreaterThanOrEqual(4 * 7);
  expect(findTokenValues([...values], proof.artifacts)).toEqual([]);
}, 600_000);
