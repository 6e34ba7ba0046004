// The conditions playbooks write most (`output.value < 90`, `steps.check.outcome = 'fail'`) compare a
// plain path with a literal. JSONata's evaluator is asynchronous and costs more than the rest of a
// step that reads its answer; these are answered here, exactly as JSONata answers them (a property test
// pins the two together), and anything this does not know for certain is left to JSONata, which then
// gives its own answer or its own error.

/** A plain path compared with a literal: `output.value < 90`, `steps.check.outcome != 'fail'`. */
export interface PlainCondition {
  /** The path's names, backquotes taken off. */
  path: string[];
  op: '=' | '!=' | '<' | '<=' | '>' | '>=';
  literal: string | number | boolean | null;
}

/** What {@link answerCondition} returns when JSONata must answer (a type error, a sequence, an inherited name). */
export const UNANSWERED: unique symbol = Symbol('unanswered');

// JSONata's own number literal (no leading zeros; a sign would be an operator), and strings without
// escapes. Names that are JSONata words (and, or, in, true, false, null) are left to it.
const NAME = '(?:[A-Za-z_]\\w*|`[^`]*`)';
const CONDITION = new RegExp(
  `^\\s*(${NAME}(?:\\.${NAME})*)\\s*(!=|<=|>=|=|<|>)\\s*` +
    `(?:((?:0|[1-9]\\d*)(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)|'([^'\\\\]*)'|"([^"\\\\]*)"|(true|false|null))\\s*$`,
);
const WORDS = new Set(['and', 'or', 'in', 'true', 'false', 'null']);

/** The plain comparison `expression` (already normalized) is, or null when it is anything else. */
export function plainCondition(expression: string): PlainCondition | null {
  const match = CONDITION.exec(expression);
  if (!match) return null;
  const path: string[] = [];
  for (const part of match[1]!.match(new RegExp(NAME, 'g'))!) {
    if (part.startsWith('`')) path.push(part.slice(1, -1));
    else if (WORDS.has(part)) return null;
    else path.push(part);
  }
  let literal: PlainCondition['literal'];
  if (match[3] !== undefined) {
    literal = Number(match[3]);
    if (!Number.isFinite(literal)) return null;
  } else if (match[4] !== undefined) literal = match[4];
  else if (match[5] !== undefined) literal = match[5];
  else literal = match[6] === 'null' ? null : match[6] === 'true';
  return { path, op: match[2] as PlainCondition['op'], literal };
}

/**
 * JSONata's answer to `condition` over `scope`, or {@link UNANSWERED}. As JSONata: a side that is not
 * there makes `=` and `!=` false and `<`, `<=`, `>`, `>=` undefined (evaluateExpression then says which
 * path is missing); `=` and `!=` compare without conversion; the others compare two numbers or two
 * strings (anything else is JSONata's type error: left to it).
 */
export function answerCondition(
  condition: PlainCondition,
  scope: object,
): boolean | undefined | typeof UNANSWERED {
  const value = read(scope, condition.path);
  if (value === UNANSWERED) return UNANSWERED;
  const { op, literal } = condition;
  if (op === '=' || op === '!=') {
    if (value === undefined) return false;
    return op === '=' ? value === literal : value !== literal;
  }
  const type = typeof literal;
  if (type !== 'number' && type !== 'string') return UNANSWERED;
  if (value === undefined) return undefined;
  if (typeof value !== type) return UNANSWERED;
  const [a, b] = [value as number | string, literal as number | string];
  return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
}

// A path read as JSONata reads it, for the cases where that is certain: objects all the way, own names
// (JSONata would also find an inherited one: left to it), a scalar or nothing at the end (a sequence,
// an object or a function: left to it).
function read(scope: object, path: readonly string[]): unknown {
  let value: unknown = scope;
  for (const name of path) {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) return UNANSWERED;
    if (!Object.hasOwn(value, name)) return name in value ? UNANSWERED : undefined;
    value = (value as Record<string, unknown>)[name];
  }
  if (value === null || value === undefined) return value;
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean' ? value : UNANSWERED;
}
