/**
 * The rotation summary of a plan: actions and reasons per protector resource, and no sensitive
 * value in any output. The fixtures are `terraform show -json` documents holding fake secrets
 * (every one contains "SECRET"), placed wherever Terraform puts real ones.
 */
import { PlanJsonError, REDACTED, renderPlanSummary, type ResourceSummary } from '../../../src/plan-summary';
import { expectNoSecret, fixture } from '../../helpers/plan-fixtures';

function byAddress(resources: ResourceSummary[], address: string): ResourceSummary {
  const found = resources.find((resource) => resource.address === address);
  if (!found) throw new Error(`no summary for ${address}; have ${resources.map((r) => r.address).join(', ')}`);
  return found;
}

describe.each(['rotation-due.json', 'keepers-changed.json', 'no-changes.json'])('%s', (name) => {
  test.each(['text', 'json'] as const)('the %s output holds no sensitive value', (format) => {
    const text = fixture(name);
    expectNoSecret(renderPlanSummary(text, { format }).output, text);
  });
});

test('a due token is replaced with its reason, and the token file follows it', () => {
  const { summary, output } = renderPlanSummary(fixture('rotation-due.json'));

  const token = byAddress(summary.resources, 'protector_token.app');
  expect(token).toMatchObject({ action: 'replace', order: 'create-before-destroy' });
  expect(token.reasons).toEqual(['rotate_after passed (2026-03-01T10:00:20Z)']);
  expect(token.tokenId).toEqual({ before: 'tok_oldoldoldo', after: '(known after apply)' });
  expect(token.fingerprint).toEqual({ before: 'sha256:0123456789ab', after: '(known after apply)' });

  const file = byAddress(summary.resources, 'protector_token_file.app');
  expect(file.action).toBe('update');
  // Its token id, fingerprint and content hash follow the token: one reason, not three.
  expect(file.reasons).toEqual(['rewritten with the new token']);
  expect(file.tokenId).toEqual({ before: 'tok_oldoldoldo', after: '(known after apply)' });
  expect(file.file).toBe('/srv/protector/token');

  // The no-op configuration is left out; the Kubernetes secret is counted, not detailed.
  expect(summary.resources.map((r) => r.address)).toEqual(['protector_token.app', 'protector_token_file.app']);
  expect(summary.otherChanges).toBe(1);
  expect(summary.counts).toEqual({ create: 0, replace: 1, update: 1, delete: 0, forget: 0 });

  expect(output).toContain('Rotation summary: 1 to replace, 1 to update.');
  expect(output).toMatch(/replace +protector_token\.app \(new token first, old one revoked after the drain\)/);
  expect(output).toContain('why:         rotate_after passed (2026-03-01T10:00:20Z)');
  expect(output).toContain('fingerprint: sha256:0123456789ab → (known after apply)');
  expect(output).toContain('1 change to other resources not shown');
});

test('a keepers change names the changed keepers, redacting the sensitive one', () => {
  const { summary } = renderPlanSummary(fixture('keepers-changed.json'));
  const token = byAddress(summary.resources, 'module.production.protector_token.this');
  expect(token.action).toBe('replace');
  expect(token.reasons).toEqual([`keepers changed (reason: "initial" → "incident-42", ticket: ${REDACTED} changed)`]);
});

test('a rotation_period change that does not make the token due is an update moving rotate_after', () => {
  const { summary } = renderPlanSummary(fixture('keepers-changed.json'));
  const token = byAddress(summary.resources, 'protector_token.staging');
  expect(token.action).toBe('update');
  expect(token.reasons).toEqual(['rotate_after changed ("2026-04-01T10:00:00Z" → "2026-04-15T10:00:00Z")', 'rotation_period changed ("30d" → "45d")']);
  expect(token.fingerprint).toEqual({ before: 'sha256:cccccccccccc', after: 'sha256:cccccccccccc' });
});

