// Globs in routes (server, Lambda) and known_hosts patterns: `*` is any run of characters, `?` one
// character (when asked for), everything else literal. Matched by a two-pointer walk that remembers
// only the last `*`, so a pattern with many stars against a long value costs at most
// pattern × value steps — a RegExp built from the glob (`.*.*.*…`) backtracks far worse.

/** Options of {@link globMatch}. */
export interface GlobOptions {
  /** Treat `?` as any one character (known_hosts); otherwise it is literal. */
  question?: boolean;
}

/** True when all of `value` matches `glob` (`*` any run of characters, possibly none). */
export function globMatch(glob: string, value: string, options: GlobOptions = {}): boolean {
  const one = (g: number, v: number) =>
    glob[g] === value[v] || (options.question === true && glob[g] === '?');
  let g = 0;
  let v = 0;
  let star = -1;
  let resumeAt = 0;
  while (v < value.length) {
    if (g < glob.length && glob[g] === '*') {
      star = g++;
      resumeAt = v;
    } else if (g < glob.length && one(g, v)) {
      g++;
      v++;
    } else if (star >= 0) {
      // Let the last star take one more character, and try the rest of the glob from there.
      g = star + 1;
      v = ++resumeAt;
    } else return false;
  }
  while (g < glob.length && glob[g] === '*') g++;
  return g === glob.length;
}
