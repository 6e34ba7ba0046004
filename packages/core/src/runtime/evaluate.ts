import type { Clock } from '../actions/types.js';
import { FirstlineError, isFirstlineError, MissingValue } from '../errors.js';
import {
  analyzeExpression,
  compileExpression,
  concatenatedReferences,
  EXPRESSION_LIMITS,
  normalizeExpression,
  parseTemplate,
} from '../format/expressions.js';
import type { ExpressionReference } from '../format/expressions.js';
import { boundedBuiltins } from './boundedBuiltins.js';
import { findMissing } from './missingValue.js';
import { setOwn } from './redact.js';
import { answerCondition, plainCondition, UNANSWERED } from './plainCondition.js';
import type { PlainCondition } from './plainCondition.js';

const templates = new Map<string, ReturnType<typeof parseTemplate>>();

/** {@link parseTemplate}, remembered: the same strings are rendered on every run. */
function parsedTemplate(value: string): ReturnType<typeof parseTemplate> {
  let parsed = templates.get(value);
  if (!parsed) {
    parsed = parseTemplate(value);
    if (templates.size > 5_000) templates.clear();
    templates.set(value, parsed);
  }
  return parsed;
}

/** JSONata's error objects are plain objects with a code and a message. */
function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  const e = error as { message?: unknown; code?: unknown };
  if (e && typeof e.message === 'string')
    return typeof e.code === 'string' ? `${e.message} (${e.code})` : e.message;
  return String(error);
}

/**
 * How a value is used, which decides what "no value" means: `text` is spliced into a string (no value
 * always fails), `value` is a whole `with:` value (only a bare optional input may be absent: the key
 * is dropped), `condition` is a `when`, `expect` or `until` (a missing path fails; a filter that
 * matched nothing is false, as in JSONata).
 */
export type ValueUse = 'text' | 'value' | 'condition';

/** How {@link evaluateExpression} treats a value that is not there. */
export interface EvaluateOptions {
  /** How the value is used (default `condition`). */
  use?: ValueUse;
  /** How an error message quotes the expression (default: the expression in backquotes). */
  shown?: string;
  /**
   * A simulation: a step that passed by script without an output stands in as `<expression>` when a
   * later `with:` reads it (as secrets stand in as `<secret name>`), instead of failing the step.
   */
  simulated?: boolean;
}

/**
 * Evaluates one JSONata expression over a scope, with a time and depth limit. `$now()` and `$millis()`
 * read the run's clock, so a simulation stays deterministic. Throws E_EXPRESSION naming the expression
 * when it fails, and E_MISSING_VALUE ({@link MissingValue}) naming the path when it reads a value that
 * is not there (see {@link ValueUse}).
 */
export async function evaluateExpression(
  source: string,
  scope: object,
  clock: Clock,
  options: EvaluateOptions = {},
): Promise<unknown> {
  const { use = 'condition', shown = `\`${source.trim()}\``, simulated = false } = options;
  const value = await evaluateRaw(source, scope, clock);
  if (value !== undefined) {
    // `'i-' & inputs.suffix` splices a missing value as empty text: refused like `{{ }}` in text.
    const spliced = simplePath(source) ? [] : cached(concatenated, source, concatenatedReferences);
    const missing = spliced.length ? findMissing(spliced, scope) : undefined;
    if (missing && simulated && missing.standIn) return `<${source.trim()}>`;
    if (missing) throw new MissingValue({ path: missing.path, found: missing.found, expression: shown });
    return value;
  }
  // An optional input that was not given is a legitimate absence. Validation refuses undeclared
  // names and a run refuses a missing required input, so a bare `inputs.<name>` absent here is one.
  const path = simplePath(source);
  if (use !== 'text' && path?.length === 2 && path[0] === 'inputs') return undefined;
  const missing = findMissing(cached(references, source, referencesOf), scope);
  if (missing && simulated && missing.standIn && use !== 'condition') return `<${source.trim()}>`;
  if (missing) throw new MissingValue({ path: missing.path, found: missing.found, expression: shown });
  if (use === 'condition') return undefined;
  throw new MissingValue({ found: `\`${source.trim()}\` matched nothing`, expression: shown });
}

