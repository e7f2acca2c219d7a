/**
 * The demo's setting: two environments of one reverse-proxy service with different rotation
 * policies. Staging rotates on a demo-sized period; production rotates on demand through a
 * `keepers` change in the policies file.
 */
import { writeFileSync } from 'node:fs';
import type { RotationPolicySpec } from '../../constructs';

export const INSTANCES_PER_ENVIRONMENT = 3;
export const HEARTBEAT_INTERVAL_MS = 250;
export const STAGING_PERIOD = '20s';
export const PRODUCTION_PERIOD = '90d';

export function initialPolicies(): Record<string, RotationPolicySpec> {
  return {
    staging: { every: STAGING_PERIOD, drainTimeout: '30s' },
    production: { every: PRODUCTION_PERIOD, drainTimeout: '30s', keepers: { rotation: 'initial' } },
  };
}

/** Production's on-demand rotation: a new `keepers` value, as a reviewer would see it in a pull request. */
export function policiesAfterOnDemandRotation(): Record<string, RotationPolicySpec> {
  const policies = initialPolicies();
  return { ...policies, production: { ...policies.production!, keepers: { rotation: 'suspected-leak-2026-03' } } };
}

export function writePolicies(file: string, policies: Record<string, RotationPolicySpec>): void {
  writeFileSync(file, `${JSON.stringify(policies, null, 2)}\n`);
}
