import type { AnyActionDefinition, IamStatement, JSONSchema } from '@firstline/core';

/** One input or output field of an action, as the catalogue lists it. */
export interface FieldRow {
  /** The property name. */
  name: string;
  /** Its type in a few characters: `string`, `string[]`, `"a" | "b"`, `integer`. */
  type: string;
  /** Whether the action needs it. */
  required: boolean;
  /** Its default, as JSON, when it has one. */
  default?: string;
  /** Its description, when the schema gives one. */
  description?: string;
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

/** The fields of an object schema (an action's input or output), in declaration order. */
export function fieldRows(schema: JSONSchema | undefined): FieldRow[] {
  const s = record(schema);
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  return Object.entries(record(s.properties)).map(([name, property]) => {
    const p = record(property);
    return {
      name,
      type: typeText(p),
      required: required.has(name),
      ...(p.default !== undefined && { default: JSON.stringify(p.default) }),
      ...(typeof p.description === 'string' && { description: oneLine(p.description) }),
    };
  });
}

/** A schema's type as people write it: `string`, `integer[]`, `"OK" | "ALARM"`, `string | string[]`. */
export function typeText(schema: unknown): string {
  const s = record(schema);
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  const union = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(union) && s.type === undefined)
    return [...new Set(union.map((branch) => typeText(branch)))].join(' | ');
  const types = Array.isArray(s.type) ? (s.type as string[]) : typeof s.type === 'string' ? [s.type] : [];
  if (types.length === 0) return 'any';
  return types.map((t) => (t === 'array' ? `${bracket(typeText(s.items))}[]` : t)).join(' | ');
}

const bracket = (type: string) => (type.includes(' ') ? `(${type})` : type);

/** A description on one line (schema descriptions may wrap). */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * A `with:` for an example step: each required input from its schema's first example, default,
 * first allowed value, or else a `{{ inputs.<name> }}` template (which the format accepts anywhere).
 */
export function exampleWith(action: AnyActionDefinition): Record<string, unknown> {
  return sample(action.input, (name) => `{{ inputs.${name} }}`) as Record<string, unknown>;
}

/**
 * The IAM statements of an action for an input it does not know yet: required strings `*`, lists
 * `["*"]` (the widest resource of each type), as `firstline permissions` scopes a templated input.
 * Run's and plan's; empty for actions that call no AWS API.
 */
export function samplePermissions(action: AnyActionDefinition): {
  run: IamStatement[];
  plan: IamStatement[];
} {
  const input = sample(action.input, () => '*', true);
  try {
    return { run: action.permissions?.(input) ?? [], plan: action.planPermissions?.(input) ?? [] };
  } catch {
    // An action whose permissions need a concrete value: nothing to show without one.
    return { run: [], plan: [] };
  }
}

function sample(schema: unknown, unknown: (name: string) => unknown, wild = false, name = 'value'): unknown {
  const s = record(schema);
  const examples = Array.isArray(s.examples) ? s.examples : [];
  if (!wild && examples.length > 0) return examples[0];
  if (!wild && s.default !== undefined) return s.default;
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  if (s.type === 'object' || s.properties) {
    // "One of these is needed" (anyOf/oneOf of `required` lists): the first way is taken.
    const branch = ((s.anyOf ?? s.oneOf) as unknown[] | undefined)
      ?.map(record)
      .find((b) => Array.isArray(b.required));
    const required = [
      ...new Set([
        ...(Array.isArray(s.required) ? (s.required as unknown[]) : []),
        ...((branch?.required as unknown[] | undefined) ?? []),
      ]),
    ] as string[];
    const properties = record(s.properties);
    return Object.fromEntries(required.map((key) => [key, sample(properties[key], unknown, wild, key)]));
  }
  if (wild && s.type === 'array') return [sample(s.items, unknown, wild, name)];
  if (wild && s.type !== 'string') return s.default ?? (s.type === 'boolean' ? false : 1);
  return unknown(name);
}
