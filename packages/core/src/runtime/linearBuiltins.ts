import { FirstlineError } from '../errors.js';
import { EXPRESSION_LIMITS } from '../format/expressions.js';
import { charge, limitError } from './expressionBudget.js';
import type { Definition, Focus } from './expressionBudget.js';

const { arrayItems } = EXPRESSION_LIMITS;

/**
 * `$distinct` in linear time: JSONata's compares every pair, which a 100,000-item array turns into
 * 10^10 comparisons between two of its time checks. Values are keyed by canonical JSON (object keys
 * sorted), which is JSONata's deep equality.
 */
export function distinct(this: Focus, arr: unknown): unknown {
  if (!Array.isArray(arr) || arr.length <= 1) return arr;
  if (arr.length > arrayItems)
    throw limitError(
      'distinct',
      `input of ${arr.length.toLocaleString('en')} items is over the limit of ${arrayItems.toLocaleString('en')}`,
    );
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const value of arr) {
    const key = canonical(value);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(value);
  }
  charge(this, 'distinct', out.length);
  if ((arr as { sequence?: boolean }).sequence) Object.assign(out, { sequence: true });
  return out;
}

function canonical(value: unknown): string {
  if (typeof value === 'function') return `f:${String(Math.random())}`;
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (
      (obj as { _jsonata_function?: boolean })._jsonata_function ||
      (obj as { _jsonata_lambda?: boolean })._jsonata_lambda
    )
      return `f:${String(Math.random())}`;
    return `{${Object.keys(obj)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`)
      .join(',')}}`;
  }
  return typeof value === 'string' ? JSON.stringify(value) : `${typeof value}:${String(value)}`;
}

/** Most items `$sort` orders with a native comparator, which JSONata's time checks never interrupt. */
const NATIVE_SORT_ITEMS = 10_000;

/**
 * `$sort` without a comparator on JavaScript's own sort: JSONata's merge sort copies the rest of the
 * array at every step (30,000 numbers: 2.7 s and 900 MB between two time checks, 100,000: out of
 * memory). With a lambda comparator, JSONata's (time-checked at every comparison) is kept.
 */
export function sorter(original: Definition): Definition['implementation'] {
  return function sort(this: Focus, arr: unknown, comparator?: unknown): unknown {
    if (!Array.isArray(arr) || arr.length <= 1) return arr;
    if (comparator === undefined) {
      const numbers = arr.every((v) => typeof v === 'number');
      if (!numbers && !arr.every((v) => typeof v === 'string'))
        throw new FirstlineError(
          'E_EXPRESSION',
          '$sort: without a comparator, the array must hold only numbers or only strings',
        );
      const sorted = [...(arr as Array<number | string>)].sort((a, b) => (a > b ? 1 : a < b ? -1 : 0));
      charge(this, 'sort', sorted.length);
      return sorted;
    }
    if (!(comparator as { _jsonata_lambda?: boolean })._jsonata_lambda && arr.length > NATIVE_SORT_ITEMS)
      throw limitError(
        'sort',
        `${arr.length.toLocaleString('en')} items with a built-in comparator is over the limit of ${NATIVE_SORT_ITEMS.toLocaleString('en')}`,
      );
    return original.implementation.call(this, arr, comparator);
  };
}