test('tainted, removed and new tokens, and a warning for destroy-before-create', () => {
  const { summary, output } = renderPlanSummary(fixture('keepers-changed.json'));

  const tainted = byAddress(summary.resources, 'protector_token.legacy');
  expect(tainted).toMatchObject({ action: 'replace', order: 'destroy-before-create', reasons: ['the resource is tainted'] });
  expect(tainted.warnings.join(' ')).toMatch(/create_before_destroy/);

  expect(byAddress(summary.resources, 'protector_token.old')).toMatchObject({
    action: 'delete',
    reasons: ['removed from the configuration'],
    tokenId: { before: 'tok_goneawaygo' },
  });
  expect(byAddress(summary.resources, 'protector_token.new')).toMatchObject({ action: 'create', reasons: ['new token'] });
  // Data source reads are not changes.
  expect(summary.resources.some((r) => r.address.startsWith('data.'))).toBe(false);
  expect(output).toContain('Rotation summary: 2 to replace, 1 to create, 1 to update, 1 to delete.');
  expect(output).toContain('WARNING:');
});

test('a plan without protector changes says so', () => {
  expect(renderPlanSummary(fixture('no-changes.json')).output).toBe('Rotation summary: no changes to protector resources.\n');
});

test('state JSON instead of a plan is refused with what to pass instead', () => {
  expect(() => renderPlanSummary(fixture('state-not-plan.json'), { source: 'state.json' })).toThrow(PlanJsonError);
  expect(() => renderPlanSummary(fixture('state-not-plan.json'), { source: 'state.json' })).toThrow(/state\.json holds Terraform state, not a plan.*terraform plan -out/);
});

test('text that is not JSON is refused without echoing it', () => {
  const secret = 'FAKE-TOKEN-SECRET-in-broken-input-0000';
  let message = '';
  try {
    renderPlanSummary(`{"value": "${secret}"`, { source: 'plan.json' });
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toMatch(/plan\.json is not JSON\. Pass the output of `terraform show -json PLANFILE`/);
  expect(message).not.toContain(secret);
});

test('a malformed plan is refused naming the field, not its value', () => {
  const secret = 'FAKE-TOKEN-SECRET-malformed-1111';
  const text = JSON.stringify({ format_version: '1.2', resource_changes: [{ address: 'x', type: 'protector_token', change: { actions: secret } }] });
  expect(() => renderPlanSummary(text)).toThrow(/resource_changes\.0\.change\.actions/);
  try {
    renderPlanSummary(text);
  } catch (error) {
    expect((error as Error).message).not.toContain(secret);
  }
});

test('a secret that leaks into an attribute not marked sensitive is still scrubbed from the text', () => {
  // GIVEN a plan whose token value (marked sensitive on the token) also sits unmarked elsewhere
  const secret = 'FAKE-TOKEN-SECRET-unmarked-copy-5555';
  const plan = JSON.parse(fixture('rotation-due.json'));
  plan.resource_changes[1].change.before.value = secret;
  plan.resource_changes[2].change.before.note = secret;
  plan.resource_changes[2].change.after.note = 'other';
  // WHEN summarized
  const { output } = renderPlanSummary(JSON.stringify(plan));
  // THEN the changed attribute is reported, its old value is not
  expect(output).toContain(`note changed ("${REDACTED}" → "other")`);
  expect(output).not.toContain(secret);
});

test('a token file changed outside Terraform is planned for repair, and the summary says so', () => {
  // GIVEN a plan that rewrites a tampered token file (same token, content hash gone)
  const plan = JSON.parse(fixture('rotation-due.json'));
  plan.resource_changes = [plan.resource_changes[2]];
  const change = plan.resource_changes[0].change;
  change.before.content_sha256 = null;
  change.after = { ...change.before, content_sha256: undefined };
  change.after_unknown = { content_sha256: true };
  // WHEN summarized
  const { summary, output } = renderPlanSummary(JSON.stringify(plan));
  // THEN
  expect(summary.resources[0]).toMatchObject({
    action: 'update',
    reasons: ['the file is missing or was changed outside Terraform: it is rewritten'],
    tokenId: { before: 'tok_oldoldoldo', after: 'tok_oldoldoldo' },
  });
  expect(output).toContain('file:        /srv/protector/token');
});

/** A one-resource plan for the crafted cases below. */
function planOf(change: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ format_version: '1.2', resource_changes: [{ address: 'protector_token.app', type: 'protector_token', ...change }], ...extra });
}

