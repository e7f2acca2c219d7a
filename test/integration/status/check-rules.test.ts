/** The rules of `status --check` on given API answers: what counts as a finding, and what does not. */
import type { Instance, Token } from '../../../src/api/schemas';
import { checkStatus } from '../../../src/status/check';
import type { ConfigurationStatus } from '../../../src/status/collect';
import type { ManagedToken } from '../../../src/status/managed-tokens';

const NOW = new Date('2026-12-02T12:00:00Z');
const DAY = 86_400_000;
const CONFIG = 'ccfg_aaaaaaaaaa';

function token(id: string, createdDaysAgo: number, status: 'ACTIVE' | 'REVOKED' = 'ACTIVE'): Token {
  return {
    tokenId: id,
    connectionConfigurationId: CONFIG,
    status,
    fingerprint: `sha256:${id.slice(-12).padStart(12, '0')}`,
    deploymentType: 'REVERSE_PROXY',
    createdAt: new Date(NOW.getTime() - createdDaysAgo * DAY).toISOString(),
  };
}

function instance(id: string, tokenId: string, secondsAgo: number): Instance {
  return {
    instanceId: id,
    tokenId,
    tokenFingerprint: 'sha256:000000000000',
    version: '1',
    lastHeartbeatAt: new Date(NOW.getTime() - secondsAgo * 1000).toISOString(),
    status: 'GOOD',
  };
}

function status(active: Token[], revoked: Token[] = [], instances: Instance[] = []): ConfigurationStatus[] {
  const configuration = { connectionConfigurationId: CONFIG, name: 'edge', deploymentType: 'REVERSE_PROXY' } as unknown as ConfigurationStatus['configuration'];
  return [{ configuration, tokens: { active, revoked }, instances }];
}

function managed(tokenId: string, rotateAfterDays: number | undefined, deposed = false): ManagedToken {
  return {
    address: 'protector_token.app',
    source: 'stacks/prod',
    tokenId,
    configurationId: CONFIG,
    deposed,
    ...(rotateAfterDays !== undefined && { rotateAfter: new Date(NOW.getTime() + rotateAfterDays * DAY).toISOString() }),
  };
}

const kinds = (findings: ReturnType<typeof checkStatus>) => findings.map((f) => f.kind);

test('without state, only the yearly maximum age makes a token due', () => {
  expect(kinds(checkStatus(status([token('tok_aaaaaaaaaa', 100)]), { now: NOW, dueWithinMs: 14 * DAY }))).toEqual([]);
  expect(kinds(checkStatus(status([token('tok_aaaaaaaaaa', 355)]), { now: NOW, dueWithinMs: 14 * DAY }))).toEqual(['DUE_SOON']);
  expect(kinds(checkStatus(status([token('tok_aaaaaaaaaa', 366)]), { now: NOW, dueWithinMs: 14 * DAY }))).toEqual(['OVERDUE']);
});

test('a managed token without rotation_period is never due; the previous token of a pending revoke is not reported as due or unmanaged', () => {
  expect(kinds(checkStatus(status([token('tok_aaaaaaaaaa', 400)]), { now: NOW, dueWithinMs: 14 * DAY, managed: [managed('tok_aaaaaaaaaa', undefined)] }))).toEqual([]);
  const findings = checkStatus(status([token('tok_oldoldoldo', 400), token('tok_newnewnewn', 1)]), {
    now: NOW,
    dueWithinMs: 14 * DAY,
    managed: [managed('tok_oldoldoldo', -300, true), managed('tok_newnewnewn', 89)],
  });
  expect(kinds(findings)).toEqual(['AT_CAP']);
  expect(findings[0]!.message).toMatch(/tok_oldoldoldo is the previous token of protector_token\.app, whose revoke did not finish/);
});

test('instances: only those seen within the hour, and only on a revoked or older token', () => {
  const active = [token('tok_newnewnewn', 1)];
  const revoked = [token('tok_oldoldoldo', 90, 'REVOKED')];
  const instances = [instance('on-new', 'tok_newnewnewn', 5), instance('on-revoked', 'tok_oldoldoldo', 120), instance('gone-long-ago', 'tok_oldoldoldo', 2 * 3600)];
  const findings = checkStatus(status(active, revoked, instances), { now: NOW, dueWithinMs: 0 });
  expect(findings.map((f) => [f.kind, f.instanceId])).toEqual([['STALE_INSTANCE', 'on-revoked']]);
  expect(findings[0]!.message).toMatch(/still uses revoked token tok_oldoldoldo .*: it cannot authenticate/);
});
