/**
 * The `terraform show -json` fixtures of the plan summary tests (test/fixtures/plans/), which hold
 * fake secrets (every one contains "SECRET") wherever Terraform puts real ones.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export const PLAN_FIXTURES = path.join(__dirname, '..', 'fixtures', 'plans');
export const fixture = (name: string) => readFileSync(path.join(PLAN_FIXTURES, name), 'utf8');

/** Every fake secret planted in a fixture. */
function plantedSecrets(text: string): string[] {
  const secrets = [...new Set(text.match(/FAKE-[A-Za-z0-9-]*SECRET[A-Za-z0-9-]*/g) ?? [])];
  expect(secrets.length).toBeGreaterThan(0);
  return secrets;
}

export function expectNoSecret(output: string, fixtureText: string): void {
  for (const secret of plantedSecrets(fixtureText)) {
    expect(output).not.toContain(secret);
    // Not even a recognisable part of one.
    expect(output).not.toContain(secret.slice(-12));
  }
}
