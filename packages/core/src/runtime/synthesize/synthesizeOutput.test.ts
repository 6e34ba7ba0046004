import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { completeOutput, synthesize, synthesizeOutput } from './synthesizeOutput.js';

const ajv = new Ajv2020({ strict: false, allowUnionTypes: true, validateFormats: false });
const seed = { runId: 'run-1', stepId: 'open-issue', visit: 1 };

function valid(schema: Record<string, unknown>, value: unknown): boolean {
  const check = ajv.compile(schema);
  const ok = check(value);
  if (!ok) console.error(check.errors);
  return ok;
}

describe('synthesizeOutput', () => {
  it('takes the top-level example first', () => {
    const schema = {
      type: 'object',
      properties: { number: { type: 'integer' } },
      examples: [{ number: 42 }],
    };
    expect(synthesize(schema, seed)).toEqual({ value: { number: 42 }, from: 'examples' });
  });

  it('uses defaults where there is no example, and says so', () => {
    const schema = {
      type: 'object',
      properties: { state: { type: 'string', default: 'open' }, n: { type: 'integer' } },
    };
    expect(synthesize(schema, seed)).toEqual({ value: { state: 'open', n: 0 }, from: 'default' });
  });

  it('builds a minimal valid value per type, respecting required, enum, const and bounds', () => {
    const schema = {
      type: 'object',
      required: ['id', 'count', 'state', 'kind', 'at', 'url', 'instance', 'tags', 'ok'],
      properties: {
        id: { type: 'string', minLength: 20 },
        count: { type: 'integer', minimum: 3, maximum: 9 },
        ratio: { type: 'number', exclusiveMinimum: 0 },
        state: { enum: ['running', 'stopped'] },
        kind: { const: 'alarm' },
        at: { type: 'string', format: 'date-time' },
        url: { type: 'string', format: 'uri' },
        instance: { type: 'string', pattern: '^i-[0-9a-f]{8,17}$' },
        tags: { type: 'array', items: { type: 'string' }, minItems: 2 },
        ok: { type: 'boolean' },
        maybe: { type: ['string', 'null'] },
      },
      additionalProperties: false,
    };
    const { value, from } = synthesize(schema, seed);
    expect(from).toBe('minimal');
    expect(valid(schema, value)).toBe(true);
    const v = value as Record<string, unknown>;
    expect(v.count).toBe(3);
    expect(v.state).toBe('running');
    expect(v.kind).toBe('alarm');
    expect(Number.isNaN(Date.parse(v.at as string))).toBe(false);
    expect(() => new URL(v.url as string)).not.toThrow();
    expect(v.instance).toMatch(/^i-[0-9a-f]{8}$/);
    expect((v.id as string).length).toBeGreaterThanOrEqual(20);
  });

  it('is stable for the same run, step and visit, and differs across them', () => {
    const schema = { type: 'object', properties: { id: { type: 'string' } } };
    const a = synthesizeOutput(schema, seed);
    expect(synthesizeOutput(schema, { ...seed })).toEqual(a);
    expect(synthesizeOutput(schema, { ...seed, runId: 'run-2' })).not.toEqual(a);
    expect(synthesizeOutput(schema, { ...seed, stepId: 'other' })).not.toEqual(a);
    expect(synthesizeOutput(schema, { ...seed, visit: 2 })).not.toEqual(a);
  });

  it('gives nothing for no schema, and follows oneOf/allOf', () => {
    expect(synthesizeOutput(undefined, seed)).toBeUndefined();
    const schema = {
      allOf: [
        { type: 'object', properties: { a: { type: 'integer', minimum: 1 } }, required: ['a'] },
        {
          type: 'object',
          properties: { b: { oneOf: [{ type: 'null' }, { type: 'string', minLength: 1 }] } },
        },
      ],
    };
    const value = synthesizeOutput(schema, seed);
    expect(valid(schema, value)).toBe(true);
    expect(value).toMatchObject({ a: 1 });
  });

  it('does not hand out the schema example by reference', () => {
    const schema = { type: 'object', examples: [{ list: [1] }] };
    (synthesizeOutput(schema, seed) as { list: number[] }).list.push(2);
    expect(schema.examples[0]).toEqual({ list: [1] });
  });
});

describe('completeOutput', () => {
  const schema = {
    type: 'object',
    required: ['number', 'url'],
    properties: {
      number: { type: 'integer', minimum: 1 },
      url: { type: 'string', format: 'uri' },
      meta: {
        type: 'object',
        required: ['a', 'b'],
        properties: { a: { type: 'string' }, b: { type: 'integer' } },
      },
    },
  };

  it('keeps scripted values and fills only what is required and missing, deeply', () => {
    const out = completeOutput(schema, { number: 7, meta: { a: 'given' } }, seed) as Record<string, unknown>;
    expect(out.number).toBe(7);
    expect(typeof out.url).toBe('string');
    expect(out.meta).toEqual({ a: 'given', b: 0 });
    expect(valid(schema, out)).toBe(true);
  });

  it('leaves out an optional field the script left out: its absence may be the point', () => {
    const out = completeOutput(schema, { number: 7 }, seed) as Record<string, unknown>;
    expect(out).not.toHaveProperty('meta');
  });

  it('keeps scripted extras and never overwrites a scripted falsy value', () => {
    const out = completeOutput(schema, { number: 0, extra: false }, seed) as Record<string, unknown>;
    expect(out.number).toBe(0);
    expect(out.extra).toBe(false);
  });
});
