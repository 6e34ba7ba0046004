import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InputSpec } from '../format/playbook.generated.js';
import { linearRegExpEngine } from '../format/linearRegex.js';
import { loadAjv } from '../util/loadAjv.js';
import { inputsNeedAjv, plainValidator } from './inputs.js';
import { defineAction } from '../actions/defineAction.js';
import { compilePlaybook } from '../compile/compilePlaybook.js';
import { parsePlaybook } from '../load/loadPlaybook.js';
import { needsAjv } from './runPlaybook.js';

// The plain keywords of an input (type, enum, pattern, lengths, bounds) are checked without ajv. These
// properties pin that check to ajv's own answer (allErrors, strictNumbers, RE2 patterns): the same
// errors, in the same order, with the same params and data, for any spec and any value.
const ajv = new (loadAjv())({
  allErrors: true,
  verbose: true,
  strict: false,
  strictNumbers: true,
  validateSchema: false,
  code: { regExp: linearRegExpEngine },
});

const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
const KEYS = ['type', 'enum', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum'] as const;

function ajvErrors(spec: InputSpec, value: unknown) {
  const schema: Record<string, unknown> = {};
  for (const key of KEYS) if (spec[key] !== undefined) schema[key] = spec[key];
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) compiled.set(key, (validate = ajv.compile(schema)));
  if (validate(value)) return [];
  return (validate.errors ?? []).map(({ keyword, params, data }) => ({ keyword, params, data }));
}

const plainErrors = (spec: InputSpec, value: unknown) =>
  plainValidator(spec)(value).map(({ keyword, params, data }) => ({ keyword, params, data }));

const scalar = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom('', 'a', 'ab', 'i-0abc', '😀😀', 'x😀', '\ud800'),
  fc.integer({ min: -5, max: 5 }),
  fc.double({ noNaN: false, min: -10, max: 10 }),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, 2.5, 0, -0),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('a', 'b'), scalar, { maxKeys: 2 }),
);
const enumValue = fc.oneof(
  fc.constantFrom('a', 'ab', 'i-0abc', '😀😀', 1, 2, 2.5, 0, true, null),
  fc.array(fc.constantFrom(1, 'a'), { maxLength: 2 }),
  fc.constant({ a: 1 }),
);
const spec: fc.Arbitrary<InputSpec> = fc.record(
  {
    type: fc.constantFrom('string', 'number', 'integer', 'boolean', 'array', 'object'),
    enum: fc.array(enumValue, { minLength: 1, maxLength: 3 }) as fc.Arbitrary<[unknown, ...unknown[]]>,
    pattern: fc.constantFrom('^a', 'b$', '^i-[0-9a-f]+$', '.', '😀', '^(a+)+$'),
    minLength: fc.integer({ min: 0, max: 3 }),
    maxLength: fc.integer({ min: 0, max: 3 }),
    minimum: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ min: -3, max: 3, noNaN: true })),
    maximum: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ min: -3, max: 3, noNaN: true })),
  },
  { requiredKeys: ['type'] },
);

describe('plain input checks, without ajv', () => {
  it('report exactly what ajv reports, in its order, for any spec and value', () => {
    fc.assert(
      fc.property(spec, value, (s, v) => {
        expect(plainErrors(s, v)).toEqual(ajvErrors(s, v));
      }),
      // A fixed seed: the same cases on every machine and every run.
      { numRuns: 1500, seed: 20_261_207 },
    );
  }, 60_000);

  it('agree with ajv on the values that matter most: wrong types, enums of objects, code points', () => {
    const cases: Array<[InputSpec, unknown]> = [
      [{ type: 'string', pattern: '^a', minLength: 2 }, 5],
      [{ type: 'string', enum: ['a'] }, 5],
      [{ type: 'string', enum: ['a'], maxLength: 1 }, 5],
      [{ type: 'number', minimum: 1 }, Number.NaN],
      [{ type: 'integer', minimum: 1 }, 0.5],
      [{ type: 'integer', maximum: 1 }, '3'],
      [{ type: 'object', enum: [{ a: 1 }] }, { a: 1 }],
      [{ type: 'array', enum: [[1, 'a']] }, [1, 'a']],
      [{ type: 'string', maxLength: 1 }, '😀'],
      [{ type: 'string', minLength: 2 }, '😀'],
    ];
    for (const [s, v] of cases) expect(plainErrors(s, v)).toEqual(ajvErrors(s, v));
    expect(plainErrors({ type: 'string', enum: ['a'], maxLength: 1 }, 5).map((e) => e.keyword)).toEqual([
      'enum',
      'type',
    ]);
  });

  it('needs ajv only for an items schema', () => {
    expect(inputsNeedAjv(undefined)).toBe(false);
    expect(inputsNeedAjv({ url: { type: 'string', pattern: '^https://' } })).toBe(false);
    expect(inputsNeedAjv({ ids: { type: 'array', items: { type: 'string' } } })).toBe(true);
  });
});

describe('whether a run loads ajv', () => {
  const withValidators = (id: string, kind: 'probe' | 'remediation') => {
    const def = defineAction({
      id,
      kind,
      description: 'Has its validators.',
      input: {},
      run: () => Promise.resolve({}),
    });
    return Object.freeze({ ...def, validators: { input: Object.assign(() => true, { errors: null }) } });
  };
  const custom = defineAction({
    id: 'custom.unused',
    kind: 'probe',
    description: 'A custom action with no precompiled validators, registered but not called.',
    input: { type: 'object' },
    run: () => Promise.resolve({}),
  });
  const playbook = (inputs: string) =>
    parsePlaybook(`firstline: 1
name: ajv-need
${inputs}checks:
  - id: probe
    action: test.probe
`);

  it('asks only the actions the playbook calls, and only an items schema among its inputs', () => {
    const actions = [withValidators('test.probe', 'probe'), custom];
    expect(needsAjv(compilePlaybook(playbook(''), { actions }))).toBe(false);
    const plain = 'inputs:\n  url: { type: string, pattern: "^https://" }\n';
    expect(needsAjv(compilePlaybook(playbook(plain), { actions }))).toBe(false);
    const list = 'inputs:\n  ids: { type: array, items: { type: string } }\n';
    expect(needsAjv(compilePlaybook(playbook(list), { actions }))).toBe(true);
    // A resumed run's inputs were checked when it started.
    expect(needsAjv(compilePlaybook(playbook(list), { actions }), false)).toBe(false);
    const called = [defineAction({ ...custom, id: 'test.probe' })];
    expect(needsAjv(compilePlaybook(playbook(''), { actions: called }))).toBe(true);
  });
});