async function evaluateRaw(source: string, scope: object, clock: Clock): Promise<unknown> {
  const path = simplePath(source);
  if (path) {
    const found = lookup(scope, path);
    if (found !== FALLBACK) return found;
  }
  // A plain path compared with a literal (`output.value < 90`): JSONata's answer without its evaluator.
  const condition = cached(conditions, source, (s) => plainCondition(normalizeExpression(s)));
  if (condition) {
    const answer = answerCondition(condition, scope);
    if (answer !== UNANSWERED) return answer;
  }
  try {
    const now = clock.now();
    const expression = bounded(compileExpression(source), (builtins ??= await boundedBuiltins()));
    const result: unknown = await expression.evaluate(scope, {
      now: () => new Date(now).toISOString(),
      millis: () => now,
    });
    if (typeof result === 'string' && result.length > EXPRESSION_LIMITS.stringLength)
      throw new FirstlineError(
        'E_EXPRESSION_LIMIT',
        `its value of ${result.length} characters is over the limit of ${EXPRESSION_LIMITS.stringLength}`,
      );
    return unwrap(result);
  } catch (error) {
    throw new FirstlineError(codeOf(error), `expression \`${source.trim()}\` failed: ${describe(error)}`, {
      cause: error,
    });
  }
}

const withBuiltins = new WeakSet<object>();
/** The bounded built-ins once loaded: later evaluations take them without awaiting a new promise. */
let builtins: Record<string, unknown> | undefined;

// Bound once into each compiled expression's own frame: binding them per evaluation costs more than a
// simple evaluation itself.
function bounded<T extends { assign: (name: string, value: unknown) => void }>(
  expression: T,
  builtins: Record<string, unknown>,
): T {
  if (!withBuiltins.has(expression)) {
    for (const [name, definition] of Object.entries(builtins)) expression.assign(name, definition);
    withBuiltins.add(expression);
  }
  return expression;
}

/** E_EXPRESSION_LIMIT for a cap (ours, JSONata's sequence cap, V8's longest string), E_REGEX, else E_EXPRESSION. */
function codeOf(error: unknown): 'E_EXPRESSION' | 'E_EXPRESSION_LIMIT' | 'E_REGEX' {
  if (isFirstlineError(error) && (error.code === 'E_EXPRESSION_LIMIT' || error.code === 'E_REGEX'))
    return error.code;
  if (error instanceof RangeError && /Invalid (string|array) length/.test(error.message))
    return 'E_EXPRESSION_LIMIT';
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'D2014' || code === 'D2015' ? 'E_EXPRESSION_LIMIT' : 'E_EXPRESSION';
}

const references = new Map<string, ExpressionReference[]>();
const conditions = new Map<string, PlainCondition | null>();
const concatenated = new Map<string, ExpressionReference[]>();

function referencesOf(source: string): ExpressionReference[] {
  const analysis = analyzeExpression(source);
  return analysis.ok ? analysis.references : [];
}

function cached<T>(cache: Map<string, T>, source: string, make: (source: string) => T): T {
  let value = cache.get(source);
  if (value === undefined) {
    value = make(source);
    if (cache.size > 5_000) cache.clear();
    cache.set(source, value);
  }
  return value;
}

const FALLBACK = Symbol('fallback');
const paths = new Map<string, string[] | null>();
const NAME = /^\s*([A-Za-z_][\w]*)((?:\.(?:[A-Za-z_][\w]*|`[^`]*`))*)\s*$/;

// Most templates are a plain path (`inputs.url`, `steps.cpu.output.value`). Reading those directly
// skips JSONata's asynchronous evaluator, which costs more than the rest of a simulated step.
function simplePath(source: string): string[] | null {
  let path = paths.get(source);
  if (path === undefined) {
    const match = NAME.exec(normalizeExpression(source));
    path = match
      ? [match[1]!, ...[...match[2]!.matchAll(/\.(?:`([^`]*)`|([A-Za-z_]\w*))/g)].map((m) => (m[1] ?? m[2])!)]
      : null;
    if (path && ['true', 'false', 'null'].includes(path[0]!)) path = null;
    if (paths.size > 5_000) paths.clear();
    paths.set(source, path);
  }
  return path;
}

/** Reads a path the way JSONata would, or gives up (arrays map in JSONata; leave those to it). */
function lookup(scope: object, path: string[]): unknown {
  let value: unknown = scope;
  for (const name of path) {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) return FALLBACK;
    if (!Object.prototype.hasOwnProperty.call(value, name)) return undefined;
    value = (value as Record<string, unknown>)[name];
  }
  return Array.isArray(value) ? FALLBACK : value;
}

// JSONata returns arrays tagged as sequences; plain copies keep outputs and records ordinary JSON.
function unwrap(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrap);
  return value;
}

