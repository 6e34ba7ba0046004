import type { JSONSchema } from '../../actions/types.js';
import { minimalNumber, minimalString } from './scalars.js';
import type { SynthesisSeed } from './seed.js';
import { setOwn } from '../redact.js';

/** Where a synthesized output came from: the schema's `examples[0]`, its `default`s, or minimal values. */
export type SynthesisSource = 'examples' | 'default' | 'minimal';

/** A synthesized value and what it was built from. */
export interface Synthesized {
  /** The value; undefined when the schema says nothing usable (no schema, `$ref`, `not`). */
  value: unknown;
  /** `examples` when the top-level example was used, `default` when any default was, else `minimal`. */
  from: SynthesisSource;
}

/**
 * Builds a value from an action's output JSON Schema: its `examples[0]`, else its `default`s, else a
 * minimal valid value per type (`required`, `enum`/`const`, `minimum`, `minLength`, the common
 * `format`s and simple `pattern`s respected), with ids and strings derived from the run id, step id and
 * visit, so the same run always gets the same value and two steps never share an id.
 *
 * @example synthesizeOutput({ type: 'object', properties: { number: { type: 'integer', minimum: 1 } } }, { runId: 'r', stepId: 'open-issue' }) // { number: 1 }
 */
export function synthesizeOutput(schema: JSONSchema | undefined, seed: SynthesisSeed): unknown {
  return synthesize(schema, seed).value;
}

/** {@link synthesizeOutput}, also saying what the value was built from (for `simulate --explain`). */
export function synthesize(schema: JSONSchema | undefined, seed: SynthesisSeed): Synthesized {
  if (!schema) return { value: undefined, from: 'minimal' };
  const example = firstExample(schema);
  if (example !== undefined) return { value: example, from: 'examples' };
  const state = { usedDefault: false };
  const value = build(schema, seed, '$', state, 0);
  return { value, from: state.usedDefault ? 'default' : 'minimal' };
}

/**
 * Completes a scripted, possibly partial output from the synthesized one: scripted values win, and only
 * what the schema **requires** and the script left out is filled, at every depth. An optional field the
 * script leaves out stays out: its absence means something ("`picked` is absent when no series came
 * back"), so filling it would change the path the scenario meant to take.
 *
 * @example completeOutput(schema, { number: 7 }, { runId, stepId: 'open-issue' }) // { number: 7, url: '…', created: true }
 */
export function completeOutput(
  schema: JSONSchema | undefined,
  partial: unknown,
  seed: SynthesisSeed,
): unknown {
  return complete(schema, partial, seed).value;
}

/** A completed output, whether anything was filled in, and what the filler was built from. */
export interface Completed extends Synthesized {
  /** True when the synthesized output filled in anything the script left out. */
  filled: boolean;
}

/** {@link completeOutput}, also saying whether anything was filled and what from (for `simulate --explain`). */
export function complete(schema: JSONSchema | undefined, partial: unknown, seed: SynthesisSeed): Completed {
  const made = synthesize(schema, seed);
  const state = { filled: false };
  const value = merge(partial, made.value, schema, state);
  return { value, from: made.from, filled: state.filled };
}

function merge(given: unknown, filler: unknown, schema: unknown, state: { filled: boolean }): unknown {
  if (given === undefined) {
    if (filler !== undefined) state.filled = true;
    return filler;
  }
  if (!isPlainObject(given) || !isPlainObject(filler) || !isPlainObject(schema)) return given;
  const out: Record<string, unknown> = { ...given };
  const properties = isPlainObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? (schema.required as unknown[]) : [];
  for (const key of required)
    if (typeof key === 'string' && !(key in given) && filler[key] !== undefined) {
      out[key] = filler[key];
      state.filled = true;
    }
  for (const [key, value] of Object.entries(given))
    if (isPlainObject(value)) out[key] = merge(value, filler[key], properties[key], state);
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstExample(schema: JSONSchema): unknown {
  return Array.isArray(schema.examples) && schema.examples.length > 0 ? clone(schema.examples[0]) : undefined;
}

// A copy of a JSON value from a schema, so no run changes what the next one gets. Copied by hand: a
// JSON round trip per simulated step was the largest single cost of a scripted step.
function clone<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(clone) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    // As JSON would: a property holding undefined (or a function) is left out.
    if (item === undefined || typeof item === 'function') continue;
    // A key named __proto__ stays a key (as JSON.parse makes it), never the copy's prototype.
    setOwn(out, key, clone(item));
  }
  return out as T;
}

const MAX_DEPTH = 8;

function build(
  schema: unknown,
  seed: SynthesisSeed,
  path: string,
  state: { usedDefault: boolean },
  depth: number,
): unknown {
  if (schema === true || schema === undefined) return null;
  if (!isPlainObject(schema) || depth > MAX_DEPTH) return undefined;
  if (depth > 0) {
    const example = firstExample(schema);
    if (example !== undefined) return example;
  }
  if ('const' in schema) return clone(schema.const);
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return clone(schema.enum[0]);
  if (schema.default !== undefined) {
    state.usedDefault = true;
    return clone(schema.default);
  }
  const branches = (schema.oneOf ?? schema.anyOf) as unknown[] | undefined;
  if (
    Array.isArray(branches) &&
    branches.length > 0 &&
    schema.type === undefined &&
    schema.properties === undefined
  )
    return build(branches.find((b) => !isNullSchema(b)) ?? branches[0], seed, path, state, depth + 1);
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
    const merged = schema.allOf.reduce<Record<string, unknown>>((acc, part) => {
      const value = build(part, seed, path, state, depth + 1);
      return isPlainObject(value) ? { ...acc, ...value } : acc;
    }, {});
    const own = build({ ...schema, allOf: undefined }, seed, path, state, depth + 1);
    return isPlainObject(own) ? { ...merged, ...own } : Object.keys(merged).length > 0 ? merged : own;
  }
  switch (typeOf(schema)) {
    case 'object':
      return buildObject(schema, seed, path, state, depth);
    case 'array': {
      const items = schema.items;
      if (!isPlainObject(items) && items !== true) return [];
      const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const max = typeof schema.maxItems === 'number' ? schema.maxItems : Infinity;
      // One item where none is required: what reads `output.items[0]` finds something.
      const count = Math.min(Math.max(min, 1), max);
      return Array.from({ length: count }, (_, i) => build(items, seed, `${path}[${i}]`, state, depth + 1));
    }
    case 'string':
      return minimalString(schema, seed, path);
    case 'integer':
      return minimalNumber(schema, true);
    case 'number':
      return minimalNumber(schema, false);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return undefined;
  }
}

function buildObject(
  schema: Record<string, unknown>,
  seed: SynthesisSeed,
  path: string,
  state: { usedDefault: boolean },
  depth: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const properties = isPlainObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required)
    ? (schema.required as unknown[]).filter((k) => typeof k === 'string')
    : [];
  // Every declared property, not only the required ones: a later step may read an optional field.
  for (const key of new Set([...required, ...Object.keys(properties)])) {
    const value = build(properties[key] ?? {}, seed, `${path}.${key}`, state, depth + 1);
    if (value !== undefined) out[key] = value;
    else if (required.includes(key)) out[key] = null;
  }
  return out;
}

function typeOf(schema: Record<string, unknown>): string | undefined {
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return (type.find((t) => t !== 'null') ?? type[0]) as string | undefined;
  if (schema.properties !== undefined || schema.required !== undefined) return 'object';
  if (schema.items !== undefined) return 'array';
  return undefined;
}

function isNullSchema(schema: unknown): boolean {
  return isPlainObject(schema) && schema.type === 'null';
}
