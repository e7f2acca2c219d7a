/**
 * Path globs for the fault plan's `pathPattern`: `*` matches any characters within one path
 * segment, `**` any characters across segments, everything else itself; the whole path must
 * match. Matching simulates the pattern as a set of positions, one pass over the path: time is
 * bounded by path length x pattern length whatever the input, unlike a backtracking regex.
 */

type GlobToken = { kind: 'char'; char: string } | { kind: 'star' } | { kind: 'globstar' };

export type PathMatcher = (path: string) => boolean;

export function compileGlob(pattern: string): PathMatcher {
  const tokens = tokenize(pattern);
  return (path) => matches(tokens, path);
}

function tokenize(pattern: string): GlobToken[] {
  const tokens: GlobToken[] = [];
  for (let i = 0; i < pattern.length; i += 1) {
    if (pattern[i] !== '*') {
      tokens.push({ kind: 'char', char: pattern[i] });
      continue;
    }
    let run = 1;
    while (pattern[i + run] === '*') run += 1;
    tokens.push({ kind: run >= 2 ? 'globstar' : 'star' });
    i += run - 1;
  }
  return tokens;
}

function matches(tokens: readonly GlobToken[], path: string): boolean {
  let active = new Uint8Array(tokens.length + 1);
  let next = new Uint8Array(tokens.length + 1);
  active[0] = 1;
  closure(tokens, active);
  for (const char of path) {
    next.fill(0);
    let any = false;
    for (let i = 0; i < tokens.length; i += 1) {
      if (!active[i]) continue;
      const token = tokens[i];
      if (token.kind === 'char') {
        if (token.char === char) next[i + 1] = 1;
        else continue;
      } else if (token.kind === 'globstar' || char !== '/') {
        next[i] = 1;
      } else continue;
      any = true;
    }
    if (!any) return false;
    closure(tokens, next);
    [active, next] = [next, active];
  }
  return active[tokens.length] === 1;
}

/** A star may match nothing: the position after it is reachable too. */
function closure(tokens: readonly GlobToken[], positions: Uint8Array): void {
  for (let i = 0; i < tokens.length; i += 1) {
    if (positions[i] && tokens[i].kind !== 'char') positions[i + 1] = 1;
  }
}
