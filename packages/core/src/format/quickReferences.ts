// The references of the expressions playbooks write most, read without JSONata: `output.value < 90`,
// `steps.check.outcome = 'fail'`, `$count(run.inconclusive.remediations) = 0 ? 'a' : 'b'`. JSONata's
// module start-up alone (its date-time tables) costs a cold `validate` about 3 ms; a playbook whose
// expressions are all of this kind never loads it. The grammar is a strict subset of JSONata's: plain
// names joined by dots, number, string (no escapes) and true/false/null literals, calls of a `$name`,
// parentheses, the binary operators below and `? :`. Whatever else, or anything this is not sure of,
// is undefined: JSONata then parses it, with its own errors and positions. In this subset JSONata's
// syntax tree lists paths in source order whatever the precedence, so the references are the paths as
// they come, each at its first name's offset (what expressions.ts's `collect` gives). A property test
// (quickReferences.test.ts) pins the two together.
import type { ExpressionReference } from './expressions.js';

// JSONata's whitespace, and the characters that end a name (its single-character operators).
const SPACE = ' \t\n\r\v';
const STOPS = '.[]{}(),@#;:?+-*/%|=<>^&!~';
const BINARY = new Set(['=', '!=', '<', '<=', '>', '>=', '&', '+', '-', '*', '%', 'and', 'or', 'in']);
// JSONata's number literal (a sign is an operator, read before numbers).
const NUMBER = /^-?(0|([1-9][0-9]*))(\.[0-9]+)?([Ee][-+]?[0-9]+)?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Deeper nesting than this is left to JSONata (its own recursion, its own limits).
const MAX_DEPTH = 32;

interface Token {
  kind: 'name' | 'variable' | 'literal' | 'op';
  text: string;
  start: number;
}

/**
 * The references JSONata's parse of `expression` (already normalized) would give, offsets in
 * `expression`, when it is in the subset read here; undefined for anything else (then ask JSONata).
 */
export function quickReferences(expression: string): ExpressionReference[] | undefined {
  const tokens = tokenize(expression);
  if (!tokens) return undefined;
  const references: ExpressionReference[] = [];
  let at = 0;
  const isOp = (token: Token | undefined, text: string) => token?.kind === 'op' && token.text === text;
  const take = (text: string): boolean => {
    if (!isOp(tokens[at], text)) return false;
    at++;
    return true;
  };
  // Each reader returns false when the tokens are not (or not surely) what it reads.
  const expr = (depth: number): boolean => {
    if (depth > MAX_DEPTH || !operand(depth)) return false;
    for (let token = tokens[at]; token?.kind === 'op' && BINARY.has(token.text); token = tokens[at]) {
      at++;
      if (!operand(depth)) return false;
    }
    if (!take('?')) return true;
    if (!expr(depth + 1)) return false;
    return !take(':') || expr(depth + 1);
  };
  const list = (depth: number): boolean => {
    // A call's arguments: `$count(…)` has none or expressions separated by commas.
    if (take(')')) return true;
    do if (!expr(depth + 1)) return false;
    while (take(','));
    return take(')');
  };
  const operand = (depth: number): boolean => {
    const token = tokens[at++];
    if (!token) return false;
    if (token.kind === 'literal') return true;
    if (token.kind === 'name') {
      const path: string[] = [];
      while (isOp(tokens[at], '.')) {
        const step = tokens[at + 1];
        if (step?.kind !== 'name') return false;
        path.push(step.text);
        at += 2;
      }
      references.push({ root: token.text, path, offset: token.start });
      return true;
    }
    // Only a call of a variable (`$count(…)`): its arguments are read from the scope like any operand.
    if (token.kind === 'variable') return take('(') && list(depth);
    return token.text === '(' && expr(depth + 1) && take(')');
  };
  return expr(0) && at === tokens.length ? references : undefined;
}

// JSONata's tokenizer, in its order, for the tokens of the subset; undefined at any other.
function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  let i = 0;
  for (;;) {
    while (i < text.length && SPACE.includes(text[i]!)) i++;
    if (i >= text.length) return tokens;
    const start = i;
    const ch = text[i]!;
    const two = text.slice(i, i + 2);
    // Comments and regexes (`/`), and the two-character operators outside the subset.
    if (ch === '/' || ['..', ':=', '**', '~>', '?:', '??'].includes(two)) return undefined;
    if (two === '!=' || two === '>=' || two === '<=') {
      tokens.push({ kind: 'op', text: two, start });
      i += 2;
      continue;
    }
    if (STOPS.includes(ch)) {
      if (!'(),?:+-*%=<>&.'.includes(ch)) return undefined;
      tokens.push({ kind: 'op', text: ch, start });
      i++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const end = text.indexOf(ch, i + 1);
      // No escapes: JSONata's own reading of those (and their errors) is left to it.
      if (end < 0 || text.slice(i + 1, end).includes('\\')) return undefined;
      tokens.push({ kind: 'literal', text: text.slice(i, end + 1), start });
      i = end + 1;
      continue;
    }
    const number = NUMBER.exec(text.slice(i));
    if (number) {
      if (!Number.isFinite(parseFloat(number[0]))) return undefined;
      tokens.push({ kind: 'literal', text: number[0], start });
      i += number[0].length;
      continue;
    }
    if (ch === '`') return undefined;
    let end = i;
    while (end < text.length && !SPACE.includes(text[end]!) && !STOPS.includes(text[end]!)) end++;
    const word = text.slice(i, end);
    i = end;
    const token = wordToken(word, start);
    if (!token) return undefined;
    tokens.push(token);
  }
}

// A name-like word as JSONata reads it: a variable, an operator, a literal or a plain name.
function wordToken(word: string, start: number): Token | undefined {
  if (word.startsWith('$'))
    return NAME.test(word.slice(1)) ? { kind: 'variable', text: word.slice(1), start } : undefined;
  if (word === 'and' || word === 'or' || word === 'in') return { kind: 'op', text: word, start };
  if (word === 'true' || word === 'false' || word === 'null') return { kind: 'literal', text: word, start };
  return NAME.test(word) && word !== 'function' ? { kind: 'name', text: word, start } : undefined;
}
