import { FirstlineError } from '../errors.js';
import { EXPRESSION_LIMITS } from '../format/expressions.js';

/** A JSONata function definition as the built-ins are bound. */
export interface Definition {
  _jsonata_function: true;
  implementation: (this: Focus, ...args: unknown[]) => unknown;
  signature?: unknown;
}

/** What JSONata passes as `this` to a built-in: `environment.base` is one evaluation's own frame. */
export interface Focus {
  environment?: { base?: object };
}

/** The error for a call over a cap. */
export function limitError(fn: string, what: string): FirstlineError {
  return new FirstlineError('E_EXPRESSION_LIMIT', `$${fn}: ${what}`);
}

const spent = new WeakMap<object, number>();

/** Counts `size` characters or items against the evaluation's budget; E_EXPRESSION_LIMIT when spent. */
export function charge(focus: Focus | undefined, fn: string, size: number): void {
  const base = focus?.environment?.base;
  if (!base) return;
  const used = (spent.get(base) ?? 0) + size;
  if (used > EXPRESSION_LIMITS.budget)
    throw limitError(
      fn,
      `the expression built more than ${EXPRESSION_LIMITS.budget.toLocaleString('en')} characters and items in all`,
    );
  spent.set(base, used);
}
