import { canonicalJson } from '../load/hash.js';
import type { AnyActionDefinition } from './registry.js';
import type { CompiledSchema, PrecompiledValidators } from './schemaValidators.js';

/** One action's validators as `pnpm gen` writes them, each with the schema it was compiled from. */
export interface GeneratedValidators {
  /** The input schema's validator. */
  input?: CompiledSchema;
  /** The input schema it was compiled from, as canonical JSON (`canonicalJson`: keys sorted). */
  inputSchema?: string;
  /** The output schema's validator. */
  output?: CompiledSchema;
  /** The output schema it was compiled from, as canonical JSON (`canonicalJson`: keys sorted). */
  outputSchema?: string;
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
 * {@link withPrecompiledValidators} for one definition. The schema is compared on the first read of
 * `validators`, not here: a process that builds every action (a Lambda's cold start, `firstline
 * validate`) compares only the schemas of the actions its playbook calls.
 */
export function withPrecompiledValidator<T extends AnyActionDefinition>(
  generated: Readonly<Record<string, GeneratedValidators>>,
  def: T,
): T {
  const entry = Object.hasOwn(generated, def.id) ? generated[def.id] : undefined;
  if (!entry || (!entry.input && !entry.output)) return def;
  let checked = false;
  let validators: PrecompiledValidators | undefined;
  const lazy = Object.defineProperty({ ...def }, 'validators', {
    enumerable: true,
    get(): PrecompiledValidators | undefined {
      if (!checked) {
        checked = true;
        validators = matching(entry, def) ?? def.validators;
      }
      return validators;
    },
  });
  return Object.freeze(lazy);
}

/**
 * The generated validators compiled from the very schemas `def` has now; undefined when none was. The
 * schema is compared as canonical text, exactly: no digest (SHA-256 would load node:crypto, about 3 ms
 * of a cold `validate`; a hash written in JavaScript gets hot enough for V8 to optimise it, more CPU
 * still) and no collision either.
 */
function matching(entry: GeneratedValidators, def: AnyActionDefinition): PrecompiledValidators | undefined {
  const input = entry.input && entry.inputSchema === canonicalJson(def.input) ? entry.input : undefined;
  const output =
    entry.output && def.output && entry.outputSchema === canonicalJson(def.output) ? entry.output : undefined;
  if (!input && !output) return undefined;
  return { ...(input && { input }), ...(output && { output }) };
}
