import type { StepFunctionsJsonPathTask } from '@firstline/core';
import { parseTemplate } from '@firstline/core/internal';
import type { ActionNode } from '@firstline/core/internal';
import type { Context } from './jsonPath.js';
import { unsupported } from './unsupported.js';

// The JSONPath variant's values: `with:` as literals, paths over `$.inputs` or intrinsics
// (`States.Format`, `States.Array`), and a native task's Parameters built from them.

/** A `with:` value in JSONPath: a literal, or a path / intrinsic to put under a `<key>.$` field. */
export type Rendered = { literal: unknown } | { dynamic: string } | { absent: true };

/** A native task's Parameters: each `$input.<field>` replaced by the step's value for it. */
export function nativeParameters(
  ctx: Context,
  node: ActionNode,
  task: StepFunctionsJsonPathTask,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, template] of Object.entries(task.parameters)) {
    if (typeof template !== 'string' || !template.includes('$input.')) {
      out[key] = template;
      continue;
    }
    const whole = /^\$input\.(\w+)$/.exec(template);
    if (whole) {
      const value = render(ctx, node, node.with[whole[1]!]);
      if ('absent' in value) continue;
      if ('literal' in value) out[key] = value.literal;
      else out[`${key}.$`] = value.dynamic;
      continue;
    }
    out[`${key}.$`] = template.replace(/\$input\.(\w+)/g, (_, name: string) => {
      const value = render(ctx, node, node.with[name]);
      if ('dynamic' in value) return value.dynamic;
      if ('literal' in value && typeof value.literal === 'string') return intrinsicString(value.literal);
      if ('literal' in value && (typeof value.literal === 'number' || typeof value.literal === 'boolean'))
        return String(value.literal);
      throw unsupported(
        ctx.where(node.id),
        `queryLanguage JSONPath: with.${name} cannot be passed to ${key}`,
      );
    });
  }
  return out;
}

/** A string literal for an intrinsic function's argument, its quotes and braces escaped. */
export const intrinsicString = (text: string) => `'${text.replace(/[\\'{}]/g, (c) => `\\${c}`)}'`;

/** A `with:` object for the runner's payload; whole `{{ secrets.x }}` values become references. */
export function renderObject(ctx: Context, node: ActionNode, value: Record<string, unknown>) {
  const fields: Record<string, unknown> = {};
  const secrets: Array<{ path: string[]; name: string; ref: unknown }> = [];
  for (const [key, item] of Object.entries(value)) {
    const secret = typeof item === 'string' ? /^\{\{\s*secrets\.([A-Za-z_][\w-]*)\s*\}\}$/.exec(item) : null;
    if (secret) {
      secrets.push({ path: [key], name: secret[1]!, ref: (ctx.compiled.document.secrets ?? {})[secret[1]!] });
      continue;
    }
    const rendered = render(ctx, node, item);
    if ('literal' in rendered) fields[key] = rendered.literal;
    else if ('dynamic' in rendered) fields[`${key}.$`] = rendered.dynamic;
  }
  return { fields, secrets };
}

/** One `with:` value in JSONPath: templates may only read `inputs.<name>` (and `name`). */
export function render(ctx: Context, node: ActionNode, value: unknown): Rendered {
  if (value === undefined) return { absent: true };
  if (typeof value === 'string') {
    if (!value.includes('{{')) return { literal: value };
    const { parts } = parseTemplate(value);
    const refs = parts.map((part) => {
      if (part.kind === 'text') return undefined;
      const source = part.source.trim();
      if (source === 'name') return { literal: ctx.compiled.name };
      if (!/^inputs\.[A-Za-z_]\w*$/.test(source))
        throw unsupported(
          ctx.where(node.id),
          `queryLanguage JSONPath: {{ ${source} }} is not a plain input; export with JSONata`,
        );
      return { path: `$.${source}` };
    });
    const only = refs.length === 1 ? refs[0] : undefined;
    if (only && 'path' in only && only.path !== undefined) return { dynamic: only.path };
    let text = '';
    const args: string[] = [];
    parts.forEach((part, i) => {
      const ref = refs[i];
      if (part.kind === 'text') text += part.text;
      else if (ref && 'literal' in ref) text += ref.literal;
      else if (ref) {
        text += '{}';
        args.push(ref.path);
      }
    });
    if (args.length === 0) return { literal: text };
    return {
      dynamic: `States.Format(${[intrinsicString(text).replace(/\\\{\\\}/g, '{}'), ...args].join(', ')})`,
    };
  }
  if (Array.isArray(value)) {
    const items = value.map((item) => render(ctx, node, item));
    if (items.every((i) => 'literal' in i)) return { literal: items.map((i) => i.literal) };
    const args = items.map((i) =>
      'dynamic' in i
        ? i.dynamic
        : 'literal' in i && typeof i.literal === 'string'
          ? intrinsicString(i.literal)
          : undefined,
    );
    if (args.some((a) => a === undefined))
      throw unsupported(
        ctx.where(node.id),
        'queryLanguage JSONPath: a list mixing inputs and objects; export with JSONata',
      );
    return { dynamic: `States.Array(${args.join(', ')})` };
  }
  if (value !== null && typeof value === 'object') {
    const { fields, secrets } = renderObject(ctx, node, value as Record<string, unknown>);
    if (secrets.length > 0)
      throw unsupported(
        ctx.where(node.id),
        'queryLanguage JSONPath: a secret inside an object; give it its own field',
      );
    return { literal: fields };
  }
  return { literal: value };
}
