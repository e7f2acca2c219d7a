/**
 * "Proof, not promise" helpers: every token value an emulator ever generated (read from its saved
 * state, test-side knowledge only: never printed), and where any of them occurs in a set of
 * collected artifacts (state files, plan JSON, logs...). Findings name the artifact and the
 * token's fingerprint, never the value.
 */
import { execFileSync } from 'node:child_process';
import { fingerprintOf } from '../../src/api/fingerprint';
import { loadState } from '../../src/emulator/persistence';

/**
 * Adds every token value in the emulator's data directory (active and revoked, initial ones
 * included) to `values`. The emulator keeps only the 3 most recently revoked tokens of a
 * configuration, so call it after every step; `generated` is how many tokens it ever made, to
 * check that `values` missed none.
 */
export function collectTokenValues(dataDir: string, values: Set<string>): { generated: number | undefined } {
  const state = loadState(dataDir);
  if (!state) return { generated: undefined }; // nothing saved yet
  for (const token of state.tokens) values.add(token.value);
  const generated = (state as { tokensGenerated?: number }).tokensGenerated;
  return { generated };
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

/** One entry of Terraform's text log (hclog): its level, the logger (a provider's, or none for Terraform itself), the message. */
export interface LogEntry {
  text: string;
  level: string;
  /** e.g. `provider.terraform-provider-aws_v5.100.0_x5`; '' for Terraform's own lines. */
  logger: string;
  message: string;
}

const ENTRY_START = /\n(?=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d) \[[A-Z]+\] )/;
const ENTRY_HEADER = /^\S+ \[([A-Z]+)\] (?:((?:provider|plugin)[\w.-]*): )?([^:]*)/;

/** Terraform's output under TF_LOG split into entries: an entry runs from its timestamp to the next (a logged body spans lines). */
export function logEntries(output: string): LogEntry[] {
  return output.split(ENTRY_START).map((text) => {
    const [, level = '', logger = '', message = ''] = ENTRY_HEADER.exec(text) ?? [];
    return { text, level, logger, message: message.trim() };
  });
}
