import type { MissingValueDetail } from '../errors.js';
import type { ExpressionReference } from '../format/expressions.js';

// Why an expression gave no value, in words an author can act on: the first path it reads that is
// not there, and what was there instead. Only names are listed, never values: a scope holds secrets.

const KEYS_SHOWN = 10;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** A path as an expression would write it: `steps['open-issue'].output`. */
export function formatPath(names: readonly string[]): string {
  return names
    .map((name, i) =>
      i === 0 ? name : IDENTIFIER.test(name) ? `.${name}` : `[${JSON.stringify(name).replaceAll('"', "'")}]`,
    )
    .join('');
}

/**
 * The first of `references` that is not in `scope`, with what was found instead; undefined when every
 * one resolves (or crosses a list, which JSONata maps over and a plain walk cannot judge). Several
 * missing paths are named together.
 */
export function findMissing(
  references: readonly ExpressionReference[],
  scope: object,
): Omit<MissingValueDetail, 'expression'> | undefined {
  const found: Array<{ path: string; found: string }> = [];
  for (const ref of references) {
    const missing = missingOf([ref.root, ...ref.path], scope);
    if (missing && !found.some((f) => f.path === missing.path)) found.push(missing);
  }
  const [first, ...more] = found;
  if (!first) return undefined;
  const also = more.length ? `; also missing: ${more.map((m) => m.path).join(', ')}` : '';
  return { path: first.path, found: `${first.found}${also}` };
}

function missingOf(names: readonly string[], scope: object): { path: string; found: string } | undefined {
  let value: unknown = scope;
  for (const [i, name] of names.entries()) {
    if (Array.isArray(value)) return undefined;
    const parent = formatPath(names.slice(0, i));
    const path = formatPath(names.slice(0, i + 1));
    if (value === null) return { path, found: `${parent} is null` };
    if (typeof value !== 'object') return { path, found: `${parent} is a ${typeof value}, not an object` };
    const record = value as Record<string, unknown>;
    const next = Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined;
    if (next === undefined) return { path, found: i === 0 ? rootHint(name, record) : hint(names, i, record) };
    value = next;
  }
  return undefined;
}

function rootHint(name: string, scope: Record<string, unknown>): string {
  if (name === 'trigger')
    return 'the run has no trigger: it was started without an event (give one: --trigger FILE|JSON)';
  if (name === 'output') return 'the action returned no output';
  return `expressions here read: ${keys(scope) || '(nothing)'}`;
}

function hint(names: readonly string[], i: number, parent: Record<string, unknown>): string {
  const at = formatPath(names.slice(0, i));
  const list = keys(parent);
  const has = list ? `${at} has: ${list}` : `${at} is empty`;
  // A step that has not run (yet, or on this path) is the usual reason for steps.<id> to be absent.
  if (names[0] === 'steps' && i === 1) return `step ${names[1]} has not run; ${has}`;
  return has;
}

function keys(record: Record<string, unknown>): string {
  const all = Object.keys(record).filter((key) => record[key] !== undefined);
  const shown = all.slice(0, KEYS_SHOWN).join(', ');
  return all.length > KEYS_SHOWN ? `${shown}, …` : shown;
}
