import { FirstlineError } from '../errors.js';

/** Bounds on a value arriving from outside (a request body, an event, `--input`), after parsing. */
export interface DataLimits {
  /** Deepest nesting of objects and arrays (the top value is depth 1). */
  maxDepth: number;
  /** Most keys in one object. */
  maxKeys: number;
  /** Most items in one array. */
  maxItems: number;
  /** Most objects, arrays and scalars in the whole value. */
  maxNodes: number;
}

/** The limits every door applies unless told otherwise: far above real alerts and events. */
export const DATA_LIMITS: Readonly<DataLimits> = Object.freeze({
  maxDepth: 64,
  maxKeys: 1_000,
  maxItems: 10_000,
  maxNodes: 100_000,
});

/** Keys that reach or replace an object's prototype when data is merged or assigned. */
export const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** A value over a {@link DataLimits} bound (E_DATA_LIMIT) or holding an unsafe key (E_UNSAFE_KEY). */
export class DataShapeInvalid extends FirstlineError {
  constructor(
    code: 'E_DATA_LIMIT' | 'E_UNSAFE_KEY',
    /** Where in the value, as `name.key[3]`. */
    readonly path: string,
    message: string,
  ) {
    super(code, `${path}: ${message}`);
  }
}

interface Frame {
  value: unknown;
  depth: number;
  parent: number;
  key: string | number;
}

/**
 * Walks a parsed value without recursion (a value nested 100 000 deep cannot overflow the stack) and
 * throws {@link DataShapeInvalid} at the first bound it breaks or the first `__proto__`,
 * `constructor` or `prototype` key, naming where: `name` is the value's own name (`trigger`, `body`).
 *
 * @example
 * checkDataShape(JSON.parse(body), DATA_LIMITS, 'body'); // throws E_DATA_LIMIT for 5,000 nested arrays
 */
export function checkDataShape(
  value: unknown,
  limits: Partial<DataLimits> = DATA_LIMITS,
  name = 'value',
): void {
  const { maxDepth, maxKeys, maxItems, maxNodes } = { ...DATA_LIMITS, ...limits };
  // Every frame stays (for paths); `next` is the work list of frame indexes still to visit.
  const frames: Frame[] = [{ value, depth: 1, parent: -1, key: '' }];
  const next: number[] = [0];
  const pathOf = (index: number): string => {
    const parts: string[] = [];
    for (let i = index; i > 0; i = frames[i]!.parent) {
      const key = frames[i]!.key;
      parts.push(
        typeof key === 'number'
          ? `[${key}]`
          : /^[A-Za-z_$][\w$]*$/.test(key)
            ? `.${key}`
            : `[${JSON.stringify(key)}]`,
      );
    }
    return name + parts.reverse().join('');
  };
  while (next.length > 0) {
    const index = next.pop()!;
    const { value: current, depth } = frames[index]!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > maxDepth)
      throw new DataShapeInvalid('E_DATA_LIMIT', pathOf(index), `nested deeper than ${maxDepth} levels`);
    const entries: Array<[string | number, unknown]> = [];
    if (Array.isArray(current)) {
      if (current.length > maxItems)
        throw new DataShapeInvalid(
          'E_DATA_LIMIT',
          pathOf(index),
          `has ${current.length} items; at most ${maxItems}`,
        );
      current.forEach((item, i) => entries.push([i, item]));
    } else {
      const keys = Object.keys(current);
      if (keys.length > maxKeys)
        throw new DataShapeInvalid(
          'E_DATA_LIMIT',
          pathOf(index),
          `has ${keys.length} keys; at most ${maxKeys}`,
        );
      for (const key of keys) {
        if (UNSAFE_KEYS.has(key))
          throw new DataShapeInvalid(
            'E_UNSAFE_KEY',
            pathOf(index),
            `the key ${JSON.stringify(key)} is refused: it would reach the object's prototype`,
          );
        entries.push([key, (current as Record<string, unknown>)[key]]);
      }
    }
    if (frames.length + entries.length > maxNodes)
      throw new DataShapeInvalid('E_DATA_LIMIT', name, `holds more than ${maxNodes} values`);
    for (const [key, child] of entries) {
      frames.push({ value: child, depth: depth + 1, parent: index, key });
      if (typeof child === 'object' && child !== null) next.push(frames.length - 1);
    }
  }
}
