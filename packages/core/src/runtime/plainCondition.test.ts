import fc from 'fast-check';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { createVirtualClock } from './clock.js';
import { evaluateExpression } from './evaluate.js';
import { answerCondition, plainCondition, UNANSWERED } from './plainCondition.js';

// A plain path compared with a literal is answered without JSONata. These properties pin that answer to
// JSONata's own: for any scope and any such condition the fast path answers, JSONata gives the same
// boolean and throws nothing; where JSONata throws or maps a sequence, the fast path does not answer.

/** JSONata's own evaluation of `expression` over `scope`: its value, or `throws`. */
async function byJsonata(expression: string, scope: object): Promise<unknown> {
  try {
    return await jsonata(expression).evaluate(scope);
  } catch {
    return 'throws';
  }
}

const NAMES = ['value', 'x', 'outcome', 'constructor', 'toString', '__proto__', 'a-b', 'and'];
const scalar = fc.oneof(
  fc.constantFrom(0, 1, 1.5, 90, -3, 1e3, Number.NaN, '', 'fail', 'pass', '90', 'a', true, false, null),
  fc.integer({ min: -100, max: 100 }),
  fc.string({ maxLength: 3 }),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    scalar,
    fc.array(scalar, { maxLength: 2 }),
    fc.dictionary(fc.constantFrom(...NAMES), tie('node'), { maxKeys: 3 }),
  ),
})).node;
const NAMES_AT_ROOT = [...NAMES, 'output', 'steps'];
const literal = fc.oneof(
  fc.constantFrom(
    '0',
    '1',
    '1.5',
    '90',
    '1e3',
    '2.5E-1',
    'true',
    'false',
    'null',
    "''",
    "'fail'",
    '"90"',
    "'a'",
  ),
  fc.integer({ min: 0, max: 100 }).map(String),
);
// The value at the end of the path: often one a literal names, so that equal and ordered both come up.
const leaf = fc.oneof(scalar, fc.constantFrom(0, 1, 1.5, 90, 1000, 0.25, 'fail', '90', 'a', '', true, null));

/** `scope` with `value` set at `path` (objects made on the way; `__proto__` as a plain key). */
function placed(scope: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const root: Record<string, unknown> = { ...scope };
  let at = root;
  path.forEach((key, i) => {
    const next = i === path.length - 1 ? value : {};
    Object.defineProperty(at, key, { value: next, enumerable: true, writable: true, configurable: true });
    if (i < path.length - 1) at = next as Record<string, unknown>;
  });
  return root;
}

const quoted = (n: string) => (/^[A-Za-z_]\w*$/.test(n) ? n : `\`${n}\``);
const condition = fc
  .record({
    path: fc.array(fc.constantFrom(...NAMES_AT_ROOT), { minLength: 1, maxLength: 3 }),
    op: fc.constantFrom('=', '!=', '<', '<=', '>', '>='),
    literal,
    space: fc.constantFrom('', ' ', '  '),
    leaf,
    noise: fc.dictionary(fc.constantFrom(...NAMES_AT_ROOT), value, { maxKeys: 4 }),
    place: fc.boolean(),
  })
  .map(({ path, op, literal: lit, space, leaf: end, noise, place }) => ({
    expression: `${space}${path.map(quoted).join('.')}${space}${op}${space}${lit}${space}`,
    scope: place ? placed(noise, path, end) : noise,
  }));

describe('plain conditions: a path against a literal, answered as JSONata answers', () => {
  it('recognises the plain form and nothing else', () => {
    expect(plainCondition("steps.check.outcome = 'fail'")).toEqual({
      path: ['steps', 'check', 'outcome'],
      op: '=',
      literal: 'fail',
    });
    expect(plainCondition('output.`a-b` <= 1.5e2')).toEqual({
      path: ['output', 'a-b'],
      op: '<=',
      literal: 150,
    });
    for (const other of [
      'output.value < 90 and true',
      'output.value < -1',
      'output.value = 007',
      "output.value = 'it\\'s'",
      'output.values[0] = 1',
      '$count(output) = 1',
      'output.value < 1e400',
      'true = output.x',
      'output.and = 1',
    ])
      expect(plainCondition(other)).toBeNull();
  });

  it('answers missing values, types and null as JSONata does', async () => {
    const cases: Array<[string, object]> = [
      ['output.value < 90', {}],
      ['output.value != 90', {}],
      ['output.value = null', { output: { value: null } }],
      ['output.value != null', { output: { value: null } }],
      ["output.value = '90'", { output: { value: 90 } }],
      ['output.value != 90', { output: { value: '90' } }],
      ['output.value >= 90', { output: { value: 90 } }],
      ["output.value > 'a'", { output: { value: 'b' } }],
      ['output.value = true', { output: { value: true } }],
      ['output.value.x = 1', { output: { value: null } }],
    ];
    for (const [expression, at] of cases) {
      const answer = answerCondition(plainCondition(expression)!, at);
      expect(answer, expression).not.toBe(UNANSWERED);
      expect(answer, expression).toBe(await byJsonata(expression, at));
    }
    // JSONata's type errors, sequences and inherited names are left to it.
    for (const [expression, at] of [
      ['output.value < 90', { output: { value: '90' } }],
      ['output.value < true', {}],
      ['output.value < null', { output: { value: null } }],
      ['output.value = 1', { output: { value: [1] } }],
      ['output.constructor != 1', { output: {} }],
      ['output.value.length = 1', { output: { value: 'a' } }],
    ] as Array<[string, object]>)
      expect(answerCondition(plainCondition(expression)!, at), expression).toBe(UNANSWERED);
  });

  it('whenever it answers, JSONata gives the same answer and no error (generated scopes and conditions)', async () => {
    const answered = { true: 0, false: 0, undefined: 0 };
    await fc.assert(
      fc.asyncProperty(condition, async ({ expression, scope: at }) => {
        const parsed = plainCondition(expression);
        if (!parsed) return;
        const answer = answerCondition(parsed, at);
        if (answer === UNANSWERED) return;
        expect(answer).toBe(await byJsonata(expression, at));
        answered[String(answer) as keyof typeof answered]++;
      }),
      // A fixed seed: the same cases on every machine and every run.
      { numRuns: 3000, seed: 20_261_207 },
    );
    // The property is not vacuous: every kind of answer came up many times.
    expect(Math.min(...Object.values(answered))).toBeGreaterThan(50);
  });

  it('is what evaluateExpression answers for a condition, and its errors stay JSONata’s', async () => {
    const clock = createVirtualClock();
    await expect(evaluateExpression('output.value < 90', { output: { value: 12 } }, clock)).resolves.toBe(
      true,
    );
    await expect(evaluateExpression("output.value = 'x'", { output: {} }, clock)).resolves.toBe(false);
    await expect(
      evaluateExpression('output.value < 90', { output: { value: '12' } }, clock),
    ).rejects.toMatchObject({
      code: 'E_EXPRESSION',
    });
  });
});
