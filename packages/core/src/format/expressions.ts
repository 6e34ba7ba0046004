import jsonata from 'jsonata';
import { LinearRegExp } from './linearRegex.js';
import { quickReferences } from './quickReferences.js';

/** The names an expression may start from, everywhere expressions are allowed. */
export const SCOPE_ROOTS = ['inputs', 'secrets', 'steps', 'trigger', 'run', 'name'] as const;
/** What `steps.<id>` exposes about a step that ran. */
export const STEP_FIELDS = ['output', 'outcome', 'attempts', 'visits', 'error'] as const;

/** A piece of a string value: literal text, or a `{{ }}` expression with its offset in the string. */
export type TemplatePart = { kind: 'text'; text: string } | { kind: 'expr'; source: string; offset: number };

/** A string value split into text and `{{ }}` expressions, or the offset and reason it cannot be split. */
export interface ParsedTemplate {
  /** The parts in order; a string with no `{{` is one text part. */
  parts: TemplatePart[];
  /** Set when a `{{` is never closed or an expression is empty. */
  error?: { offset: number; message: string };
}

/**
 * Splits a string into text and `{{ expression }}` parts. The closing `}}` is found with JSONata's
 * own braces and quotes in mind, so `{{ {"a": {"b": 1}} }}` is one expression.
 */
export function parseTemplate(value: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  let cursor = 0;
  for (;;) {
    const open = value.indexOf('{{', cursor);
    if (open < 0) break;
    if (open > cursor) parts.push({ kind: 'text', text: value.slice(cursor, open) });
    const close = findClose(value, open + 2);
    if (close < 0) return { parts, error: { offset: open, message: 'this `{{` is never closed with `}}`' } };
    const source = value.slice(open + 2, close);
    if (source.trim() === '')
      return { parts, error: { offset: open, message: '`{{ }}` holds no expression' } };
    parts.push({ kind: 'expr', source, offset: open + 2 });
    cursor = close + 2;
  }
  if (cursor < value.length || parts.length === 0) parts.push({ kind: 'text', text: value.slice(cursor) });
  return { parts };
}

function findClose(value: string, from: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = from; i < value.length; i++) {
    const ch = value[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if (ch === '{') depth++;
    else if (ch === '}') {
      if (depth === 0 && value[i + 1] === '}') return i;
      depth = Math.max(0, depth - 1);
    }
  }
  return -1;
}

/** True when a string holds at least one `{{`: its value is decided at run time. */
export function isTemplate(value: string): boolean {
  return value.includes('{{');
}

/**
 * Rewrites `steps['open-issue']` (a key lookup as people write it) into JSONata's own
 * steps.`open-issue`. In JSONata a string in brackets is a filter that is always true, so the
 * rewrite changes nothing a working expression could have meant.
 */
export function normalizeExpression(source: string): string {
  return normalizeMapped(source).text;
}

