/**
 * The two readings of a plan that misled reviewers (issue 12), and the Markdown output for a pull
 * request comment. Plans are built here in the shape `terraform show -json` gives them, with fake
 * secrets ("SECRET") where Terraform puts real ones.
 */
import { renderPlanSummaries, renderPlanSummary } from '../../../src/plan-summary';

const VALUE = 'FAKE-TOKEN-SECRET-abcdefghijklmnopqrstuvwxyz0123';
const NEW_VALUE = 'FAKE-TOKEN-SECRET-zyxwvutsrqponmlkjihgfedcba9876';

function token(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'tok_livelivel1',
    connection_configuration_id: 'ccfg_aaaaaaaaaa',
    rotation_period: '30d',
    keepers: { generation: '1' },
    drain_timeout: '15m',
    require_drain: true,
    value: VALUE,
    fingerprint: 'sha256:111111111111',
    created_at: '2026-12-01T10:00:00Z',
    rotate_after: '2026-12-31T10:00:00Z',
    ...overrides,
  };
}

function plan(resourceChanges: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ format_version: '1.2', terraform_version: '1.11.4', resource_changes: resourceChanges, timestamp: '2026-12-02T10:00:00Z', ...extra });
}

/** A token whose earlier replacement timed out draining: the old token is deposed, the live one unchanged. */
const DEPOSED_PLAN = plan([
  {
    address: 'protector_token.app',
    mode: 'managed',
    type: 'protector_token',
    name: 'app',
    deposed: '8c3b1f2e',
    change: {
      actions: ['delete'],
      before: token({ id: 'tok_oldoldoldo', fingerprint: 'sha256:0123456789ab', drain_timeout: '2m', value: 'FAKE-OLD-SECRET-0987654321zyxwvutsrqponmlkji' }),
      after: null,
      after_unknown: {},
      before_sensitive: { value: true, keepers: {} },
      after_sensitive: false,
    },
  },
  {
    address: 'protector_token.app',
    mode: 'managed',
    type: 'protector_token',
    name: 'app',
    change: { actions: ['no-op'], before: token(), after: token(), after_unknown: {}, before_sensitive: { value: true }, after_sensitive: { value: true } },
  },
]);

/** `every` shortened from 30d to 1m: the token is due under the new period, its stored rotate_after is still in the future. */
const SHORTENED_PLAN = plan([
  {
    address: 'protector_token.app',
    mode: 'managed',
    type: 'protector_token',
    name: 'app',
    change: {
      actions: ['create', 'delete'],
      before: token(),
      after: token({ rotation_period: '1m', id: null, value: null, fingerprint: null, created_at: null, rotate_after: null }),
      after_unknown: { id: true, value: true, fingerprint: true, created_at: true, rotate_after: true },
      before_sensitive: { value: true, keepers: {} },
      after_sensitive: { value: true, keepers: {} },
      replace_paths: [['rotate_after']],
    },
  },
]);

test('a deposed token is shown as retrying the revoke of the previous token, not as deleting the live one', () => {
  const { summary, output } = renderPlanSummary(DEPOSED_PLAN);
  expect(summary.resources).toHaveLength(1);
  expect(summary.resources[0]).toMatchObject({
    address: 'protector_token.app',
    deposed: '8c3b1f2e',
    reasons: ['retrying the revoke of the previous token tok_oldoldoldo (sha256:0123456789ab)'],
    drainTimeout: '2m',
  });
  expect(summary.counts.delete).toBe(0);
  expect(output).toContain('1 revoke of a previous token retried');
  expect(output).toMatch(/^revoke +protector_token\.app \(deposed 8c3b1f2e: the previous token, not the current one\)$/m);
  expect(output).not.toMatch(/delete +protector_token\.app/);
  expect(output).not.toContain('goes away');
  expect(output).not.toContain('SECRET');
});

test('after rotation_period is shortened, the reason is the new period and its past due date, not a future rotate_after', () => {
  const { summary, output } = renderPlanSummary(SHORTENED_PLAN);
  expect(summary.resources[0]!.reasons).toEqual(['rotation_period shortened ("30d" → "1m"): due since 2026-12-01T10:01:00.000Z']);
  expect(output).not.toContain('rotate_after passed (2026-12-31');
});

