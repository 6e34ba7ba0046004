import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { FirstlineError, InputInvalid } from '../errors.js';
import type { InputProblem } from '../errors.js';
import { credentialKind } from '../format/credentials.js';
import { linearRegExpEngine } from '../format/linearRegex.js';
import type { InputSpec } from '../format/playbook.generated.js';
import { formatPath, pointerToSegments } from '../load/sourceMap.js';
import type { PathSegment } from '../load/sourceMap.js';
import { loadAjv } from '../util/loadAjv.js';
import { didYouMean } from '../validate/suggest.js';

/** One declared input, ready to check values against. */
interface PreparedInput {
  name: string;
  spec: InputSpec;
  required: boolean;
  /** Every problem with a given value, or an empty list. */
  check: (value: unknown) => InputProblem[];
}

// Items schemas are written by playbook authors and may carry keywords of their own: be lenient,
// but keep NaN and Infinity out of numbers (lenient mode would let them through).
// Patterns run on RE2, in linear time: `^(a+)+$` checked on every POST /runs must not stall the process.
const AJV_OPTIONS = {
  allErrors: true,
  verbose: true,
  strict: false,
  strictNumbers: true,
  code: { regExp: linearRegExpEngine },
} as const;

// Only checks authors' items schemas against the meta-schema; it compiles nothing else, so it keeps
// nothing of any playbook. Compiling happens in an ajv per playbook (see prepare): a shared one would
// keep every schema (and every nested $id, which a later playbook reusing it would then clash with).
let metaChecker: Ajv2020 | undefined;

// Keyed by the playbook's `inputs` object: every run of one loaded playbook reuses the validators,
// and they go when the playbook does.
const cache = new WeakMap<Record<string, InputSpec>, PreparedInput[]>();

const MAX_QUOTE = 60;

const BOUNDS: Record<string, string> = {
  minimum: 'at least',
  maximum: 'at most',
  exclusiveMinimum: 'more than',
  exclusiveMaximum: 'less than',
};

/**
 * Checks a run's inputs against the playbook's `inputs:` and returns a new object with defaults
 * applied; throws {@link InputInvalid} listing every problem. Values are never coerced.
 */
export function prepareInputs(
  playbook: { name: string; inputs?: Record<string, InputSpec> },
  given: unknown,
): Record<string, unknown> {
  const declared = playbook.inputs ? prepare(playbook.name, playbook.inputs) : [];
  if (given !== undefined && !isPlainObject(given))
    throw new InputInvalid(
      [{ path: 'inputs', message: `expected an object of named inputs, got ${describe(given)}` }],
      playbook.name,
    );
  const values = given ?? {};
  const problems: InputProblem[] = [];
  const entries: Array<[string, unknown]> = [];

  for (const input of declared) {
    const value = own(values, input.name);
    if (value === undefined) {
      // structuredClone: a run that mutates its default (a list it appends to) must not leak into the next.
      if (input.spec.default !== undefined) entries.push([input.name, structuredClone(input.spec.default)]);
      else if (input.required)
        problems.push({
          path: pathOf([input.name]),
          message: `is required but was not given${about(input)}`,
        });
      continue;
    }
    const found = input.check(value);
    if (found.length) problems.push(...found);
    else entries.push([input.name, value]);
  }

  const names = new Set(declared.map((input) => input.name));
  const absent = declared.filter((input) => own(values, input.name) === undefined).map((input) => input.name);
  for (const key of Object.keys(values)) {
    // Undefined means not given, as for declared inputs (callers spread optional options).
    if (names.has(key) || values[key] === undefined) continue;
    const hint =
      didYouMean(key, absent) ||
      (names.size ? `; this playbook takes: ${[...names].join(', ')}` : '; this playbook takes no inputs');
    problems.push({ path: pathOf([key]), message: `unknown input${hint}` });
  }

  if (problems.length) throw new InputInvalid(problems, playbook.name);
  // fromEntries defines own properties, so no input name can reach a prototype.
  return Object.fromEntries(entries);
}

function prepare(playbook: string, inputs: Record<string, InputSpec>): PreparedInput[] {
  const cached = cache.get(inputs);
  if (cached) return cached;
  // Schemas are checked by metaChecker; validating them again here would cost a meta-schema compile per playbook.
  const ajv = new (loadAjv())({ ...AJV_OPTIONS, validateSchema: false });
  const prepared = Object.entries(inputs).map(([name, spec]) => ({
    name,
    spec,
    required: spec.required ?? spec.default === undefined,
    check: compile(ajv, playbook, name, spec),
  }));
  cache.set(inputs, prepared);
  return prepared;
}

