import jsonata from 'jsonata';
import type { FirstlineError } from '../errors.js';
import { EXPRESSION_LIMITS } from '../format/expressions.js';
import { charge, limitError } from './expressionBudget.js';
import type { Definition, Focus } from './expressionBudget.js';
import { distinct, sorter } from './linearBuiltins.js';

/**
 * JSONata's built-ins that can make a value much larger than their input (`$pad("x", 5e8)`), or take
 * long on a large one, replaced by bounded versions: JSONata's time limit is checked between
 * evaluation steps only, so one call must never build a giant value or loop for long. A call over a cap
 * fails with E_EXPRESSION_LIMIT naming the function.
 */

const { stringLength, arrayItems } = EXPRESSION_LIMITS;

/** The size of a value as the budget counts it: characters of a string, items of an array. */
function sizeOf(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) return value.length;
  return 0;
}

function checkResult(fn: string, value: unknown): void {
  if (typeof value === 'string' && value.length > stringLength)
    throw limitError(
      fn,
      `result of ${value.length.toLocaleString('en')} characters is over the limit of ${stringLength.toLocaleString('en')}`,
    );
  if (Array.isArray(value) && value.length > arrayItems)
    throw limitError(
      fn,
      `result of ${value.length.toLocaleString('en')} items is over the limit of ${arrayItems.toLocaleString('en')}`,
    );
}

function tooLong(fn: string, what: string, length: number): FirstlineError {
  return limitError(
    fn,
    `${what} of ${length.toLocaleString('en')} characters is over the limit of ${stringLength.toLocaleString('en')}`,
  );
}

/**
 * Estimates the characters of `JSON.stringify(value)`, stopping as soon as it passes `limit`: a value
 * that reuses one large part many times would otherwise be written out in full first.
 */
export function jsonSizeOver(value: unknown, limit: number): boolean {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length) {
    const item = stack.pop();
    if (typeof item === 'string') total += item.length + 2;
    else if (Array.isArray(item)) {
      total += item.length + 2;
      for (const child of item) stack.push(child);
    } else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        total += key.length + 4;
        stack.push(child);
      }
      total += 2;
    } else total += 8;
    if (total > limit) return true;
  }
  return false;
}

// Checks on the arguments, for the calls whose result would be too large to build before checking.
const before: Record<string, (args: unknown[]) => void> = {
  pad: ([, width]) => {
    if (typeof width === 'number' && Math.abs(width) > stringLength)
      throw tooLong('pad', 'width', Math.abs(width));
  },
  join: ([strs, separator]) => {
    if (!Array.isArray(strs)) return;
    let total = typeof separator === 'string' ? separator.length * Math.max(0, strs.length - 1) : 0;
    for (const s of strs) total += typeof s === 'string' ? s.length : 0;
    if (total > stringLength) throw tooLong('join', 'result', total);
  },
  string: ([value]) => {
    if (typeof value !== 'string' && jsonSizeOver(value, stringLength))
      throw limitError(
        'string',
        `result would be over the limit of ${stringLength.toLocaleString('en')} characters`,
      );
  },
  append: ([a, b]) => {
    const total = (Array.isArray(a) ? a.length : 1) + (Array.isArray(b) ? b.length : 1);
    if (total > arrayItems)
      throw limitError(
        'append',
        `result of ${total.toLocaleString('en')} items is over the limit of ${arrayItems.toLocaleString('en')}`,
      );
  },
  base64encode: ([s]) => {
    if (typeof s === 'string' && Math.ceil(s.length / 3) * 4 > stringLength)
      throw tooLong('base64encode', 'result', Math.ceil(s.length / 3) * 4);
  },
};

/** The built-ins replaced; each keeps JSONata's own signature and behaviour under the caps. */
const BOUNDED = [
  'pad',
  'string',
  'join',
  'replace',
  'split',
  'match',
  'contains',
  'substring',
  'substringBefore',
  'substringAfter',
  'uppercase',
  'lowercase',
  'trim',
  'base64encode',
  'base64decode',
  'encodeUrl',
  'encodeUrlComponent',
  'decodeUrl',
  'decodeUrlComponent',
  'formatNumber',
  'formatBase',
  'formatInteger',
  'fromMillis',
  'append',
  'zip',
  'map',
  'filter',
  'each',
  'keys',
  'spread',
  'sort',
  'reverse',
  'shuffle',
  'merge',
  'lookup',
] as const;

function bounded(name: string, original: Definition): Definition {
  const check = before[name];
  const after = (result: unknown, focus: Focus): unknown => {
    checkResult(name, result);
    charge(focus, name, sizeOf(result));
    return result;
  };
  const failed = (error: unknown): never => {
    // V8's own refusal of a string or array too long to build: the same limit, said plainly.
    if (error instanceof RangeError) throw limitError(name, error.message);
    throw error;
  };
  function implementation(this: Focus, ...args: unknown[]): unknown {
    // A string over the cap can still be built with `&`; no built-in reads (and copies) one.
    for (const arg of args)
      if (typeof arg === 'string' && arg.length > stringLength) throw tooLong(name, 'argument', arg.length);
    check?.(args);
    let result: unknown;
    try {
      result = original.implementation.apply(this, args);
    } catch (error) {
      return failed(error);
    }
    if (result instanceof Promise) return result.then((value) => after(value, this), failed);
    return after(result, this);
  }
  return { ...original, implementation };
}

let definitions: Record<string, Definition> | undefined;
let loading: Promise<Record<string, Definition>> | undefined;

/**
 * The bounded built-ins, by name without `$`, to bind over JSONata's own in every evaluation. Read
 * once: JSONata hands back a built-in's own definition, signature included, when `$name` is evaluated.
 */
export async function boundedBuiltins(): Promise<Record<string, Definition>> {
  if (definitions) return definitions;
  loading ??= (async () => {
    const out: Record<string, Definition> = {};
    for (const name of [...BOUNDED, 'distinct']) {
      const original = (await jsonata(`$${name}`).evaluate({})) as Definition | undefined;
      if (!original?._jsonata_function) throw new Error(`JSONata has no built-in $${name}`);
      out[name] =
        name === 'distinct'
          ? { ...original, implementation: distinct }
          : name === 'sort'
            ? bounded(name, { ...original, implementation: sorter(original) })
            : bounded(name, original);
    }
    definitions = out;
    return out;
  })();
  return loading;
}
