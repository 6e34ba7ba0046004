import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeExpression, analyzeWithJsonata, normalizeMapped } from './expressions.js';
import { quickReferences } from './quickReferences.js';

const quick = (source: string) => quickReferences(normalizeMapped(source).text);

const space = fc.constantFrom('', ' ', '  ', '\n', '\t');
const name = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('inputs', 'steps', 'output', 'run', 'name', 'value', 'a', 'b_1') },
  { weight: 1, arbitrary: fc.constantFrom('and', 'or', 'in', 'true', 'false', 'null', 'function', 'a-b') },
  { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,5}$/) },
);
const literal = fc.constantFrom(
  ...['0', '1', '90', '1.5', '1e3', '2.5E-2', '1e400', '007', '-1', '.5'],
  ...["'x'", '"y"', "'a/b'", `"it's"`, "''", "'a\\'b'", '"\\u0041"', "'[x]'", "'&'", "'unclosed"],
  // Escapes (one JSONata refuses), a comment: JSONata's to read.
  ...["'\\q'", "'a\\\\'", '"\\u00"', '/* c */ 1'],
  ...['true', 'false', 'null'],
);
const variable = fc.constantFrom('$count', '$string', '$f', '$', '$$', '$not_a');
const binary = fc.constantFrom(
  ...['=', '!=', '<', '<=', '>', '>=', '&', '+', '-', '*', '%', 'and', 'or', 'in'],
  ...['/', '?:', '??', '~>', '..', '**', ':='],
);

/** Expressions of the subset (and a few operators outside it), spaced at random. */
const { expression } = fc.letrec<{ expression: string; operand: string }>((tie) => ({
  operand: fc.oneof(
    { weight: 3, arbitrary: fc.array(name, { minLength: 1, maxLength: 4 }).map((names) => names.join('.')) },
    { weight: 2, arbitrary: literal },
    {
      weight: 1,
      arbitrary: fc
        .tuple(variable, fc.array(tie('expression'), { maxLength: 3 }), space)
        .map(([fn, args, s]) => `${fn}(${s}${args.join(`,${s}`)})`),
    },
    { weight: 1, arbitrary: fc.tuple(tie('expression'), space).map(([e, s]) => `(${s}${e}${s})`) },
  ),
  expression: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('operand'),
    fc
      .tuple(tie('operand'), space, binary, space, tie('expression'))
      .map(([a, s1, op, s2, b]) => `${a}${s1}${op}${s2}${b}`),
    fc
      .tuple(tie('expression'), space, tie('expression'), fc.option(tie('expression')))
      .map(([c, s, t, e]) => `${c}${s}?${s}${t}${e === null ? '' : `${s}:${s}${e}`}`),
  ),
}));

/** Token soup: anything JSONata's tokens can make, valid or not. */
const soup = fc
  .array(
    fc.tuple(
      fc.oneof(
        name,
        literal,
        variable,
        binary,
        fc.constantFrom('(', ')', ',', '.', '?', ':', '[', ']', '`a`', '!'),
      ),
      space,
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((parts) => parts.map(([token, s]) => `${token}${s}`).join(''));

describe('quickReferences (an expression’s references without JSONata)', () => {
  it('reads the expressions playbooks write as JSONata does', () => {
    const cases: Array<[string, Array<{ root: string; path: string[]; offset: number }>]> = [
      ['output.value < 90', [{ root: 'output', path: ['value'], offset: 0 }]],
      [" steps.check.outcome = 'fail'", [{ root: 'steps', path: ['check', 'outcome'], offset: 1 }]],
      [
        "$count(run.inconclusive.remediations) = 0 ? 'nothing was changed' : 'already rebooted'",
        [{ root: 'run', path: ['inconclusive', 'remediations'], offset: 7 }],
      ],
      [
        'inputs.a & (steps.b.output ? name : run.id)',
        [
          { root: 'inputs', path: ['a'], offset: 0 },
          { root: 'steps', path: ['b', 'output'], offset: 12 },
          { root: 'name', path: [], offset: 29 },
          { root: 'run', path: ['id'], offset: 36 },
        ],
      ],
    ];
    for (const [source, references] of cases) {
      expect(quick(source), source).toEqual(references);
      expect(analyzeWithJsonata(source), source).toEqual({ ok: true, references });
    }
    // Outside the subset: left to JSONata.
    for (const source of [
      'output.values[0] = 1',
      "output.`a-b` = 'x'",
      'output.value ~> $string()',
      '/* note */ output.value < 90',
      '$match(inputs.url, /^https/)',
      "inputs.a = 'it\\'s'",
      'inputs.a ?: 1',
      '-output.value < 1',
      'output.value = 1e400',
      'output.value < 90 90',
      '$count',
      'inputs.a(1)',
      // Not JSONata at all: JSONata gives the error.
      'inputs.a ? : 1',
      'inputs.a ?',
      '(inputs.a',
      '$count(inputs.a,)',
      'inputs.a.',
      'inputs. = 1',
      'inputs.a = = 1',
    ])
      expect(quick(source), source).toBeUndefined();
  });

  it('whenever it reads an expression, JSONata’s parse gives the same references (generated, fixed seed)', () => {
    let read = 0;
    fc.assert(
      fc.property(fc.oneof(expression, soup), (source) => {
        const fast = quick(source);
        const parsed = analyzeWithJsonata(source);
        if (fast !== undefined) {
          read++;
          expect(parsed.ok).toBe(true);
        }
        // Either way analyzeExpression is what JSONata says: references, or the same error.
        expect(analyzeExpression(source)).toEqual(parsed);
      }),
      // A fixed seed: the same cases on every machine and every run.
      { numRuns: 4000, seed: 20_261_207 },
    );
    // The property is not vacuous: the subset came up often.
    expect(read).toBeGreaterThan(500);
  });
});