function compile(ajv: Ajv2020, playbook: string, name: string, spec: InputSpec): PreparedInput['check'] {
  const keys = ['type', 'enum', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum'] as const;
  const schema: Record<string, unknown> = {};
  for (const key of keys) if (spec[key] !== undefined) schema[key] = spec[key];
  let validate: ValidateFunction;
  let validateItem: ValidateFunction | undefined;
  try {
    validate = ajv.compile(schema);
    if (spec.items !== undefined) {
      const meta = (metaChecker ??= new (loadAjv())(AJV_OPTIONS));
      if (!meta.validateSchema(spec.items))
        throw new Error(`items ${meta.errorsText(meta.errors, { dataVar: 'schema' })}`);
      // Its own root, so `#/$defs/...` inside an items schema means that schema's own $defs.
      validateItem = ajv.compile(spec.items);
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new FirstlineError(
      'E_PLAYBOOK_INVALID',
      `${playbook}: ${pathOf([name])} cannot be checked: ${reason}`,
      {
        cause: error,
      },
    );
  }
  return (value) => {
    const problems = validate(value) ? [] : (validate.errors ?? []).map((e) => translate([name], e));
    if (validateItem && Array.isArray(value))
      value.forEach((item: unknown, index) => {
        if (!validateItem(item))
          problems.push(...(validateItem.errors ?? []).map((e) => translate([name, index], e)));
      });
    return problems;
  };
}

function translate(base: PathSegment[], error: ErrorObject): InputProblem {
  const path = pathOf([...base, ...pointerToSegments(error.instancePath)]);
  const params = error.params as Record<string, unknown>;
  const got = describe(error.data);
  switch (error.keyword) {
    case 'type': {
      const types = Array.isArray(params.type) ? (params.type as string[]) : String(params.type).split(',');
      return { path, message: `expected ${types.map(typeName).join(' or ')}, got ${got}` };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(quote);
      const hint =
        typeof error.data === 'string'
          ? didYouMean(
              error.data,
              (params.allowedValues as unknown[]).filter((v) => typeof v === 'string'),
            )
          : '';
      return { path, message: `must be one of ${allowed.join(', ')}, got ${got}${hint}` };
    }
    case 'const':
      return { path, message: `must be ${quote(params.allowedValue)}, got ${got}` };
    case 'pattern':
      return { path, message: `must match the pattern ${JSON.stringify(params.pattern)}, got ${got}` };
    case 'minLength':
    case 'maxLength': {
      const bound = error.keyword === 'minLength' ? 'at least' : 'at most';
      // ajv counts code points, not UTF-16 units; so does this message.
      const length = typeof error.data === 'string' ? [...error.data].length : 0;
      return {
        path,
        message: `must be ${bound} ${plural(Number(params.limit), 'character')} long, got ${got} (${plural(length, 'character')})`,
      };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, message: `must be ${BOUNDS[error.keyword]} ${String(params.limit)}, got ${got}` };
    case 'minItems':
    case 'maxItems': {
      const bound = error.keyword === 'minItems' ? 'at least' : 'at most';
      return { path, message: `must hold ${bound} ${plural(Number(params.limit), 'item')}, got ${got}` };
    }
    case 'required':
      return { path, message: `needs the key ${quote(params.missingProperty)}` };
    case 'additionalProperties':
      return {
        path: pathOf([...base, ...pointerToSegments(error.instancePath), String(params.additionalProperty)]),
        message: 'is not allowed here',
      };
    default:
      return { path, message: `${error.message ?? 'is invalid'}, got ${got}` };
  }
}

function pathOf(segments: PathSegment[]): string {
  return formatPath(['inputs', ...segments]);
}

function about(input: PreparedInput): string {
  return input.spec.description ? ` (${input.spec.description})` : '';
}

function typeName(type: string): string {
  switch (type) {
    case 'integer':
    case 'array':
    case 'object':
      return `an ${type}`;
    case 'null':
      return 'null';
    default:
      return `a ${type}`;
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A value as a short phrase: its type, and the value itself when short and not credential-shaped. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${plural(value.length, 'item')}`;
  switch (typeof value) {
    case 'string': {
      const kind = credentialKind(value);
      return kind ? `a string that looks like ${kind} (not shown)` : `the string ${quote(value)}`;
    }
    case 'number':
    case 'bigint':
      return `the number ${String(value)}`;
    case 'boolean':
      return `the boolean ${String(value)}`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

/** JSON text of a value, cut to {@link MAX_QUOTE} characters: inputs can be long, messages should not be. */
function quote(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_QUOTE ? `${text.slice(0, MAX_QUOTE - 1)}…` : text;
}

function own(values: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(values, key) ? values[key] : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
