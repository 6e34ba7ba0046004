import { describe, expect, it } from 'vitest';
import { defineAction } from './defineAction.js';
import { canonicalJson } from '../load/hash.js';
import { withPrecompiledValidator, withPrecompiledValidators } from './precompiled.js';
import type { GeneratedValidators } from './precompiled.js';
import type { CompiledSchema } from './schemaValidators.js';

const schema = {
  type: 'object',
  required: ['host'],
  properties: { host: { type: 'string' } },
};
const outputSchema = { type: 'object', properties: { ok: { type: 'boolean' } } };

const action = (id: string, input: Record<string, unknown> = schema) =>
  defineAction<{ host: string }, { ok: boolean }>({
    id,
    kind: 'probe',
    description: 'Pings a host.',
    input,
    output: outputSchema,
    run: () => Promise.resolve({ ok: true }),
  });

// Stand-ins for what `pnpm gen` writes: named validators, so a test can tell which one it got.
const generatedInput: CompiledSchema = () => true;
const generatedOutput: CompiledSchema = () => true;
const generated: Record<string, GeneratedValidators> = {
  'net.icmp.ping': {
    input: generatedInput,
    inputSchema: canonicalJson(schema),
    output: generatedOutput,
    outputSchema: canonicalJson(outputSchema),
  },
};

describe('withPrecompiledValidator', () => {
  it('gives a definition the validators generated from its very schemas', () => {
    const def = withPrecompiledValidator(generated, action('net.icmp.ping'));
    expect(def.validators?.input).toBe(generatedInput);
    expect(def.validators?.output).toBe(generatedOutput);
    expect(Object.isFrozen(def)).toBe(true);
  });

  it('keeps none for a schema changed since it was generated (ajv compiles that one on first use)', () => {
    const changed = { ...schema, properties: { host: { type: 'string', minLength: 1 } } };
    const def = withPrecompiledValidator(generated, action('net.icmp.ping', changed));
    expect(def.validators?.input).toBeUndefined();
    expect(def.validators?.output).toBe(generatedOutput);
    const stale = { 'net.icmp.ping': { input: generatedInput, inputSchema: canonicalJson(schema) } };
    expect(withPrecompiledValidator(stale, action('net.icmp.ping', changed)).validators).toBeUndefined();
  });

  it('leaves a definition without generated validators as it is', () => {
    const def = action('net.icmp.other');
    expect(withPrecompiledValidators(generated, [def])[0]).toBe(def);
  });

  it('compares a schema on the first read of its validators, once, not when the definitions are made', () => {
    let reads = 0;
    // A schema that counts how often it is read: comparing it reads `type`.
    const counted = Object.defineProperty({ ...schema }, 'type', {
      enumerable: true,
      get: () => {
        reads++;
        return 'object';
      },
    });
    const gen = { 'net.icmp.ping': { input: generatedInput, inputSchema: canonicalJson(counted) } };
    reads = 0;
    const [def] = withPrecompiledValidators(gen, [
      action('net.icmp.ping', counted),
      action('net.icmp.other'),
    ]);
    expect(reads).toBe(0);
    expect(def!.validators?.input).toBe(generatedInput);
    expect(reads).toBe(1);
    expect(def!.validators?.input).toBe(generatedInput);
    expect(reads).toBe(1);
  });
});

describe('matching a generated validator to its schema (canonical text, exactly)', () => {
  it('takes the same schema written in another key order, and refuses any change, however small', () => {
    const reordered = { properties: { host: { type: 'string' } }, required: ['host'], type: 'object' };
    expect(withPrecompiledValidator(generated, action('net.icmp.ping', reordered)).validators?.input).toBe(
      generatedInput,
    );
    for (const changed of [
      { ...schema, required: [] },
      { ...schema, required: ['hosT'] },
      { ...schema, properties: { host: { type: 'string', minLength: 1 } } },
      { ...schema, properties: { host: { type: 'number' } } },
      { ...schema, additionalProperties: false },
      { ...schema, type: 'Object' },
    ])
      expect(
        withPrecompiledValidator(generated, action('net.icmp.ping', changed)).validators?.input,
      ).toBeUndefined();
  });
});
