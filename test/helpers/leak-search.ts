/**
 * "Proof, not promise" helpers: every token value an emulator ever generated (read from its saved
 * state, test-side knowledge only: never printed), and where any of them occurs in a set of
 * collected artifacts (state files, plan JSON, logs...). Findings name the artifact and the
 * token's fingerprint, never the value.
 */
import { execFileSync } from 'node:child_process';
import { fingerprintOf } from '../../src/api/fingerprint';
import { loadState } from '../../src/emulator/persistence';

/** Every token value in the emulator's data directory: active and revoked, initial ones included. */
export function tokenValuesEverGenerated(dataDir: string): string[] {
  const state = loadState(dataDir);
  if (!state) throw new Error(`the emulator saved no state in ${dataDir}`);
  return state.tokens.map((token) => token.value);
}

/** A saved plan (a zip) as text: every entry's bytes, so msgpack strings are searchable too. */
export function unzippedPlanFile(file: string): string {
  return execFileSync('unzip', ['-p', file], { maxBuffer: 256 * 1024 * 1024 }).toString('latin1');
}

export interface Finding {
  artifact: string;
  fingerprint: string;
  occurrences: number;
}

/** Each (artifact, token) pair in which the token's value occurs, with how often. */
export function findTokenValues(values: readonly string[], artifacts: Readonly<Record<string, string>>): Finding[] {
  const findings: Finding[] = [];
  for (const [artifact, text] of Object.entries(artifacts)) {
    for (const value of values) {
      const occurrences = text.split(value).length - 1;
      if (occurrences > 0) findings.push({ artifact, fingerprint: fingerprintOf(value), occurrences });
    }
  }
  return findings;
}
