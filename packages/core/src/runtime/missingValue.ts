import type { MissingValueDetail } from '../errors.js';
import type { ExpressionReference } from '../format/expressions.js';

// Why an expression gave no value, in words an author can act on: the first path it reads that is
// not there, and what was there instead. Only names are listed, never values: a scope holds secrets.

const KEYS_SHOWN = 10;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const NO_TRIGGER =
  'the run has no trigger: it was started without an event (the CLI takes one with --trigger FILE|JSON)';

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
export function findMissing(references: readonly ExpressionReference[], scope: object): Missing | undefined {
  const found: Missing[] = [];
  for (const ref of references) {
    const missing = missingOf([ref.root, ...ref.path], scope);
    if (missing && !found.some((f) => f.path === missing.path)) found.push(missing);
  }
  const [first, ...more] = found;
  if (!first) return undefined;
  const also = more.length ? `; also missing: ${more.map((m) => m.path).join(', ')}` : '';
  // A stand-in is only honest when every missing value is an output a step did not give.
  return { ...first, found: `${first.found}${also}`, standIn: found.every((f) => f.standIn) };
}

/** A missing path, what was found instead, and whether it is the output of a step that gave none. */
export interface Missing extends Required<Pick<MissingValueDetail, 'path' | 'found'>> {
  /**
   * True when it lies under `steps.<id>.output` of a step that passed without an output, or whose
   * output was synthesized (a simulation cannot know an open-ended field such as a label a real
   * answer would carry).
   */
  standIn: boolean;
}

function missingOf(names: readonly string[], scope: object): Missing | undefined {
  const found = walk(names, scope);
  if (!found) return undefined;
  const step = names[0] === 'steps' && names[2] === 'output' ? stepOf(scope, names[1]!) : undefined;
  const standIn = step?.outcome === 'pass' && (step.output === undefined || step.synthesized === true);
  return { ...found, standIn };
}

function stepOf(
  scope: object,
  id: string,
): { outcome?: unknown; output?: unknown; synthesized?: unknown } | undefined {
  const steps = (scope as { steps?: Record<string, unknown> }).steps;
  const step = steps && Object.prototype.hasOwnProperty.call(steps, id) ? steps[id] : undefined;
  return typeof step === 'object' && step !== null ? step : undefined;
}

function walk(names: readonly string[], scope: object): { path: string; found: string } | undefined {
  let value: unknown = scope;
  for (const [i, name] of names.entries()) {
    if (Array.isArray(value)) return undefined;
    const parent = formatPath(names.slice(0, i));
    const path = formatPath(names.slice(0, i + 1));
    if (value === null) return { path, found: parent === 'trigger' ? NO_TRIGGER : `${parent} is null` };
    if (typeof value !== 'object') return { path, found: `${parent} is a ${typeof value}, not an object` };
    const record = value as Record<string, unknown>;
    const next = Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined;
    if (next === undefined) return { path, found: i === 0 ? rootHint(name, record) : hint(names, i, record) };
    value = next;
  }
  return undefined;
}

function rootHint(name: string, scope: Record<string, unknown>): string {
  if (name === 'trigger') return NO_TRIGGER;
  if (name === 'output') return 'the action returned no output';
  return `expressions here read: ${keys(scope) || '(nothing)'}`;
}

function hint(names: readonly string[], i: number, parent: Record<string, unknown>): string {
  const at = formatPath(names.slice(0, i));
  const list = keys(parent);
  const has = list ? `${at} has: ${list}` : `${at} is empty`;
  // A step that has not run (yet, or on this path) is the usual reason for steps.<id> to be absent.
  if (names[0] === 'steps' && i === 1) return `step ${names[1]} has not run; ${has}`;
  if (names[0] === 'steps' && i === 2 && names[2] === 'output')
    return `step ${names[1]} gave no output; in a simulation, script one: outcomes: { ${names[1]}: { … } }`;
  return has;
}

function keys(record: Record<string, unknown>): string {
  const all = Object.keys(record).filter((key) => record[key] !== undefined);
  const shown = all.slice(0, KEYS_SHOWN).join(', ');
  return all.length > KEYS_SHOWN ? `${shown}, …` : shown;
}