test('a token due under its old period says rotate_after passed, even when the period changed too', () => {
  const due = SHORTENED_PLAN.replace('"timestamp":"2026-12-02T10:00:00Z"', '"timestamp":"2027-01-05T00:00:00Z"');
  expect(renderPlanSummary(due).summary.resources[0]!.reasons).toEqual(['rotate_after passed (2026-12-31T10:00:00Z)']);
});

test('reasons are ordered by what forced the replacement: keepers before being due, a request first', () => {
  const both = JSON.parse(SHORTENED_PLAN) as { resource_changes: Array<{ action_reason?: string; change: { after: { keepers: unknown }; replace_paths: unknown[] } }> };
  const change = both.resource_changes[0]!;
  change.change.after.keepers = { generation: '2' };
  change.change.replace_paths = [['rotate_after'], ['keepers', 'generation']];
  expect(renderPlanSummary(JSON.stringify(both)).summary.resources[0]!.reasons).toEqual([
    'keepers changed (generation: "1" → "2")',
    'rotation_period shortened ("30d" → "1m"): due since 2026-12-01T10:01:00.000Z',
  ]);
  change.action_reason = 'replace_by_request';
  expect(renderPlanSummary(JSON.stringify(both)).summary.resources[0]!.reasons[0]).toBe('replacement requested (-replace)');
});

describe('markdown', () => {
  const ROTATION_PLAN = plan(
    [
      JSON.parse(SHORTENED_PLAN).resource_changes[0],
      {
        address: 'protector_token_file.app',
        mode: 'managed',
        type: 'protector_token_file',
        name: 'app',
        change: {
          actions: ['update'],
          before: { id: 'x', token_id: 'tok_livelivel1', fingerprint: 'sha256:111111111111', path: '/etc/protector/token', content_sha256: 'abc' },
          after: { id: 'x', token_id: null, fingerprint: null, path: '/etc/protector/token', content_sha256: null },
          after_unknown: { token_id: true, fingerprint: true, content_sha256: true },
          before_sensitive: {},
          after_sensitive: {},
        },
      },
    ],
    { variables: { leak: { value: NEW_VALUE } }, configuration: { root_module: { variables: { leak: { sensitive: true } } } } },
  );

  test('one section per plan with a table of rotations, the deposed retry, and a hidden marker', () => {
    const output = renderPlanSummaries(
      [
        { title: 'staging', json: ROTATION_PLAN, source: 'staging.json' },
        { title: 'production', json: DEPOSED_PLAN, source: 'production.json' },
      ],
      { format: 'markdown', marker: 'protector-plan-summary:edge' },
    );
    const lines = output.split('\n');
    expect(lines[0]).toBe('<!-- protector-plan-summary:edge -->');
    expect(output).toContain('### staging\n\n**1 to replace, 1 to update**');
    expect(output).toContain('| Token | Why | Fingerprint (old → new) | Drain timeout | Registrations that change |');
    expect(output).toContain(
      '| `protector_token.app` | rotation_period shortened ("30d" → "1m"): due since 2026-12-01T10:01:00.000Z | `sha256:111111111111` → (known after apply) | 15m | `protector_token_file.app` |',
    );
    expect(output).toContain('### production\n\n**1 revoke of a previous token retried**');
    expect(output).toContain(
      '- `protector_token.app`: retrying the revoke of the previous token tok_oldoldoldo (sha256:0123456789ab) (waits up to 2m for instances to move off it); the current token stays.',
    );
    expect(output).not.toContain('SECRET');
  });

  test('a pipe or HTML in a reason cannot break the table', () => {
    const tricky = SHORTENED_PLAN.replace('"generation":"1"', '"generation":"a|b<script>"').replace('[["rotate_after"]]', '[["keepers","generation"]]');
    const withKeepers = JSON.parse(tricky) as { resource_changes: Array<{ change: { after: { keepers: unknown } } }> };
    withKeepers.resource_changes[0]!.change.after.keepers = { generation: 'c' };
    const output = renderPlanSummaries([{ title: 't', json: JSON.stringify(withKeepers), source: 's' }], { format: 'markdown' });
    const row = output.split('\n').find((line) => line.startsWith('| `protector_token.app`'))!;
    expect(row).toContain('a\\|b&lt;script&gt;');
    expect(row.split(/(?<!\\)\|/).length).toBe(7);
  });
});
