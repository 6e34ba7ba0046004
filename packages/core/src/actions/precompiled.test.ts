import { describe, expect, it } from 'vitest';
import { hashData } from '../load/hash.js';
import { defineAction } from './defineAction.js';
import { withPrecompiledValidator } from './precompiled.js';
import type { CompiledSchema } from './schemaValidators.js';

const input = { type: 'object', properties: { host: { type: 'string' } } } as const;
const output = { type: 'object', properties: { ok: { type: 'boolean' } } } as const;
const probe = defineAction<{ host?: string }, { ok: boolean }>({
  id: 'test.probe',
  kind: 'probe',
  description: 'A probe (stand-in: never run).',
  input,
  output,
  run: () => Promise.resolve({ ok: true }),
});
// Stand-ins for generated validators, named so: they accept everything.
const compiledInput: CompiledSchema = () => true;
const compiledOutput: CompiledSchema = () => true;

describe('withPrecompiledValidator', () => {
  it('gives a definition the validators compiled from its very schemas', () => {
    const def = withPrecompiledValidator(
      {
        'test.probe': {
          input: compiledInput,
          inputHash: hashData(input),
          output: compiledOutput,
          outputHash: hashData(output),
        },
      },
      probe,
    );
    expect(def.validators?.input).toBe(compiledInput);
    expect(def.validators?.output).toBe(compiledOutput);
    expect(def.id).toBe(probe.id);
  });

  it('reads no validator compiled from another schema (checked when first read, the answer kept)', () => {
    const def = withPrecompiledValidator(
      {
        'test.probe': {
          input: compiledInput,
          inputHash: hashData({ ...input, required: ['host'] }),
          output: compiledOutput,
          outputHash: hashData(output),
        },
      },
      probe,
    );
    expect(def.validators?.input).toBeUndefined();
    expect(def.validators?.input).toBeUndefined();
    expect(def.validators?.output).toBe(compiledOutput);
  });

  it('leaves a definition without generated validators as it is', () => {
    expect(withPrecompiledValidator({}, probe)).toBe(probe);
    expect(withPrecompiledValidator({ 'test.probe': {} }, probe)).toBe(probe);
  });
});