test('a token removed with `removed { lifecycle { destroy = false } }` is forgotten: the summary says it stays active', () => {
  // GIVEN the action Terraform >= 1.7 plans for that block (it refused the whole plan before)
  const text = planOf({
    action_reason: 'delete_because_no_resource_config',
    change: { actions: ['forget'], before: { id: 'tok_forgotten1', fingerprint: 'sha256:aaaaaaaaaaaa' }, after: null },
  });
  // WHEN summarized
  const { summary, output } = renderPlanSummary(text);
  // THEN
  expect(summary.resources[0]).toMatchObject({ action: 'forget', tokenId: { before: 'tok_forgotten1' } });
  expect(summary.resources[0]!.warnings.join(' ')).toMatch(/stays active.*no longer rotates or revokes it/);
  expect(output).toContain('Rotation summary: 1 to forget.');
});

test('an action this summary does not know is shown as a warning, not refused or dropped', () => {
  const { summary, output } = renderPlanSummary(planOf({ change: { actions: ['frobnicate'], before: { id: 'tok_x' }, after: null } }));
  expect(summary.resources).toEqual([]);
  expect(output).toMatch(/WARNING: protector_token\.app: Terraform plans "frobnicate", which this summary does not know; read the full plan/);
});

test('the values of sensitive variables are scrubbed from the text, though the plan marks them only in the configuration', () => {
  // GIVEN a sensitive variable (Terraform writes its value unmarked in `variables` and as the default)
  // whose value ended up in an attribute not marked sensitive
  const secret = 'FAKE-VARIABLE-SECRET-6666';
  const text = planOf(
    { change: { actions: ['update'], before: { id: 'tok_a', note: secret }, after: { id: 'tok_a', note: 'other' }, before_sensitive: {}, after_sensitive: {} } },
    { variables: { api_secret: { value: secret } }, configuration: { root_module: { variables: { api_secret: { sensitive: true, default: secret } } } } },
  );
  // WHEN summarized, THEN
  for (const format of ['text', 'json'] as const) expect(renderPlanSummary(text, { format }).output).not.toContain(secret);
});

test('keepers sensitive as a whole: the reason says they changed, naming no key (keys of a sensitive map are sensitive too)', () => {
  const key = 'FAKE-KEY-SECRET-7777';
  const sensitiveKeepers = { before_sensitive: { keepers: true }, after_sensitive: { keepers: true } };
  const replaced = planOf({
    change: {
      actions: ['create', 'delete'],
      before: { id: 'tok_a', keepers: { [key]: 'one' } },
      after: { keepers: { [key]: 'two' } },
      after_unknown: { id: true },
      replace_paths: [['keepers', key]],
      ...sensitiveKeepers,
    },
  });
  const { summary, output } = renderPlanSummary(replaced);
  expect(summary.resources[0]!.reasons).toEqual([`keepers changed (${REDACTED})`]);
  expect(output).not.toContain(key);

  // AND an in-place change of such keepers is still reported as a keepers change (the masked values look equal)
  const updated = planOf({
    change: { actions: ['update'], before: { id: 'tok_a', keepers: { k: 'one' } }, after: { id: 'tok_a', keepers: { k: 'two' } }, ...sensitiveKeepers },
  });
  expect(renderPlanSummary(updated).summary.resources[0]!.reasons).toEqual([`keepers changed (${REDACTED})`]);
});

test('an action_reason Terraform does not document is not echoed unless it looks like one', () => {
  const secret = 'FAKE-REASON-SECRET-8888 with spaces';
  const { output } = renderPlanSummary(planOf({ action_reason: secret, change: { actions: ['delete'], before: { id: 'tok_a' }, after: null } }));
  expect(output).not.toContain('FAKE-REASON');
  expect(
    renderPlanSummary(planOf({ action_reason: 'replace_because_of_the_moon', change: { actions: ['delete'], before: { id: 'tok_a' }, after: null } })).output,
  ).toContain('replace because of the moon');
});

test('a token the refresh found gone (resource_drift delete) is created again for that reason, not as a new token', () => {
  const text = planOf(
    { change: { actions: ['create'], before: null, after: { connection_configuration_id: 'ccfg_a' }, after_unknown: { id: true } } },
    { resource_drift: [{ address: 'protector_token.app', type: 'protector_token', change: { actions: ['delete'], before: { id: 'tok_gone' }, after: null } }] },
  );
  expect(renderPlanSummary(text).summary.resources[0]).toMatchObject({ action: 'create', reasons: ['revoked or deleted outside Terraform: a new token is created'] });
});
