/**
 * Turns things that may carry secrets (server text, transport errors, schema failures) into
 * descriptions that are safe for messages, logs and debug dumps. The rule it serves: a token
 * value or an EdgeGrid secret never leaves the client inside an error or a log event.
 */
import type { core } from 'zod';
import { redactSecrets } from '../secrets';

export { redactSecrets };

export interface TransportFailure {
  /** Node/axios error code, e.g. `ECONNRESET`; `UNKNOWN` when there is none. */
  code: string;
  /** A short value-free description, e.g. `ECONNRESET (socket hang up)`. */
  summary: string;
}

/**
 * Describes a failed request without keeping the error: an AxiosError holds the request config
 * (headers with credentials, the body with token values) and must not be attached to anything.
 */
export function describeTransportFailure(error: unknown): TransportFailure {
  const raw = error as { code?: unknown; message?: unknown } | undefined;
  const code = typeof raw?.code === 'string' ? raw.code : 'UNKNOWN';
  const message = typeof raw?.message === 'string' ? raw.message : '';
  // Only well-known, payload-free phrases are kept; anything else is reduced to its code.
  const known = /socket hang up|timeout of \d+ms exceeded|connect ECONNREFUSED [\d.:[\]a-f]+|read ECONNRESET|Network Error|aborted/i.exec(message);
  return { code, summary: known ? `${code} (${known[0]})` : code };
}

/** One value-free line per schema failure: where it is and what was expected. */
export function describeSchemaIssues(issues: readonly core.$ZodIssue[], limit = 5): string[] {
  const lines = issues.slice(0, limit).map((issue) => {
    const path = issue.path.length === 0 ? '(body)' : issue.path.map(String).join('.');
    return `${path}: ${issueExpectation(issue)}`;
  });
  if (issues.length > limit) lines.push(`... and ${issues.length - limit} more`);
  return lines;
}

function issueExpectation(issue: core.$ZodIssue): string {
  // Build the text from the issue's kind, not from the received input, so no value is echoed.
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      return `too small (minimum ${String(issue.minimum)})`;
    case 'too_big':
      return `too big (maximum ${String(issue.maximum)})`;
    case 'invalid_format':
      return issue.format === 'regex' ? `does not have the expected format (${issue.message})` : `expected a ${issue.format}`;
    case 'unrecognized_keys':
      return `unexpected field(s) ${issue.keys.join(', ')}`;
    case 'invalid_union':
      return 'matches none of the allowed shapes';
    default:
      return `invalid (${issue.code})`;
  }
}
