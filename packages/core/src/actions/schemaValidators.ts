import type { Ajv2020 as Ajv } from 'ajv/dist/2020.js';
import type { InputSchemaError } from './registry.js';
import { loadAjv } from '../util/loadAjv.js';
import type { JSONSchema } from './types.js';

/** A validator compiled from a JSON Schema (ajv's shape): true when valid, else `errors` says why. */
export interface CompiledSchema {
  /** Checks `data`; on false, {@link CompiledSchema.errors} holds what is wrong. */
  (data: unknown): boolean;
  /** What the last call found wrong; null or absent after a valid call. */
  errors?: InputSchemaError[] | null;
}

/** Validators an action package compiled at build time from an action's schemas (`pnpm gen`). */
export interface PrecompiledValidators {
  /** Checks a `with:` against the action's `input` schema. */
  input?: CompiledSchema;
  /** Checks a result against the action's `output` schema. */
  output?: CompiledSchema;
}

/**
 * The ajv options action schemas are checked with, at run time and when they are compiled at build
 * time, so a precompiled validator answers exactly as a runtime-compiled one. Action authors' schemas
 * may carry keywords of their own (descriptions for docs, x-*): lenient. No meta-schema check (a
 * cold start would pay ~50 ms for it); a broken schema still fails when ajv compiles it.
 */
export const ACTION_AJV_OPTIONS = {
  allErrors: true,
  verbose: true,
  strict: false,
  allowUnionTypes: true,
  validateSchema: false,
} as const;

// Actions installed from Firstline's packages carry precompiled validators: ajv loads only for the
// schemas of actions that have none (custom actions), into one shared instance.
let shared: Ajv | undefined;
const bySchema = new WeakMap<object, CompiledSchema>();

/** The one ajv instance for action schemas without precompiled validators (custom actions). */
function sharedAjv(): Ajv {
  return (shared ??= new (loadAjv())(ACTION_AJV_OPTIONS));
}

/**
 * A validator for an action's schema: the precompiled one when given, else compiled once per schema
 * object by the shared ajv (so re-created registries reuse it).
 */
export function schemaValidator(schema: JSONSchema, precompiled?: CompiledSchema): CompiledSchema {
  if (precompiled) return precompiled;
  let validate = bySchema.get(schema);
  if (!validate) {
    // A schema naming itself ($id) would clash in a shared instance with another copy of itself.
    const ajv =
      '$id' in schema ? new (sharedAjv().constructor as typeof Ajv)(ACTION_AJV_OPTIONS) : sharedAjv();
    validate = ajv.compile(schema) as CompiledSchema;
    bySchema.set(schema, validate);
  }
  return validate;
}

/** Runs a validator and returns a copy of its errors (empty when valid). */
export function schemaErrors(validate: CompiledSchema, data: unknown): InputSchemaError[] {
  return validate(data) ? [] : [...(validate.errors ?? [])];
}
