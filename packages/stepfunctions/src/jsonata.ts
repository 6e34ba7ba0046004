import { analyzeExpression, parseTemplate } from '@firstline/core/internal';
import { unsupported } from './unsupported.js';
import type { Where } from './unsupported.js';

// A playbook's expressions read their scope as names (`inputs.url`, `steps.cpu.output`); in the exported
// state machine the same values are JSONata variables (`$inputs.url`, `$steps.cpu.output`), assigned as
// the execution goes. These helpers rewrite the one into the other and turn `with:` into one JSONata
// object constructor, which leaves out a key whose value is absent exactly as the engine does.

/** The scope names an exported expression may read, each a state machine variable of the same name. */
const VARIABLES = new Set(['inputs', 'steps', 'trigger', 'run', 'name', 'output']);

/** A secret value a runner task resolves itself: where it goes in `with`, and the secret's name. */
export interface SecretSlot {
  path: Array<string | number>;
  name: string;
}

/**
 * An expression with its scope names turned into variables (`inputs.url` → `$inputs.url`). Secrets are
 * never read by the state machine: an expression over one is refused, naming where it is.
 */
export function toVariables(source: string, where: Where): string {
  const analysis = analyzeExpression(source);
  if (!analysis.ok)
    throw unsupported(where, `\`${source.trim()}\` does not compile: ${analysis.error.message}`);
  const inserts: number[] = [];
  for (const ref of analysis.references) {
    if (ref.root === 'secrets')
      throw unsupported(
        where,
        `\`${source.trim()}\` reads a secret inside an expression; a state machine never holds secret values, so only a whole value \`{{ secrets.<name> }}\` of a step run by the action runner can use one`,
      );
    if (VARIABLES.has(ref.root)) inserts.push(ref.offset);
  }
  let out = source;
  for (const at of [...new Set(inserts)].sort((a, b) => b - a)) out = `${out.slice(0, at)}$${out.slice(at)}`;
  // `steps['open-issue']` becomes `$steps['open-issue']`; core's own rewrite makes the key lookup.
  return normalizeKeyLookups(out.trim());
}

/** `$steps['open-issue']` → ``$steps.`open-issue` ``, as core reads it (a string in brackets is a key). */
function normalizeKeyLookups(source: string): string {
  return source.replace(
    /([\w`\])])\s*\[\s*(['"])((?:(?!\2)[^\\`])*)\2\s*\]/g,
    (_, before: string, _q: string, name: string) => `${before}.\`${name}\``,
  );
}

/** A JSONata string literal. */
export const literal = (text: string): string => JSON.stringify(text);

/** A `{{ }}` string as one JSONata expression: a lone expression keeps its type, text splices as text. */
export function templateExpression(value: string, where: Where): string {
  const { parts, error } = parseTemplate(value);
  if (error) throw unsupported(where, `template "${value}": ${error.message}`);
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only?.kind === 'expr') return `(${toVariables(only.source, where)})`;
  const pieces = parts.map((part) =>
    // `$string` splices as core does: text as it is, numbers and booleans as written, the rest as JSON.
    part.kind === 'text' ? literal(part.text) : `$string(${toVariables(part.source, where)})`,
  );
  return `(${pieces.join(' & ')})`;
}

/** True when a string is exactly `{{ secrets.<name> }}`; returns the name. */
function wholeSecret(value: string): string | undefined {
  const match = /^\{\{\s*secrets\.([A-Za-z_][\w-]*)\s*\}\}$/.exec(value);
  return match?.[1];
}

/**
 * `with:` as one JSONata object constructor over the state machine's variables. With `secrets`, a value
 * that is exactly `{{ secrets.<name> }}` is left out and listed, for the action runner to fill in; without,
 * any secret is refused.
 */
export function withExpression(
  value: unknown,
  where: Where,
  secrets?: SecretSlot[],
  path: Array<string | number> = [],
): string {
  if (typeof value === 'string') {
    const secret = wholeSecret(value);
    if (secret !== undefined) {
      if (!secrets)
        throw unsupported(
          where,
          `${path.join('.') || 'with'} is the secret ${secret}: a native Step Functions task would need its value in the definition; run it through the action runner (nativeTasks: false) or pass it another way`,
        );
      secrets.push({ path, name: secret });
      return '';
    }
    return value.includes('{{') ? templateExpression(value, where) : literal(value);
  }
  if (Array.isArray(value)) {
    const items = value.map((item, i) => withExpression(item, where, secrets, [...path, i]));
    if (items.includes(''))
      throw unsupported(where, `${path.join('.')} holds a secret inside a list; give it its own field`);
    return `[${items.join(', ')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const fields = Object.entries(value)
      .map(([key, item]) => [key, withExpression(item, where, secrets, [...path, key])] as const)
      // A secret's field is left out here: the action runner sets it.
      .filter(([, expression]) => expression !== '')
      .map(([key, expression]) => `${literal(key)}: ${expression}`);
    return `{${fields.join(', ')}}`;
  }
  return JSON.stringify(value);
}

/** A JSONata expression as an ASL field value, on one line (line breaks only come from the builders' layout). */
export const field = (expression: string): string => `{% ${expression.replace(/\s*\n\s*/g, ' ')} %}`;
