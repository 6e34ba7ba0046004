// A recognizer for the plain regular expressions playbooks write (`^i-[0-9a-f]{8,17}$`,
// `^https?://[^\s]+$`): a subset of JavaScript's syntax that RE2 accepts as it is, so asking whether
// RE2 can run one needs no RE2 compile. It only says yes for what it fully understands; anything else
// (lookaround, backreferences, named groups, flags groups, \b, Unicode escapes, counted repeats of
// groups, repeats over RE2's limit of 1000) is left to RE2 itself. linearRegex.test.ts checks its
// answers against RE2's on generated patterns.

/** Characters that mean something outside a class; every other printable ASCII character is literal. */
const META = new Set(['\\', '^', '$', '.', '|', '?', '*', '+', '(', ')', '[', ']', '{', '}']);
/** Escapes standing for a class of characters. */
const CLASS_ESCAPES = new Set(['d', 'D', 'w', 'W', 's', 'S']);
/** RE2's largest repeat count. */
const MAX_REPEAT = 1000;
const MAX_LENGTH = 1000;

/**
 * True when `pattern` is in the plain subset RE2 surely compiles: literals, `.`, `^`, `$`, `\d \w \s`
 * (and their negations), escaped punctuation, classes of literals, ranges and those escapes, groups
 * `( )` and `(?: )`, alternation, and the quantifiers `* + ? {n} {n,} {n,m}` (lazy or not, counted
 * ones not on groups). False says nothing: the pattern may still be fine.
 */
export function plainPattern(pattern: string): boolean {
  if (pattern.length > MAX_LENGTH) return false;
  const reader = { at: 0 };
  return alternation(pattern, reader, 0) && reader.at === pattern.length;
}

interface Reader {
  at: number;
}

function printable(ch: string | undefined): ch is string {
  return ch !== undefined && ch >= ' ' && ch <= '~';
}

function alternation(p: string, r: Reader, depth: number): boolean {
  for (;;) {
    if (!sequence(p, r, depth)) return false;
    if (p[r.at] !== '|') return true;
    r.at++;
  }
}

function sequence(p: string, r: Reader, depth: number): boolean {
  while (r.at < p.length && p[r.at] !== '|' && p[r.at] !== ')') {
    const ch = p[r.at];
    if (ch === '^' || ch === '$') {
      r.at++;
      continue;
    }
    const group = ch === '(';
    if (!atom(p, r, depth)) return false;
    if (!quantifier(p, r, group)) return false;
  }
  return true;
}

function atom(p: string, r: Reader, depth: number): boolean {
  const ch = p[r.at];
  if (ch === '.') {
    r.at++;
    return true;
  }
  if (ch === '\\') return escape(p, r);
  if (ch === '[') return charClass(p, r);
  if (ch === '(') {
    if (depth >= 20) return false;
    r.at++;
    if (p.startsWith('?:', r.at)) r.at += 2;
    else if (p[r.at] === '?') return false;
    if (!alternation(p, r, depth + 1) || p[r.at] !== ')') return false;
    r.at++;
    return true;
  }
  if (!printable(ch) || META.has(ch)) return false;
  r.at++;
  return true;
}

/** `\d`-style classes and escaped punctuation (`\.`, `\/`, `\-`…); no letters or digits otherwise. */
function escape(p: string, r: Reader): boolean {
  const next = p[r.at + 1];
  if (next === undefined) return false;
  if (!CLASS_ESCAPES.has(next) && !(printable(next) && /[!-/:-@[-`{-~]/.test(next))) return false;
  r.at += 2;
  return true;
}

function charClass(p: string, r: Reader): boolean {
  r.at++;
  if (p[r.at] === '^') r.at++;
  let items = 0;
  while (p[r.at] !== ']') {
    const ch = p[r.at];
    if (ch === '\\') {
      if (!escape(p, r)) return false;
      items++;
      continue;
    }
    // `-` only last (a literal); `[` and `^` inside a class are left to RE2.
    if (ch === '-' && p[r.at + 1] === ']' && items > 0) {
      r.at++;
      items++;
      continue;
    }
    if (!printable(ch) || ch === '[' || ch === '^' || ch === '-') return false;
    if (p[r.at + 1] === '-' && p[r.at + 2] !== ']') {
      const to = p[r.at + 2];
      if (!rangeEnd(ch) || !rangeEnd(to) || kind(ch) !== kind(to) || to < ch) return false;
      r.at += 3;
    } else r.at++;
    items++;
  }
  r.at++;
  return items > 0;
}

function rangeEnd(ch: string | undefined): ch is string {
  return ch !== undefined && /[0-9A-Za-z]/.test(ch);
}

function kind(ch: string): 'digit' | 'upper' | 'lower' {
  return ch <= '9' ? 'digit' : ch <= 'Z' ? 'upper' : 'lower';
}

function quantifier(p: string, r: Reader, onGroup: boolean): boolean {
  const ch = p[r.at];
  if (ch === '*' || ch === '+' || ch === '?') r.at++;
  else if (ch === '{') {
    if (onGroup) return false;
    const counted = /^\{(\d{1,4})(,(\d{0,4}))?\}/.exec(p.slice(r.at));
    if (!counted) return false;
    const min = Number(counted[1]);
    const max = counted[3] ? Number(counted[3]) : min;
    if (min > MAX_REPEAT || max > MAX_REPEAT || max < min) return false;
    r.at += counted[0].length;
  } else return true;
  if (p[r.at] === '?') r.at++;
  // Two quantifiers in a row (`a**`, `a+*`) are left to RE2 (which refuses them).
  const after = p[r.at];
  return after !== '*' && after !== '+' && after !== '?' && after !== '{';
}