// The rewrite changes lengths, so it also maps each offset of the result back to the source:
// issues must point at the name as the author wrote it.
/** The normalized expression, with each of its characters' offset in the source as written. */
export function normalizeMapped(source: string): { text: string; origin: number[] } {
  let out = '';
  const origin: number[] = [];
  const emit = (text: string, at: number) => {
    out += text;
    for (let k = 0; k < text.length; k++) origin.push(at + k);
  };
  let quote: string | undefined;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i] as string;
    if (quote) {
      emit(ch, i);
      if (ch === '\\' && i + 1 < source.length) emit(source[i + 1] as string, ++i);
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '[') {
      const match = /^\[\s*(["'])((?:(?!\1)[^\\`]|\\.)*)\1\s*\]/.exec(source.slice(i));
      const before = out.trimEnd().at(-1);
      if (match && before !== undefined && /[\w`\])]/.test(before)) {
        const name = match[2] as string;
        const openQuote = i + match[0].indexOf(match[1] as string);
        out = out.trimEnd();
        origin.length = out.length;
        emit('.', i);
        emit('`', openQuote);
        emit(name, openQuote + 1);
        emit('`', openQuote + 1 + name.length);
        i += match[0].length - 1;
        continue;
      }
    }
    if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    emit(ch, i);
  }
  origin.push(source.length);
  return { text: out, origin };
}

/** A name an expression reads from its scope: `inputs.url` is root `inputs`, path `['url']`. */
export interface ExpressionReference {
  /** The first name, e.g. `inputs`, `steps`, `output`. */
  root: string;
  /** The names that follow, as far as they are plain field names. */
  path: string[];
  /** Offset of the root name in the expression as written (before {@link normalizeExpression}). */
  offset: number;
}

/** An expression that did not compile: JSONata's message and the offset it points at. */
export interface ExpressionSyntaxError {
  message: string;
  offset: number;
}

interface AstNode {
  type: string;
  value?: unknown;
  position?: number;
  steps?: AstNode[];
  stages?: AstNode[];
  expr?: AstNode;
  lhs?: AstNode | AstNode[][];
  rhs?: AstNode;
  expression?: AstNode;
  expressions?: AstNode[];
  arguments?: AstNode[];
  condition?: AstNode;
  then?: AstNode;
  else?: AstNode;
  pattern?: AstNode;
  update?: AstNode;
  delete?: AstNode;
}

const compiled = new Map<string, jsonata.Expression>();

/** Longest an expression may evaluate before it is stopped (JSONata checks it between steps). */
export const EXPRESSION_TIME_LIMIT_MS = 1000;
/** Deepest an expression may recurse before it is stopped. */
export const EXPRESSION_STACK_LIMIT = 300;

/** Caps on what one expression evaluation may build (see `runtime/boundedBuiltins`). */
export const EXPRESSION_LIMITS = {
  /** Longest string a built-in may return or a regex may search, in UTF-16 units. */
  stringLength: 1_000_000,
  /** Most items an array or sequence may hold. */
  arrayItems: 100_000,
  /** Total characters and items all built-in calls of one evaluation may produce. */
  budget: 10_000_000,
} as const;

/**
 * Compiles a JSONata expression (after {@link normalizeExpression}), caching by source; throws on bad
 * syntax. Its evaluations are stopped after {@link EXPRESSION_TIME_LIMIT_MS} or
 * {@link EXPRESSION_STACK_LIMIT} levels, sequences are capped and regexes run on RE2 (see
 * `boundedBuiltins` and `linearRegex`): a playbook's expression can never hang a run.
 */
export function compileExpression(source: string): jsonata.Expression {
  let expression = compiled.get(source);
  if (!expression) {
    expression = jsonata(normalizeExpression(source), {
      timeout: EXPRESSION_TIME_LIMIT_MS,
      stack: EXPRESSION_STACK_LIMIT,
      // No sequence (range, path result) over the array cap; regexes match in linear time.
      sequence: EXPRESSION_LIMITS.arrayItems,
      RegexEngine: LinearRegExp as unknown as RegExpConstructor,
    });
    if (compiled.size > 5_000) compiled.clear();
    compiled.set(source, expression);
  }
  return expression;
}

/** What {@link analyzeExpression} finds: the expression's references, or its syntax error. */
export type ExpressionAnalysis =
  { ok: true; references: ExpressionReference[] } | { ok: false; error: ExpressionSyntaxError };

/**
 * Compiles an expression for checking: its references, or the syntax error JSONata reports. Plain
 * paths and the plain forms `quickReferences` reads (`output.value < 90`, `$count(x) = 0 ? 'a' : 'b'`)
 * are answered without JSONata, exactly as {@link analyzeWithJsonata} would (property tests compare).
 */
export function analyzeExpression(source: string): ExpressionAnalysis {
  const plain = plainPath(source);
  if (plain) return { ok: true, references: [plain] };
  const { text, origin } = normalizeMapped(source);
  const quick = quickReferences(text);
  if (quick) return { ok: true, references: inSource(quick, origin) };
  return jsonataAnalysis(source, origin);
}

/**
 * {@link analyzeExpression} by JSONata's own parse, never a fast path: what the fast paths must give
 * (their property tests compare the two).
 */
export function analyzeWithJsonata(source: string): ExpressionAnalysis {
  return jsonataAnalysis(source, normalizeMapped(source).origin);
}

/** References found in the normalized text, their offsets mapped back to the source (`origin`). */
function inSource(references: ExpressionReference[], origin: number[]): ExpressionReference[] {
  return references.map((r) => ({ ...r, offset: sourceOffset(r.offset, origin) }));
}

/** An offset in the normalized text as an offset in the source it was made from. */
function sourceOffset(offset: number, origin: number[]): number {
  return origin[Math.min(Math.max(0, offset), origin.length - 1)] ?? offset;
}

/** {@link analyzeWithJsonata} with the source's normalized offsets already made. */
function jsonataAnalysis(source: string, origin: number[]): ExpressionAnalysis {
  let expression: jsonata.Expression;
  try {
    expression = compileExpression(source);
  } catch (error) {
    const e = error as { message?: string; position?: number };
    const message = String(e.message ?? error).replace(/\.$/, '');
    return { ok: false, error: { message, offset: sourceOffset((e.position ?? 1) - 1, origin) } };
  }
  const references: ExpressionReference[] = [];
  collect(expression.ast() as AstNode, references);
  return { ok: true, references: inSource(references, origin) };
}

// JSONata's words that are not names: operators and literals (`inputs.and` does not parse as a path).
const NOT_NAMES = new Set(['and', 'or', 'in', 'true', 'false', 'null', 'function']);
const PLAIN_PATH = /^(\s*)([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*$/;

/**
 * The one reference of an expression that is a plain dotted path (`inputs.instanceId`, most `{{ }}`
 * of a playbook), read without JSONata: what its parse would give (expressions.test.ts compares them),
 * for a fraction of the time a first parse costs a cold `validate`. Undefined for anything else.
 */
function plainPath(source: string): ExpressionReference | undefined {
  const match = PLAIN_PATH.exec(source);
  if (!match) return undefined;
  const names = [match[2] as string, ...(match[3] ? match[3].slice(1).split('.') : [])];
  if (names.some((name) => NOT_NAMES.has(name))) return undefined;
  const [root, ...path] = names as [string, ...string[]];
  return { root, path, offset: (match[1] as string).length };
}

/**
 * The names an expression splices into text with `&` at its top (`'i-' & inputs.suffix`): JSONata
 * reads a missing one as empty text, which a run must refuse like a `{{ }}` inside text. Only `&`
 * chains at the top (through parentheses) count: under a condition or a function the author may be
 * handling the absence. Empty for an expression that does not compile.
 */
export function concatenatedReferences(source: string): ExpressionReference[] {
  // No `&` anywhere, no `&` node in its syntax tree: nothing to find, and no JSONata parse to pay for
  // (a `when` that compares a path with a literal is answered without JSONata at run time).
  if (!source.includes('&')) return [];
  const analysis = analyzeExpression(source);
  if (!analysis.ok) return [];
  const { origin } = normalizeMapped(source);
  const out: ExpressionReference[] = [];
  const walk = (node: AstNode | undefined, inConcat: boolean): void => {
    if (!node) return;
    if (node.type === 'block' && node.expressions?.length === 1) return walk(node.expressions[0], inConcat);
    if (node.type === 'binary' && node.value === '&') {
      walk(node.lhs as AstNode, true);
      walk(node.rhs, true);
      return;
    }
    if (inConcat && (node.type === 'path' || node.type === 'name')) collect(node, out);
  };
  walk(compileExpression(source).ast() as AstNode, false);
  return inSource(out, origin);
}

function collect(node: AstNode | undefined, out: ExpressionReference[]): void {
  if (!node || typeof node !== 'object') return;
  switch (node.type) {
    case 'path': {
      const [first, ...rest] = node.steps ?? [];
      if (first?.type === 'name' && typeof first.value === 'string') {
        const path: string[] = [];
        if (!first.stages?.length) {
          for (const step of rest) {
            if (step.type !== 'name' || typeof step.value !== 'string') break;
            path.push(step.value);
            if (step.stages?.length) break;
          }
        }
        out.push({
          root: first.value,
          path,
          offset: (first.position ?? first.value.length) - first.value.length,
        });
      } else collect(first, out);
      // Later steps and filter predicates are relative to the path's own context, not the scope.
      return;
    }
    case 'name':
      if (typeof node.value === 'string')
        out.push({ root: node.value, path: [], offset: (node.position ?? 0) - node.value.length });
      return;
    case 'unary':
      if (Array.isArray(node.lhs)) for (const pair of node.lhs) for (const part of pair) collect(part, out);
      collect(node.expression, out);
      for (const e of node.expressions ?? []) collect(e, out);
      return;
    case 'binary':
    case 'apply':
    case 'bind':
      if (!Array.isArray(node.lhs)) collect(node.lhs, out);
      collect(node.rhs, out);
      return;
    case 'function':
    case 'partial':
      for (const arg of node.arguments ?? []) collect(arg, out);
      return;
    case 'condition':
      collect(node.condition, out);
      collect(node.then, out);
      collect(node.else, out);
      return;
    case 'block':
      for (const e of node.expressions ?? []) collect(e, out);
      return;
    case 'transform':
      collect(node.pattern, out);
      collect(node.update, out);
      collect(node.delete, out);
      return;
    default:
      return;
  }
}

/** What `run.<field>` exposes to expressions; `inconclusive` is set when a run ends `inconclusive`. */
export const RUN_FIELDS = [
  'id',
  'startedAt',
  'mode',
  'playbook',
  'outcome',
  'deadline',
  'inconclusive',
] as const;

/**
 * Every field a run's `trigger` can have, whatever its kind (the shapes `classifyTrigger` in
 * `@firstline/actions-aws/triggers` gives): anything else of an event is under `trigger.raw`.
 */
export const TRIGGER_FIELDS = [
  'kind',
  'raw',
  'type',
  'source',
  'alarmName',
  'alarmArn',
  'state',
  'previousState',
  'reason',
  'time',
  'region',
  'accountId',
  'namespace',
  'metricName',
  'dimensions',
  'eventId',
  'instanceId',
  'autoScalingGroupName',
  'receiver',
  'groupKey',
  'externalURL',
  'status',
  'labels',
  'annotations',
  'startsAt',
  'endsAt',
  'generatorURL',
  'fingerprint',
  'playbook',
] as const;
