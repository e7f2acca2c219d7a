/** Usage rules of `status --check`'s options, checked before credentials or the network. */
import { parseDuration } from '../api/duration';

export interface CheckUsage {
  check?: boolean;
  dueWithin: string;
  state: string[];
  format?: string;
}

export function checkUsageProblem(flags: CheckUsage): string | undefined {
  if (!flags.check) {
    if (flags.state.length > 0 || flags.format !== undefined || flags.dueWithin !== '14d') {
      return '--state, --format and --due-within only apply with --check.';
    }
    return undefined;
  }
  if (parseDuration(flags.dueWithin) === undefined) return `--due-within ${JSON.stringify(flags.dueWithin)} is not a duration; use one such as "14d", "36h" or "0s".`;
  if (flags.format !== undefined && !['text', 'json', 'markdown'].includes(flags.format)) return `--format ${flags.format} is not supported; use text, json or markdown.`;
  return undefined;
}
