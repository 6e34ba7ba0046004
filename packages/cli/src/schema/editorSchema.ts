import { coreActions, playbookSchema } from '@firstline/core';
import type { AnyActionDefinition, JSONSchema } from '@firstline/core';

/** The `$id` of the schema with actions (core's generic one is playbook-v1.json). */
export const EDITOR_SCHEMA_ID = 'https://firstline.dev/schema/playbook-v1-actions.json';

/** Where the CLI package ships the editor schema: `@firstline/cli/schema.json`. */
export const SCHEMA_EXPORT = '@firstline/cli/schema.json';

// A string holding `{{ }}`: core checks such a value only at run time (validate/actionCheck.ts), so the
// editor must accept it wherever the action's schema wants a number, a boolean, a list or a pattern.
const TEMPLATE: JSONSchema = {
  type: 'string',
  pattern: '\\{\\{',
  description: 'A {{ expression }}, evaluated at run time.',
};

// Keywords whose value is one subschema, a list of them, or a map of them (not `not`, `if` or
// `propertyNames`: a template there would flip or widen their meaning).
const ONE = ['items', 'additionalProperties', 'contains', 'then', 'else'];
const LIST = ['anyOf', 'oneOf', 'allOf', 'prefixItems'];
const MAP = ['properties', 'patternProperties', '$defs', 'definitions'];
// What an editor shows on hover and offers on completion: kept on the outside of the wrapper.
const SHOWN = ['title', 'description', 'default', 'examples', 'markdownDescription', 'deprecated'];

/**
 * The playbook JSON Schema with the given actions folded in: `action:` offers every known id (any
 * other well-formed id still validates), and each step's `with:` is checked against its action's input
 * schema, descriptions included, a `{{ }}` string accepted wherever a value is only known at run time.
 * Core's built-in actions are always included; later definitions of an id win.
 *
 * @example
 * writeFileSync('firstline.schema.json', JSON.stringify(editorSchema(installed.actions), null, 2));
 */
export function editorSchema(actions: readonly AnyActionDefinition[]): JSONSchema {
  const byId = new Map<string, AnyActionDefinition>();
  for (const action of [...coreActions, ...actions]) byId.set(action.id, action);
  const sorted = [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  const schema = structuredClone(playbookSchema) as JSONSchema;
  // Another document than core's: its own id, so both can be loaded side by side (ajv, editors).
  schema.$id = EDITOR_SCHEMA_ID;
  const defs = schema.$defs as Record<string, JSONSchema>;
  const generic = defs.actionId!;
  defs.actionId = {
    title: generic.title,
    description: generic.description,
    anyOf: [
      {
        enum: sorted.map((a) => a.id),
        markdownEnumDescriptions: sorted.map((a) => `**${a.kind}**: ${a.description}`),
      },
      // Your own actions: any well-formed id (no title or description, so hover shows the id's own).
      { type: generic.type, pattern: generic.pattern },
    ],
  };
  // No title or description: editors would show them instead of the step's and the input's own.
  defs.actionInputs = {
    allOf: sorted.map((action) => ({
      if: { properties: { action: { const: action.id } }, required: ['action'] },
      then: { properties: { with: withSchema(action) } },
    })),
  };
  for (const name of ['actionStep', 'notifyStep']) {
    const step = defs[name]!;
    step.allOf = [...((step.allOf as JSONSchema[] | undefined) ?? []), { $ref: '#/$defs/actionInputs' }];
  }
  const summary = typeof schema.description === 'string' ? `${schema.description} ` : '';
  schema.description = `${summary}Includes the inputs of ${sorted.length} actions.`;
  return schema;
}

/** The `with:` schema of one action: its input schema, lenient to templates, with its description. */
function withSchema(action: AnyActionDefinition): JSONSchema {
  const input = lenient(structuredClone(action.input), true);
  return { ...input, description: `${action.id} (${action.kind}): ${action.description}` };
}

/**
 * A schema that also accepts a `{{ }}` string wherever a value could be templated: every subschema
 * becomes `anyOf: [itself, template]`, its hover text kept outside. `top` is `with:` itself, which
 * must stay a mapping.
 */
export function lenient(schema: unknown, top = false): JSONSchema {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return schema as JSONSchema;
  const copy: JSONSchema = { ...(schema as JSONSchema) };
  for (const key of ONE) if (key in copy) copy[key] = lenient(copy[key]);
  for (const key of LIST)
    if (Array.isArray(copy[key])) copy[key] = (copy[key] as unknown[]).map((s) => lenient(s));
  for (const key of MAP) {
    const map = copy[key];
    if (typeof map === 'object' && map !== null)
      copy[key] = Object.fromEntries(Object.entries(map).map(([k, s]) => [k, lenient(s)]));
  }
  if (top || acceptsAnyString(copy)) return copy;
  const shown = Object.fromEntries(SHOWN.filter((k) => k in copy).map((k) => [k, copy[k]]));
  return { ...shown, anyOf: [copy, TEMPLATE] };
}

// A plain `type: string` with no pattern, enum or format takes a template as it is: no wrapper needed.
function acceptsAnyString(schema: JSONSchema): boolean {
  const constrained = ['pattern', 'enum', 'const', 'format', 'minLength', 'maxLength', 'anyOf', 'oneOf'];
  return schema.type === 'string' && !constrained.some((k) => k in schema);
}
