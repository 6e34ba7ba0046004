import { hashData } from '../load/hash.js';
import type { AnyActionDefinition } from './registry.js';
import type { CompiledSchema } from './schemaValidators.js';

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

/** {@link withPrecompiledValidators} for one definition. */
export function withPrecompiledValidator<T extends AnyActionDefinition>(
  generated: Readonly<Record<string, GeneratedValidators>>,
  def: T,
): T {
  const entry = Object.hasOwn(generated, def.id) ? generated[def.id] : undefined;
  if (!entry) return def;
  const input = entry.input && entry.inputHash === hashData(def.input) ? entry.input : undefined;
  const output =
    entry.output && def.output && entry.outputHash === hashData(def.output) ? entry.output : undefined;
  if (!input && !output) return def;
  return Object.freeze({ ...def, validators: { ...(input && { input }), ...(output && { output }) } });
}
