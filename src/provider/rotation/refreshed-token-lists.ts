/**
 * The token list a refresh of `protector_token` read, handed to the plan-time checks of the same
 * resource in the same provider process: Terraform refreshes an object and plans it right after,
 * so reading the list again for the plan's hints (another active token, the only active token)
 * would cost a second request per resource and tell nothing new.
 *
 * Only plan-time hints use it, never a step that changes anything (generate, revoke: those always
 * read afresh). Each list serves one plan (it is taken, not peeked) and only shortly after it was
 * read, so a long-lived process never plans from an old answer.
 */
import type { TokenList } from '../../api/schemas';

/** Longer than Terraform takes from refreshing an object to planning it, short enough to be "now". */
const MAX_AGE_MS = 30_000;

export class RefreshedTokenLists {
  readonly #lists = new Map<string, { list: TokenList; readAtMs: number }>();

  constructor(private readonly nowMs: () => number = () => performance.now()) {}

  /** After a refresh found `tokenId` active in `list`. */
  remember(configId: string, tokenId: string, list: TokenList): void {
    const now = this.nowMs();
    // Oldest first (insertion order): lists no plan took (a refresh-only run) do not pile up.
    for (const [key, entry] of this.#lists) {
      if (now - entry.readAtMs <= MAX_AGE_MS) break;
      this.#lists.delete(key);
    }
    const key = keyOf(configId, tokenId);
    this.#lists.delete(key);
    this.#lists.set(key, { list, readAtMs: now });
  }

  /** The list the refresh of `tokenId` read just before, once; undefined when there is none (read afresh). */
  take(configId: string, tokenId: string): TokenList | undefined {
    const key = keyOf(configId, tokenId);
    const entry = this.#lists.get(key);
    if (entry === undefined) return undefined;
    this.#lists.delete(key);
    return this.nowMs() - entry.readAtMs <= MAX_AGE_MS ? entry.list : undefined;
  }
}

function keyOf(configId: string, tokenId: string): string {
  return `${configId}/${tokenId}`;
}
