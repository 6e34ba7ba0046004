import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { ACTION_AJV_OPTIONS, schemaErrors } from '../packages/core/src/actions/schemaValidators.js';
import type { CompiledSchema } from '../packages/core/src/actions/schemaValidators.js';
import { renderActionValidators, targetFile, VALIDATOR_TARGETS } from '../scripts/gen-action-validators.js';

// The installed actions' validators are compiled at build time (scripts/gen-action-validators.ts):
// each generated module must match what its package's schemas generate now, be attached to every
// definition its factory builds, and answer exactly as ajv compiling the schema at run time would.

/** Inputs that exercise a schema: its valid output examples and a few shapes every schema refuses or accepts. */
function samples(example: unknown): unknown[] {
  return [example, {}, null, 'text', 42, [], { unknownField: 1 }, { region: 7 }, { message: '' }];
}

/** What a validator reports, without the schema objects ajv's verbose mode links to. */
function answer(validate: CompiledSchema, data: unknown) {
  return schemaErrors(validate, data).map(({ keyword, instancePath, schemaPath, params, message }) => ({
    keyword,
    instancePath,
    schemaPath,
    params,
    message,
  }));
}

describe.each(VALIDATOR_TARGETS.map((target) => [target.path, target] as const))('%s', (_path, target) => {
  // The first test of a package loads its action modules (the AWS SDK clients' definitions, from sources) and
  // compiles every schema: 5 s and more on a cold worker. A wider bound, the same assertion.
  it('is what the schemas generate now (pnpm gen rewrites it)', { timeout: 30_000 }, async () => {
    expect(await readFile(targetFile(target), 'utf8')).toBe(renderActionValidators(await target.actions()));
  });

  it('is attached to every action the factory builds, input and output', async () => {
    const actions = await target.actions();
    expect(actions.length).toBeGreaterThan(0);
    for (const def of actions) {
      expect(def.validators?.input, `${def.id} input`).toBeTypeOf('function');
      if (def.output) expect(def.validators?.output, `${def.id} output`).toBeTypeOf('function');
    }
  });

  it('answers as ajv compiling the schema at run time does', async () => {
    const ajv = new Ajv2020(ACTION_AJV_OPTIONS);
    for (const def of await target.actions()) {
      const runtimeInput = ajv.compile(def.input) as CompiledSchema;
      const examples = (def.output?.examples as unknown[] | undefined) ?? [undefined];
      for (const data of examples.flatMap(samples))
        expect(answer(def.validators!.input!, data), `${def.id} input`).toEqual(answer(runtimeInput, data));
      if (!def.output) continue;
      const runtimeOutput = ajv.compile(def.output) as CompiledSchema;
      for (const data of examples.flatMap(samples))
        expect(answer(def.validators!.output!, data), `${def.id} output`).toEqual(
          answer(runtimeOutput, data),
        );
    }
  });
});