/**
 * Resolves every `{{ }}` in a value: a string that is exactly one expression keeps the value's type,
 * other strings get the values spliced in as text. Objects and arrays are copied, never changed. A
 * value that is not there fails with E_MISSING_VALUE naming it (never empty text); only a whole value
 * reading an optional input that was not given is absent, and is left out of its object or list.
 */
export function renderTemplates(
  value: unknown,
  scope: object,
  clock: Clock,
  options: Pick<EvaluateOptions, 'simulated'> = {},
): Promise<unknown> {
  const quick = renderPaths(value, scope);
  return quick !== FALLBACK
    ? Promise.resolve(quick)
    : render(value, scope, clock, '', options.simulated === true);
}

/** What {@link renderPlainTemplates} answers for a value it leaves to {@link renderTemplates}. */
export const NOT_PLAIN: unique symbol = Symbol('not plain');

/**
 * {@link renderTemplates} at once, for a value whose every `{{ }}` is a plain path that is there (most
 * `with:` values): the rendered copy, or {@link NOT_PLAIN} for anything else, which renderTemplates
 * then renders (and says what is missing). A step's input is then ready without a turn of the event loop.
 */
export function renderPlainTemplates(value: unknown, scope: object): unknown {
  const quick = renderPaths(value, scope);
  return quick === FALLBACK ? NOT_PLAIN : quick;
}

// Most `with:` values read plain paths that are there (`{{ inputs.url }}`): rendered at once, without a
// promise per value. Anything else (an expression, a value not there) is left to `render`, which
// says what is missing.
function renderPaths(value: unknown, scope: object): unknown {
  if (typeof value === 'string') {
    if (!value.includes('{{')) return value;
    const { parts, error } = parsedTemplate(value);
    if (error) return FALLBACK;
    const only = parts.length === 1 ? parts[0] : undefined;
    if (only?.kind === 'expr') return pathValue(only.source, scope);
    let text = '';
    for (const part of parts) {
      if (part.kind === 'text') text += part.text;
      else {
        const found = pathValue(part.source, scope);
        if (found === FALLBACK) return FALLBACK;
        text += asText(found);
      }
    }
    return text;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const rendered = renderPaths(item, scope);
      if (rendered === FALLBACK) return FALLBACK;
      out.push(rendered);
    }
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    // for…in over own keys (Object.entries' order), without an array of entries per object per step.
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const rendered = renderPaths((value as Record<string, unknown>)[key], scope);
      if (rendered === FALLBACK) return FALLBACK;
      // `__proto__` from YAML is data, not the prototype.
      setOwn(out, key, rendered);
    }
    return out;
  }
  return value;
}

/** The value at a plain path that is there; FALLBACK for anything else. */
function pathValue(source: string, scope: object): unknown {
  const path = simplePath(source);
  if (!path) return FALLBACK;
  const found = lookup(scope, path);
  return found === undefined ? FALLBACK : found;
}

async function render(
  value: unknown,
  scope: object,
  clock: Clock,
  at: string,
  simulated: boolean,
): Promise<unknown> {
  if (typeof value === 'string') {
    if (!value.includes('{{')) return value;
    const { parts, error } = parsedTemplate(value);
    if (error) throw new FirstlineError('E_EXPRESSION', `template "${value}": ${error.message}`);
    const shown = `${at ? `${at}: ` : ''}${JSON.stringify(value)}`;
    const only = parts.length === 1 ? parts[0] : undefined;
    if (only?.kind === 'expr')
      return evaluateExpression(only.source, scope, clock, { use: 'value', shown, simulated });
    let text = '';
    for (const part of parts) {
      if (part.kind === 'text') text += part.text;
      else
        text += asText(
          await evaluateExpression(part.source, scope, clock, { use: 'text', shown, simulated }),
        );
    }
    return text;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const [i, item] of value.entries()) {
      const rendered = await render(item, scope, clock, `${at}[${i}]`, simulated);
      if (rendered !== undefined) out.push(rendered);
    }
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const rendered = await render(item, scope, clock, at ? `${at}.${key}` : key, simulated);
      if (rendered === undefined) continue;
      // `__proto__` from YAML is data, not the prototype.
      setOwn(out, key, rendered);
    }
    return out;
  }
  return value;
}

function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** True for the values an `expect`, `when` or `until` treats as true (JSONata's own boolean cast). */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(truthy);
  if (typeof value === 'string') return value.length > 0;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return value === true;
}
