import type { Clock } from '../actions/types.js';
import { FirstlineError } from '../errors.js';
import { compileExpression, normalizeExpression, parseTemplate } from '../format/expressions.js';

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
 * Evaluates one JSONata expression over a scope, with a time and depth limit. `$now()` and `$millis()`
 * read the run's clock, so a simulation stays deterministic. Throws E_EXPRESSION naming the expression.
 */
export async function evaluateExpression(source: string, scope: object, clock: Clock): Promise<unknown> {
  const path = simplePath(source);
  if (path) {
    const found = lookup(scope, path);
    if (found !== FALLBACK) return found;
  }
  try {
    const now = clock.now();
    const result: unknown = await compileExpression(source).evaluate(scope, {
      now: () => new Date(now).toISOString(),
      millis: () => now,
    });
    return unwrap(result);
  } catch (error) {
    throw new FirstlineError('E_EXPRESSION', `expression \`${source.trim()}\` failed: ${describe(error)}`, {
      cause: error,
    });
  }
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
 * other strings get the values spliced in as text. Objects and arrays are copied, never changed.
 */
export async function renderTemplates(value: unknown, scope: object, clock: Clock): Promise<unknown> {
  if (typeof value === 'string') {
    if (!value.includes('{{')) return value;
    const { parts, error } = parsedTemplate(value);
    if (error) throw new FirstlineError('E_EXPRESSION', `template "${value}": ${error.message}`);
    const only = parts.length === 1 ? parts[0] : undefined;
    if (only?.kind === 'expr') return evaluateExpression(only.source, scope, clock);
    let text = '';
    for (const part of parts) {
      if (part.kind === 'text') text += part.text;
      else text += asText(await evaluateExpression(part.source, scope, clock));
    }
    return text;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) out.push(await renderTemplates(item, scope, clock));
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const rendered = await renderTemplates(item, scope, clock);
      // `__proto__` from YAML is data, not the prototype.
      if (key === '__proto__')
        Object.defineProperty(out, key, {
          value: rendered,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else out[key] = rendered;
    }
    return out;
  }
  return value;
}

function asText(value: unknown): string {
  if (value === undefined) return '';
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
