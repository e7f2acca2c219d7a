/**
 * The ephemeral resource protector_token_value under the real terraform binary: its value reaches
 * a consumer that needs no other provider (a `check` assertion comparing its SHA-256 with the
 * token's fingerprint), follows a rotation, is never written to state, and a revoked token is a
 * clear error.
 */
import { spawnEmulator, type RunningEmulator } from '../../helpers/emulator';
import { createTerraformWorkspace, type TerraformWorkspace } from '../../helpers/terraform';
import type { ProtectorClient } from '../../../src/api/client';
import { apiFor, providerHcl, stateOf, tf } from './helpers';

let emulator: RunningEmulator;
let api: ProtectorClient;
let workspace: TerraformWorkspace;

const ASSERTION_FAILED = 'Check block assertion failed';

/** `fingerprintOf` is the check's other side: a wrong one proves the assertion can fail. */
function write(generation: string, fingerprintOf = 'protector_token.edge.fingerprint', extra = ''): void {
  workspace.writeFile(
    'main.tf',
    providerHcl(emulator.edgercPath, emulator.section) +
      `
resource "protector_connection_configuration" "edge" {
  name            = "token-value-e2e"
  deployment_type = "kubernetes"
  contract_id     = "ctr_e2e"
  group_id        = "grp_e2e"
}

resource "protector_token" "edge" {
  connection_configuration_id = protector_connection_configuration.edge.id
  drain_timeout               = "5s"
  keepers                     = { generation = ${JSON.stringify(generation)} }
  lifecycle {
    create_before_destroy = true
  }
}

ephemeral "protector_token_value" "edge" {
  connection_configuration_id = protector_token.edge.connection_configuration_id
  token_id                    = protector_token.edge.id
}

check "value_matches_fingerprint" {
  assert {
    condition     = startswith(sha256(ephemeral.protector_token_value.edge.value), trimprefix(${fingerprintOf}, "sha256:"))
    error_message = "The ephemeral value is not the token's."
  }
}
${extra}`,
  );
}

beforeAll(async () => {
  emulator = await spawnEmulator();
  api = apiFor(emulator.edgercPath, emulator.section);
  workspace = await createTerraformWorkspace({ hcl: '' });
  write('1');
  await tf(workspace, ['init']);
}, 60_000);
afterAll(async () => {
  workspace?.cleanup();
  await emulator?.stop();
});

const tokenState = () => stateOf(workspace, 'protector_token', 'edge');
const valueOf = async () => (await api.getTokenValue(tokenState().connection_configuration_id as string, tokenState().id as string)).value;

test('the value reaches the check on create and after a rotation, and no state holds it', async () => {
  const created = await tf(workspace, ['apply', '-auto-approve']);
  expect(created.stdout).toContain('ephemeral.protector_token_value.edge: Opening complete');
  expect(created.stdout + created.stderr).not.toContain(ASSERTION_FAILED);
  const first = await valueOf();

  write('2');
  const rotated = await tf(workspace, ['apply', '-auto-approve']);
  // The plan cannot know the new token's id: the ephemeral resource waits for the apply.
  expect(rotated.stdout).toContain('ephemeral.protector_token_value.edge: Configuration unknown, deferring...');
  expect(rotated.stdout + rotated.stderr).not.toContain(ASSERTION_FAILED);
  const second = await valueOf();
  expect(second).not.toBe(first);

  const pulled = (await tf(workspace, ['state', 'pull'])).stdout;
  expect(pulled).not.toContain('protector_token_value');
  for (const value of [first, second]) expect(pulled).not.toContain(value);
}, 240_000);

test('a wrong expectation fails the check: the assertion really compares the value', async () => {
  write('2', '"sha256:000000000000"');
  const planned = await tf(workspace, ['plan']);
  expect(planned.stdout + planned.stderr).toContain(ASSERTION_FAILED);
  write('2');
}, 120_000);

test('a revoked token is a "Token Revoked" error naming token_id', async () => {
  // GIVEN a token revoked outside Terraform while another one is active
  const configId = tokenState().connection_configuration_id as string;
  const spare = await api.generateToken(configId);
  await api.revokeToken(configId, spare.tokenId);
  // WHEN an ephemeral block reads it
  write(
    '2',
    undefined,
    `
ephemeral "protector_token_value" "revoked" {
  connection_configuration_id = ${JSON.stringify(configId)}
  token_id                    = ${JSON.stringify(spare.tokenId)}
}
locals {
  revoked_length = length(ephemeral.protector_token_value.revoked.value)
}
check "revoked" {
  assert {
    condition     = local.revoked_length > 0
    error_message = "unreachable"
  }
}
`,
  );
  const failed = await tf(workspace, ['plan'], 1);
  // THEN the plan fails, saying which token and what to do, without the value
  expect(failed.stderr.replace(/\s+/g, ' ')).toContain('Error: Token Revoked');
  expect(failed.stderr.replace(/\s+/g, ' ')).toContain(`Token ${spare.tokenId} of connection configuration ${configId} was revoked`);
  expect(failed.stderr).not.toContain(spare.value);
  write('2');
}, 120_000);

test('destroy needs no token value and leaves nothing behind', async () => {
  await tf(workspace, ['destroy', '-auto-approve']);
  const pulled = JSON.parse((await tf(workspace, ['state', 'pull'])).stdout) as { resources: unknown[] };
  expect(pulled.resources).toEqual([]);
}, 120_000);
