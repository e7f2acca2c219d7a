/**
 * The request path as the log and a problem's `instance` show it. A path is chosen by the
 * client, and a misplaced secret (a token value pasted where a token id goes) must not come
 * back: a segment long enough to be a token value (32 characters or more) that is not one of
 * the contract's ids is shown as `{redacted}`.
 */
import { ConnectionConfigurationIdSchema, TokenIdSchema } from '../api/schemas';

const SHORTEST_SECRET = 32;

export function displayPath(pathname: string): string {
  return pathname
    .split('/')
    .map((segment) =>
      segment.length < SHORTEST_SECRET || ConnectionConfigurationIdSchema.safeParse(segment).success || TokenIdSchema.safeParse(segment).success ? segment : '{redacted}',
    )
    .join('/');
}
