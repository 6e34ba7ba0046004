import { hashData } from '../load/hash.js';
import type { AnyActionDefinition } from './registry.js';
import type { CompiledSchema, PrecompiledValidators } from './schemaValidators.js';

/** One action's validators as `pnpm gen` writes them, each with the hash of the schema it was compiled from. */
export interface GeneratedValidators {
  /** The input schema's validator. */
  input?: CompiledSchema;
  /** `hashData` of the input schema it was compiled from. */
  inputHash?: string;
  /** The output schema's validator. */
  output?: CompiledSchema;
  /** `hashData` of the output schema it was compiled from. */
  outputHash?: string;
}

/**
 * Gives each definition the validators generated for its id, when they were compiled from the very
 * schema it has now (a definition built with different options, or edited since `pnpm gen`, keeps
 * none and is compiled by ajv on first use instead: never a validator of another schema).
 */
export function withPrecompiledValidators<T extends AnyActionDefinition>(
  generated: Readonly<Record<string, GeneratedValidators>>,
  definitions: readonly T[],
): T[] {
  return definitions.map((def) => withPrecompiledValidator(generated, def));
}

/**
 * {@link withPrecompiledValidators} for one definition. Whether a validator was compiled from the
 * schema the definition has now is checked when the validator is first read, not here: hashing every
 * installed action's schemas cost each CLI start several milliseconds, for a `validate` that reads
 * the validators of the few actions its playbook calls.
 */
export function withPrecompiledValidator<T extends AnyActionDefinition>(
  generated: Readonly<Record<string, GeneratedValidators>>,
  def: T,
): T {
  const entry = Object.hasOwn(generated, def.id) ? generated[def.id] : undefined;
  if (!entry || (!entry.input && !(entry.output && def.output))) return def;
  let input: CompiledSchema | undefined | null = null;
  let output: CompiledSchema | undefined | null = null;
  const validators = Object.freeze(
    Object.defineProperties<PrecompiledValidators>(
      {},
      {
        input: {
          enumerable: true,
          get: () =>
            input === null
              ? (input = entry.input && entry.inputHash === hashData(def.input) ? entry.input : undefined)
              : input,
        },
        output: {
          enumerable: true,
          get: () =>
            output === null
              ? (output =
                  entry.output && def.output && entry.outputHash === hashData(def.output)
                    ? entry.output
                    : undefined)
              : output,
        },
      },
    ),
  );
  return Object.freeze({ ...def, validators });
}
