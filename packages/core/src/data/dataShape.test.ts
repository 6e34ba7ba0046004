import { describe, expect, it } from 'vitest';
import { checkDataShape, DATA_LIMITS, DataShapeInvalid } from './dataShape.js';

/** `depth` arrays nested in each other, built without recursion. */
function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i += 1) value = [value];
  return value;
}

function failure(run: () => void): DataShapeInvalid {
  try {
    run();
  } catch (error) {
    if (error instanceof DataShapeInvalid) return error;
    throw error;
  }
  throw new Error('expected a DataShapeInvalid');
}

describe('checkDataShape', () => {
  it('accepts ordinary data up to the limits', () => {
    expect(() => checkDataShape({ a: [1, 'x', null, { b: true }], c: {} })).not.toThrow();
    expect(() => checkDataShape(nested(DATA_LIMITS.maxDepth - 1))).not.toThrow();
    expect(() => checkDataShape('plain')).not.toThrow();
    expect(() => checkDataShape({ constructorName: 1, proto: 2, __proto: 3 })).not.toThrow();
  });

  it('refuses nesting past maxDepth, even 100,000 deep, without overflowing the stack', () => {
    const error = failure(() => checkDataShape(nested(DATA_LIMITS.maxDepth + 1), DATA_LIMITS, 'trigger'));
    expect(error.code).toBe('E_DATA_LIMIT');
    expect(error.message).toBe(`trigger${'[0]'.repeat(64)}: nested deeper than 64 levels`);
    expect(failure(() => checkDataShape(nested(100_000))).code).toBe('E_DATA_LIMIT');
    expect(failure(() => checkDataShape(JSON.parse('['.repeat(5000) + ']'.repeat(5000)))).code).toBe(
      'E_DATA_LIMIT',
    );
  });

  it('refuses too many keys, items or values, naming where', () => {
    const wide = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`k${i}`, i]));
    expect(failure(() => checkDataShape({ labels: wide }, { maxKeys: 3 }, 'body')).message).toBe(
      'body.labels: has 4 keys; at most 3',
    );
    expect(failure(() => checkDataShape({ 'a b': [1, 2, 3] }, { maxItems: 2 }, 'x')).message).toBe(
      'x["a b"]: has 3 items; at most 2',
    );
    expect(
      failure(() =>
        checkDataShape(
          [
            [1, 2],
            [3, 4],
          ],
          { maxNodes: 5 },
        ),
      ).message,
    ).toBe('value: holds more than 5 values');
  });

  it('refuses __proto__, constructor and prototype keys with E_UNSAFE_KEY', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const value = JSON.parse(`{"alerts": [{"labels": {"${key}": {"polluted": true}}}]}`) as unknown;
      const error = failure(() => checkDataShape(value, DATA_LIMITS, 'body'));
      expect(error.code).toBe('E_UNSAFE_KEY');
      expect(error.message).toBe(
        `body.alerts[0].labels: the key "${key}" is refused: it would reach the object's prototype`,
      );
    }
  });
});
