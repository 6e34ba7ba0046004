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
  const prepared: Record<string, unknown> = {};

  for (const input of declared) {
    const value = own(values, input.name);
    if (value === undefined) {
      // structuredClone: a run that mutates its default (a list it appends to) must not leak into the
      // next. A string, number or boolean cannot be mutated: it is taken as it is.
      const fallback = input.spec.default;
      if (fallback !== undefined)
        defineOwn(prepared, input.name, typeof fallback === 'object' ? structuredClone(fallback) : fallback);
      else if (input.required)
        problems.push({
          path: pathOf([input.name]),
          message: `is required but was not given${about(input)}`,
        });
      continue;
    }
    const found = input.check(value);
    if (found.length) problems.push(...found);
    else defineOwn(prepared, input.name, value);
  }

  const names = namesOf(declared);
  for (const key of Object.keys(values)) {
    // Undefined means not given, as for declared inputs (callers spread optional options).
    if (names.has(key) || values[key] === undefined) continue;
    const absent = declared
      .filter((input) => own(values, input.name) === undefined)
      .map((input) => input.name);
    const hint =
      didYouMean(key, absent) ||
      (names.size ? `; this playbook takes: ${[...names].join(', ')}` : '; this playbook takes no inputs');
    problems.push({ path: pathOf([key]), message: `unknown input${hint}` });
  }

  if (problems.length) throw new InputInvalid(problems, playbook.name);
  return prepared;
}

/** Sets an own property, as Object.fromEntries would: an input named `__proto__` is data, never the prototype. */
function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

const declaredNames = new WeakMap<PreparedInput[], ReadonlySet<string>>();

/** The declared inputs' names, once per playbook's inputs. */
function namesOf(declared: PreparedInput[]): ReadonlySet<string> {
  let names = declaredNames.get(declared);
  if (!names) {
    names = new Set(declared.map((input) => input.name));
    declaredNames.set(declared, names);
  }
  return names;
}

function prepare(playbook: string, inputs: Record<string, InputSpec>): PreparedInput[] {
  const cached = cache.get(inputs);
  if (cached) return cached;
  // ajv only for `items` schemas (authors' own JSON Schema); the plain keywords are checked here.
  // Schemas are checked by metaChecker; validating them again here would cost a meta-schema compile per playbook.
  let ajv: Ajv2020 | undefined;
  const ajvOf = () => (ajv ??= new (loadAjv())({ ...AJV_OPTIONS, validateSchema: false }));
  const prepared = Object.entries(inputs).map(([name, spec]) => ({
    name,
    spec,
    required: spec.required ?? spec.default === undefined,
    check: compile(ajvOf, playbook, name, spec),
  }));
  cache.set(inputs, prepared);
  return prepared;
}

/** Whether checking these inputs needs ajv: only an `items` schema does. */
export function inputsNeedAjv(inputs: Record<string, InputSpec> | undefined): boolean {
  return inputs !== undefined && Object.values(inputs).some((spec) => spec?.items !== undefined);
}

function compile(
  ajvOf: () => Ajv2020,
  playbook: string,
  name: string,
  spec: InputSpec,
): PreparedInput['check'] {
  let validate: (value: unknown) => PlainError[];
  let validateItem: ValidateFunction | undefined;
  try {
    validate = plainValidator(spec);
    if (spec.items !== undefined) {
      const meta = (metaChecker ??= new (loadAjv())(AJV_OPTIONS));
      if (!meta.validateSchema(spec.items))
        throw new Error(`items ${meta.errorsText(meta.errors, { dataVar: 'schema' })}`);
      // Its own root, so `#/$defs/...` inside an items schema means that schema's own $defs.
      validateItem = ajvOf().compile(spec.items);
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
    const problems = validate(value).map((e) => translate([name], e));
    if (validateItem && Array.isArray(value))
      value.forEach((item: unknown, index) => {
        if (!validateItem(item))
          problems.push(...(validateItem.errors ?? []).map((e) => translate([name, index], e)));
      });
    return problems;
  };
}

/** An input problem as ajv would report it: what `translate` reads of an ajv error. */
type PlainError = Pick<ErrorObject, 'keyword' | 'instancePath' | 'params' | 'data' | 'message'>;

/**
 * The check of an input's plain keywords (type, enum, pattern, lengths, bounds) without ajv: the same
 * errors in the same order as ajv with `allErrors` and `strictNumbers` (pinned by a property test
 * against ajv), so a playbook whose inputs have no `items` never loads ajv to run.
 */
export function plainValidator(spec: InputSpec): (value: unknown) => PlainError[] {
  // `+ 0` below: ajv writes the bound into code, where -0 reads back as 0.
  const { type, minimum, maximum, minLength, maxLength } = spec;
  const choices = spec.enum;
  // Patterns run on RE2, in linear time, as ajv's are given to it (`code.regExp`).
  const pattern = spec.pattern !== undefined ? linearRegExpEngine(spec.pattern, 'u') : undefined;
  const numberRules = minimum !== undefined || maximum !== undefined;
  const stringRules = minLength !== undefined || maxLength !== undefined || pattern !== undefined;
  // ajv checks the type first unless the schema has keywords for exactly that type: it then reports a
  // wrong type where it would have applied them, after the keywords for any type (enum).
  const typeAfter = (type === 'string' && stringRules) || (type === 'number' && numberRules);
  const error = (keyword: string, params: Record<string, unknown>, data: unknown): PlainError => ({
    keyword,
    instancePath: '',
    params,
    data,
  });
  return (value) => {
    const errors: PlainError[] = [];
    const wrongType = () => error('type', { type }, value);
    if (!typeAfter && !isType(type, value)) errors.push(wrongType());
    if (choices !== undefined && !choices.some((choice) => jsonEqual(choice, value)))
      errors.push(error('enum', { allowedValues: choices }, value));
    if (numberRules) {
      if (typeof value === 'number' && Number.isFinite(value)) {
        if (maximum !== undefined && !(value <= maximum))
          errors.push(error('maximum', { comparison: '<=', limit: maximum + 0 }, value));
        if (minimum !== undefined && !(value >= minimum))
          errors.push(error('minimum', { comparison: '>=', limit: minimum + 0 }, value));
      } else if (type === 'number') errors.push(wrongType());
    }
    if (stringRules) {
      if (typeof value === 'string') {
        const length = maxLength !== undefined || minLength !== undefined ? codePoints(value) : 0;
        if (maxLength !== undefined && length > maxLength)
          errors.push(error('maxLength', { limit: maxLength }, value));
        if (minLength !== undefined && length < minLength)
          errors.push(error('minLength', { limit: minLength }, value));
        if (pattern && !pattern.test(value)) errors.push(error('pattern', { pattern: spec.pattern }, value));
      } else if (type === 'string') errors.push(wrongType());
    }
    return errors;
  };
}

function isType(type: InputSpec['type'], value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      return false;
  }
}

/** Length in code points, as ajv counts it (a surrogate pair is one character). */
function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    n++;
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  return n;
}

/** Deep equality of JSON values, as ajv compares an enum's values. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  // As ajv's deep equality: objects made differently (a null-prototype one, a plain one) differ.
  if ((a as { constructor?: unknown }).constructor !== (b as { constructor?: unknown }).constructor)
    return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, i) => jsonEqual(item, other[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every(
      (k) =>
        Object.hasOwn(b, k) &&
        jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    )
  );
}

function translate(base: PathSegment[], error: PlainError): InputProblem {
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
