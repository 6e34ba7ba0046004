import { RE2JS } from 're2js';
import { FirstlineError } from '../errors.js';
import { plainPattern } from './plainPattern.js';

/**
 * Regular expressions on RE2 (the `re2js` port): matching takes time linear in the input, whatever the
 * pattern, so `(a+)+$` cannot stall the process. The price is RE2's dialect: no backreferences and no
 * lookaround. Used for regexes in expressions, input `pattern`s and the http check's body pattern.
 */

const compiled = new Map<string, RE2JS>();
// What regexProblem said of each pattern ('' = none): validation asks again on every run of it.
const problems = new Map<string, string>();
const BACKREFERENCE = 'backreferences are not supported (patterns run on RE2, in linear time)';

function flagBits(flags: string): number {
  let bits = 0;
  if (flags.includes('i')) bits |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes('m')) bits |= RE2JS.MULTILINE;
  if (flags.includes('s')) bits |= RE2JS.DOTALL;
  return bits;
}

/**
 * Compiles a JavaScript-syntax pattern on RE2, remembered by pattern and flags. Throws E_REGEX naming
 * the pattern when RE2 cannot run it (a backreference, lookaround or bad syntax).
 */
export function compileLinear(pattern: string, flags = ''): RE2JS {
  const key = `${flags}/${pattern}`;
  let re = compiled.get(key);
  if (!re) {
    const problem = regexProblem(pattern);
    if (problem !== undefined)
      throw new FirstlineError('E_REGEX', `regular expression /${pattern}/ cannot be used: ${problem}`);
    re = RE2JS.compile(RE2JS.translateRegExp(pattern), flagBits(flags));
    if (compiled.size > 5_000) compiled.clear();
    compiled.set(key, re);
  }
  return re;
}

/**
 * Why RE2 cannot run a pattern written in JavaScript syntax (a backreference, lookaround, bad syntax),
 * as one plain phrase; undefined when it can.
 */
export function regexProblem(pattern: string): string | undefined {
  let problem = problems.get(pattern);
  if (problem === undefined) {
    problem = findRegexProblem(pattern) ?? '';
    if (problems.size > 5_000) problems.clear();
    problems.set(pattern, problem);
  }
  return problem === '' ? undefined : problem;
}

function findRegexProblem(pattern: string): string | undefined {
  // RE2's translation would read `\k<name>` as the literal `k<name>`: refuse it as what it is.
  if (/(?:^|[^\\])(?:\\\\)*\\k</.test(pattern)) return BACKREFERENCE;
  // The patterns playbooks write (`^i-[0-9a-f]{8,17}$`) are answered without RE2: its first compile
  // in a process costs a `validate` about 20 ms (its parser and Unicode tables warming up).
  if (plainPattern(pattern)) return undefined;
  return re2Problem(pattern);
}

/** What RE2 itself says of a pattern (the compile, uncached): undefined when it compiles. */
export function re2Problem(pattern: string): string | undefined {
  try {
    RE2JS.compile(RE2JS.translateRegExp(pattern));
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/\\[1-9]|\\k</.test(pattern) || /invalid escape sequence: `\\[1-9k]/.test(message))
      return BACKREFERENCE;
    if (/\(\?<?[=!]/.test(pattern))
      return 'lookahead and lookbehind are not supported (patterns run on RE2, in linear time)';
    return message.replace(/^error parsing regexp: /, '');
  }
}

/** True when a JavaScript-syntax pattern matches somewhere in the text, in linear time. */
export function linearTest(pattern: string, text: string, flags = ''): boolean {
  return compileLinear(pattern, flags).test(text);
}

/**
 * A `RegExp` look-alike on RE2 for JSONata's `RegexEngine` option: JSONata only constructs it from
 * its parsed regex literal, sets `lastIndex` and calls `exec`.
 */
export class LinearRegExp {
  /** Where the next `exec` starts (JSONata's regexes are global). */
  lastIndex = 0;
  /** The pattern as written. */
  readonly source: string;
  /** The flags as written (`i`, `m`, `g`). */
  readonly flags: string;
  private readonly re: RE2JS;

  constructor(pattern: RegExp | string, flags?: string) {
    this.source = typeof pattern === 'string' ? pattern : pattern.source;
    this.flags = flags ?? (typeof pattern === 'string' ? '' : pattern.flags);
    this.re = compileLinear(this.source, this.flags);
  }

  /** The next match from `lastIndex`, shaped like `RegExp.prototype.exec`'s; moves `lastIndex` past it. */
  exec(input: string): RegExpExecArray | null {
    if (this.lastIndex > input.length) {
      this.lastIndex = 0;
      return null;
    }
    const matcher = this.re.matcher(input);
    if (!matcher.find(this.lastIndex)) {
      this.lastIndex = 0;
      return null;
    }
    const groups: Array<string | undefined> = [];
    for (let i = 0; i <= matcher.groupCount(); i++) groups.push(matcher.group(i) ?? undefined);
    const result = Object.assign(groups, { index: matcher.start(), input }) as unknown as RegExpExecArray;
    this.lastIndex = matcher.end();
    return result;
  }
}

/**
 * An ajv `code.regExp` engine on RE2: ajv calls it with a schema's pattern and `u`, calls `test` on
 * what it returns, and keys its compiled patterns by their `toString()` — so that must differ per
 * pattern, as a RegExp's does (`/^a$/u`), or every pattern of a schema would test as its first.
 * Throws E_REGEX (so ajv's compile fails) for a pattern RE2 cannot run.
 */
export const linearRegExpEngine = Object.assign(
  (pattern: string, flags: string): { test: (text: string) => boolean; toString: () => string } => {
    const re = compileLinear(pattern, flags.replace('u', ''));
    return { test: (text) => re.test(text), toString: () => `/${pattern}/${flags}` };
  },
  { code: 'linearRegExpEngine' },
);
