import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineAction } from '@firstline/core';
import type { ActionDefinition, FromSchema, JSONSchema } from '@firstline/core';

// Type tests: checked by `pnpm --filter @firstline/core typecheck` (a wrong inference is a compile
// error) and run by vitest, whose assertions on values keep the file honest at run time too.

describe('FromSchema', () => {
  it('reads the simple types, enum and const', () => {
    expectTypeOf<FromSchema<{ type: 'string' }>>().toEqualTypeOf<string>();
    expectTypeOf<FromSchema<{ type: 'integer'; minimum: 1 }>>().toEqualTypeOf<number>();
    expectTypeOf<FromSchema<{ type: 'number' }>>().toEqualTypeOf<number>();
    expectTypeOf<FromSchema<{ type: 'boolean'; default: false }>>().toEqualTypeOf<boolean>();
    expectTypeOf<FromSchema<{ type: 'null' }>>().toEqualTypeOf<null>();
    expectTypeOf<FromSchema<{ type: readonly ['string', 'null'] }>>().toEqualTypeOf<string | null>();
    expectTypeOf<FromSchema<{ enum: readonly ['a', 'b', 3] }>>().toEqualTypeOf<'a' | 'b' | 3>();
    expectTypeOf<FromSchema<{ const: 'GET' }>>().toEqualTypeOf<'GET'>();
  });

  it('reads objects: required, optional (defaults included), nested, records', () => {
    const schema = {
      type: 'object',
      required: ['url', 'retry'],
      additionalProperties: false,
      properties: {
        url: { type: 'string' },
        method: { enum: ['GET', 'HEAD'], default: 'GET' },
        retry: {
          type: 'object',
          required: ['attempts'],
          properties: { attempts: { type: 'integer' }, on: { type: 'array', items: { type: 'string' } } },
        },
        headers: { type: 'object', additionalProperties: { type: 'string' } },
        extra: { type: 'object' },
      },
    } as const;
    expectTypeOf<FromSchema<typeof schema>>().toEqualTypeOf<{
      url: string;
      retry: { attempts: number; on?: string[] };
      method?: 'GET' | 'HEAD';
      headers?: Record<string, string>;
      extra?: Record<string, unknown>;
    }>();
    expect(schema.required).toEqual(['url', 'retry']);
  });

  it('reads arrays, anyOf and oneOf', () => {
    expectTypeOf<FromSchema<{ type: 'array'; items: { type: 'integer' } }>>().toEqualTypeOf<number[]>();
    expectTypeOf<FromSchema<{ type: 'array' }>>().toEqualTypeOf<unknown[]>();
    expectTypeOf<
      FromSchema<{ anyOf: readonly [{ type: 'string' }, { type: 'array'; items: { type: 'string' } }] }>
    >().toEqualTypeOf<string | string[]>();
    expectTypeOf<
      FromSchema<{
        oneOf: readonly [
          { type: 'object'; required: readonly ['a']; properties: { a: { const: 1 } } },
          { type: 'object'; required: readonly ['b']; properties: { b: { type: 'boolean' } } },
        ];
      }>
    >().toEqualTypeOf<{ a: 1 } | { b: boolean }>();
  });

  it('lets type and properties decide, an anyOf/oneOf beside them only narrowing', () => {
    const range = {
      type: 'object',
      required: ['step'],
      oneOf: [{ required: ['last'] }, { required: ['start'] }],
      properties: { last: { type: 'string' }, start: { type: 'string' }, step: { type: 'string' } },
    } as const;
    expectTypeOf<FromSchema<typeof range>>().toEqualTypeOf<{ step: string; last?: string; start?: string }>();
    expect(range.oneOf).toHaveLength(2);
  });

  it('gives unknown for a schema it cannot read', () => {
    expectTypeOf<FromSchema<JSONSchema>>().toEqualTypeOf<unknown>();
    expectTypeOf<FromSchema<{ description: 'anything' }>>().toEqualTypeOf<unknown>();
  });
});

describe('defineAction infers from its schemas', () => {
  const check = defineAction({
    id: 'test.types.check',
    kind: 'probe',
    description: 'Checks a URL.',
    input: {
      type: 'object',
      required: ['url'],
      properties: { url: { type: 'string' }, timeout: { type: 'string', default: '5s' } },
    },
    output: {
      type: 'object',
      required: ['status'],
      properties: { status: { type: 'integer' }, body: { type: 'string' } },
    },
    run(input) {
      expectTypeOf(input).toEqualTypeOf<{ url: string; timeout?: string }>();
      return Promise.resolve({ status: input.url.length });
    },
    describe: (input) => `check ${input.url}`,
  });

  it('types run, describe and the definition from input and output', async () => {
    expectTypeOf(check).toEqualTypeOf<
      ActionDefinition<{ url: string; timeout?: string }, { status: number; body?: string }>
    >();
    expect(check.describe?.({ url: 'https://x.test' })).toBe('check https://x.test');
    // @ts-expect-error: `url` is required by the schema.
    expect(check.describe?.({})).toBe('check undefined');
    expect(await check.run({ url: 'abc' }, {} as never)).toEqual({ status: 3 });
  });

  it('rejects a result the output schema does not allow', () => {
    defineAction({
      id: 'test.types.bad',
      kind: 'probe',
      description: 'Returns the wrong thing.',
      input: { type: 'object' },
      output: { type: 'object', required: ['n'], properties: { n: { type: 'number' } } },
      // @ts-expect-error: `n` must be a number.
      run: () => Promise.resolve({ n: 'one' }),
    });
  });

  it("takes an enum's literal result written as const (TypeScript widens a bare one)", () => {
    const output = {
      type: 'object',
      required: ['via'],
      properties: { via: { enum: ['api', 'webhook'] } },
    } as const;
    const posted = defineAction({
      id: 'test.types.literal',
      kind: 'notify',
      description: 'Returns an enum value.',
      input: { type: 'object' },
      output,
      run: () => Promise.resolve({ via: 'api' as const }),
    });
    expectTypeOf(posted).toEqualTypeOf<
      ActionDefinition<Record<string, unknown>, { via: 'api' | 'webhook' }>
    >();
    defineAction({
      id: 'test.types.widened',
      kind: 'notify',
      description: 'Returns a bare literal.',
      input: { type: 'object' },
      output,
      // @ts-expect-error: the bare 'api' widens to string (see the writing-actions guide).
      run: () => Promise.resolve({ via: 'api' }),
    });
  });

  it('keeps explicit type arguments working', () => {
    const explicit = defineAction<{ name: string }, { ok: true }>({
      id: 'test.types.explicit',
      kind: 'probe',
      description: 'Explicit types.',
      input: { type: 'object' },
      run: () => Promise.resolve({ ok: true as const }),
    });
    expectTypeOf(explicit).toEqualTypeOf<ActionDefinition<{ name: string }, { ok: true }>>();
  });

  it('without an output schema the result is unknown', () => {
    const plain = defineAction({
      id: 'test.types.plain',
      kind: 'notify',
      description: 'No output schema.',
      input: { type: 'object', properties: { text: { type: 'string' } } },
      run: (input) => Promise.resolve(input.text),
    });
    expectTypeOf(plain).toEqualTypeOf<ActionDefinition<{ text?: string }, unknown>>();
  });
});
