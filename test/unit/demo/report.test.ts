/**
 * The demo's invariants: the report flags every way a rotation can go wrong, so the demo exits
 * non-zero saying why instead of printing a happy report.
 */
import type { ActivityEvent, Token, TokenList } from '../../../src/api/schemas';
import { reportRotation, type RotationFacts } from '../../../src/demo/report';
import type { PlanSummary } from '../../../src/plan-summary';

const OLD = { id: 'tok_oldoldoldo1', fingerprint: 'sha256:000000000001' };
const NEW = { id: 'tok_newnewnewn2', fingerprint: 'sha256:000000000002' };
const CONFIG = 'ccfg_demodemode';

function token(ref: { id: string; fingerprint: string }, status: 'ACTIVE' | 'REVOKED'): Token {
  return {
    tokenId: ref.id,
    connectionConfigurationId: CONFIG,
    status,
    fingerprint: ref.fingerprint,
    deploymentType: 'REVERSE_PROXY',
    createdAt: '2026-03-01T10:00:00.000Z',
    ...(status === 'REVOKED' && { revokedAt: '2026-03-01T10:00:05.000Z', revokeReason: 'MANUAL' as const }),
  };
}

function event(type: ActivityEvent['type'], at: string, extra: Partial<ActivityEvent> = {}): ActivityEvent {
  return { eventId: `${type}-${at}-${extra.instanceId ?? ''}`, type, at: `2026-03-01T10:00:0${at}.000Z`, ...extra };
}

const plan: PlanSummary = {
  resources: [{ address: 'protector_token.t', type: 'protector_token', action: 'replace', reasons: ['rotate_after passed (x)'], warnings: [] }],
  counts: { create: 0, replace: 1, update: 0, delete: 0, forget: 0 },
  otherChanges: 0,
  complete: true,
  warnings: [],
};

/** A rotation that went right: both instances moved at 2 and 3 s, the old token revoked at 4 s. */
function goodFacts(): RotationFacts {
  const tokens: TokenList = { active: [token(NEW, 'ACTIVE')], revoked: [token(OLD, 'REVOKED')] };
  return {
    environment: 'staging',
    policy: 'every 20s',
    expectedReason: /rotate_after passed/,
    planSummary: plan,
    oldToken: OLD,
    newToken: NEW,
    instances: [
      { id: 'vm-1', heartbeats: 40, authFailures: 0, tokensUsed: [OLD.fingerprint, NEW.fingerprint] },
      { id: 'vm-2', heartbeats: 41, authFailures: 0, tokensUsed: [OLD.fingerprint, NEW.fingerprint] },
    ],
    tokens,
    activity: [
      event('TOKEN_GENERATED', '1', { tokenId: NEW.id }),
      event('INSTANCE_TOKEN_CHANGED', '2', { tokenId: NEW.id, instanceId: 'vm-1' }),
      event('INSTANCE_TOKEN_CHANGED', '3', { tokenId: NEW.id, instanceId: 'vm-2' }),
      event('TOKEN_REVOKED', '4', { tokenId: OLD.id }),
    ],
  };
}

test('a clean rotation has no violation and a report with the facts', () => {
  const report = reportRotation(goodFacts());
  expect(report.violations).toEqual([]);
  expect(report.text).toContain('revoked at 10:00:04.000 UTC, 3.0s after the new token was generated');
  expect(report.text).toMatch(/heartbeats +81 served, 0 authentication failures/);
  expect(report.text).toMatch(/active tokens +1/);
});

test('authentication failures, counted by instances or logged by the API, are violations', () => {
  const facts = goodFacts();
  facts.instances[1]!.authFailures = 2;
  facts.activity.push(event('AUTHENTICATION_FAILED', '5', { tokenId: OLD.id }));
  expect(reportRotation(facts).violations).toEqual(['instances counted 2 authentication failure(s)', 'the API logged 1 authentication failure(s)']);
});

test('a revoke before an instance moved is a violation naming the instance', () => {
  const facts = goodFacts();
  facts.activity[2] = event('INSTANCE_TOKEN_CHANGED', '6', { tokenId: NEW.id, instanceId: 'vm-2' });
  expect(reportRotation(facts).violations).toEqual([
    'instance vm-2 moved to the new token at 2026-03-01T10:00:06.000Z, after the old token was revoked at 2026-03-01T10:00:04.000Z',
  ]);
});

test('two active tokens, an unrevoked old token, or the wrong plan reason are violations', () => {
  const facts = goodFacts();
  facts.tokens = { active: [token(OLD, 'ACTIVE'), token(NEW, 'ACTIVE')], revoked: [] };
  facts.activity = facts.activity.filter((e) => e.type !== 'TOKEN_REVOKED');
  facts.expectedReason = /keepers changed/;
  expect(reportRotation(facts).violations).toEqual([
    'the plan gave the reason "rotate_after passed (x)", expected /keepers changed/',
    `the old token ${OLD.fingerprint} was not revoked`,
    `2 active tokens (${OLD.fingerprint}, ${NEW.fingerprint}), expected exactly 1`,
  ]);
});

test('an instance left on the old token is a violation', () => {
  const facts = goodFacts();
  facts.instances[0]!.tokensUsed = [OLD.fingerprint];
  facts.activity = facts.activity.filter((e) => e.instanceId !== 'vm-1');
  expect(reportRotation(facts).violations).toEqual([
    `instance vm-1 never heartbeated with the new token ${NEW.fingerprint}`,
    `instance vm-1 ended on ${OLD.fingerprint}, not the new token ${NEW.fingerprint}`,
  ]);
});
