import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import publishedSchema from '../format/schema.json' with { type: 'json' };
import { formatPath, pointerToSegments } from '../load/sourceMap.js';
import type { PathSegment } from '../load/sourceMap.js';
import type { IssueCode } from './issues.js';
import { describeValue } from './context.js';
import type { IssueCollector } from './context.js';
import { didYouMean } from './suggest.js';

type Schema = Record<string, unknown>;

/** The playbook JSON Schema (draft 2020-12), as published at `@firstline/core/schema.json`. */
export const playbookSchema: Readonly<Schema> = publishedSchema;

// What each choice in the schema means when nothing matches it; keyed by the $defs name.
const NO_BRANCH: Record<string, string> = {
  step: 'E_STEP_KIND: a step needs exactly one of action, wait, goto, end or parallel',
  secretRef:
    'E_SCHEMA: a secret is a reference: { env: NAME }, { ssm: /param/name } or { secretsManager: name }',
  quorum: 'E_VALUE: quorum is all, any or { atLeast: N }',
  checks: 'E_TYPE: checks is a list of probe steps, or a mapping with parallel: true, quorum and steps',
  waitStep: 'E_TYPE: wait is a duration (2m) or a mapping { until, step, timeout, every }',
};

/**
 * Derives the schema the validator runs from the published one. Each `oneOf`/`anyOf` choice
 * becomes an if/then chain keyed on what tells the branches apart (a key only one branch
 * requires, or a type), so a mistake inside a step reports that step's errors, not a dump of
 * every branch. The root `oneOf` (checks xor steps) is checked as E_FORM instead.
 */
export function toValidationSchema(schema: Schema): Schema {
  const copy = structuredClone(schema) as Schema & { $defs: Record<string, Schema> };
  delete copy.oneOf;
  const defs = copy.$defs;
  const resolve = (s: Schema): Schema =>
    typeof s.$ref === 'string' ? (defs[s.$ref.replace('#/$defs/', '')] ?? s) : s;

  const chain = (branches: Schema[], fallback: string): Schema => {
    const required = branches.map((b) => (resolve(b).required as string[] | undefined) ?? []);
    const conditions = branches.map((b, i) => {
      const own = required[i]!.find((k) => required.every((other, j) => j === i || !other.includes(k)));
      if (own) return { type: 'object', required: [own] };
      const r = resolve(b);
      const type = r.type ?? (Array.isArray(r.enum) ? 'string' : undefined);
      return { type };
    });
    let out: Schema = { 'x-invalid': fallback };
    for (let i = branches.length - 1; i >= 0; i--) out = { if: conditions[i], then: branches[i], else: out };
    return out;
  };

  for (const [name, def] of Object.entries(defs)) {
    const branches = (def.oneOf ?? def.anyOf) as Schema[] | undefined;
    if (branches && NO_BRANCH[name]) {
      delete def.oneOf;
      delete def.anyOf;
      Object.assign(def, chain(branches, NO_BRANCH[name]));
    }
  }
  const wait = (defs.waitStep!.properties as Record<string, Schema>).wait!;
  (defs.waitStep!.properties as Record<string, Schema>).wait = chain(
    wait.oneOf as Schema[],
    NO_BRANCH.waitStep!,
  );
  return copy;
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv2020({
      allErrors: true,
      verbose: true,
      strict: true,
      strictRequired: false,
      allowUnionTypes: true,
    });
    ajv.addKeyword({ keyword: 'tsType', schemaType: 'string' });
    ajv.addKeyword({ keyword: 'x-invalid', schemaType: 'string', validate: () => false, errors: false });
    compiled = ajv.compile(toValidationSchema(publishedSchema as Schema));
  }
  return compiled;
}

const KIND_KEYS = ['action', 'wait', 'goto', 'end', 'parallel'];

/** Checks the document against the playbook schema and reports each error in plain words. */
export function checkSchema(data: unknown, issues: IssueCollector): void {
  const validate = validator();
  if (validate(data)) return;
  for (const error of validate.errors ?? []) translate(error, data, issues);
}

function translate(error: ErrorObject, data: unknown, issues: IssueCollector): void {
  const path = pointerToSegments(error.instancePath);
  const where = formatPath(path);
  const def = /#\/\$defs\/(\w+)/.exec(error.schemaPath)?.[1];
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'if':
      return; // the failing "then" branch reports the real error
    case 'x-invalid': {
      const [code, message] = String(error.schema).split(/: (.*)/s) as [IssueCode, string];
      if (code === 'E_STEP_KIND') return stepKind(path, error.data, issues);
      return issues.report(code, path, `${where}: ${message}`);
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      if (
        def &&
        ['actionStep', 'waitStep', 'gotoStep', 'endStep', 'parallelStep'].includes(def) &&
        KIND_KEYS.includes(key)
      ) {
        return stepKind(path, error.data, issues);
      }
      const allowed = Object.keys((error.parentSchema?.properties as Schema | undefined) ?? {});
      const hint =
        didYouMean(key, allowed) || (allowed.length ? `; allowed here: ${allowed.join(', ')}` : '');
      return issues.report(
        'E_UNKNOWN_KEY',
        [...path, key],
        `unknown key "${key}" in ${where || 'the playbook'}${hint}`,
        { key: true },
      );
    }
    case 'required': {
      const missing = String(params.missingProperty);
      if (path.length === 0 && missing === 'firstline')
        return issues.report(
          'E_VERSION',
          path,
          'the playbook does not say its format version: add `firstline: 1` at the top',
        );
      return issues.report('E_MISSING_KEY', path, `${where || 'the playbook'} needs "${missing}"`);
    }
    case 'const':
      if (path.length === 1 && path[0] === 'firstline')
        return issues.report(
          'E_VERSION',
          path,
          `format version ${describeValue(error.data)} is not supported; this release reads \`firstline: 1\``,
        );
      return issues.report(
        'E_VALUE',
        path,
        `${where} must be ${JSON.stringify(params.allowedValue)}, not ${describeValue(error.data)}`,
      );
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const hint = typeof error.data === 'string' ? didYouMean(error.data, allowed) : '';
      return issues.report(
        'E_VALUE',
        path,
        `${where} must be one of ${allowed.join(', ')}, not ${describeValue(error.data)}${hint}`,
      );
    }
    case 'type':
      if (def === 'duration')
        return issues.report(
          'E_DURATION',
          path,
          `${where} must be a duration such as 20s or 3m, not ${describeValue(error.data)}`,
        );
      return issues.report(
        'E_TYPE',
        path,
        `${where || 'the playbook'} must be ${typeName(String(params.type))}, not ${describeValue(error.data)}`,
      );
    case 'pattern':
      return pattern(def, path, where, error.data, issues);
    case 'propertyNames':
      return; // the nested pattern error, pointed at the key, says it
    case 'minItems':
      return issues.report(
        'E_SCHEMA',
        path,
        `${where} must hold at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`,
      );
    case 'minProperties':
      return issues.report('E_SCHEMA', path, `${where} must not be empty`);
    case 'uniqueItems':
      return issues.report('E_SCHEMA', path, `${where} lists the same value twice`);
    case 'minimum':
    case 'maximum':
    case 'minLength':
    case 'maxLength':
      return issues.report('E_SCHEMA', path, `${where} ${error.message ?? 'is out of range'}`);
    default:
      return issues.report('E_SCHEMA', path, `${where || 'the playbook'} ${error.message ?? 'is invalid'}`);
  }
}

function pattern(
  def: string | undefined,
  path: PathSegment[],
  where: string,
  value: unknown,
  issues: IssueCollector,
): void {
  // A propertyNames failure points at the key itself: its instancePath is the parent plus the key.
  switch (def) {
    case 'duration':
      return issues.report(
        'E_DURATION',
        path,
        `${where}: "${String(value)}" is not a duration; write a whole number and a unit: 500ms, 20s, 3m, 1h (or 1m30s)`,
      );
    case 'identifier':
      return issues.report(
        'E_ID',
        path,
        `"${String(value)}" is not a valid id: start with a letter, then letters, digits, _ or - (64 at most)`,
        { key: isKeyName(path, value) },
      );
    case 'playbookName':
      return issues.report(
        'E_ID',
        path,
        `name "${String(value)}" may hold only letters, digits, '.', '_' and '-'`,
      );
    case 'actionId':
      return issues.report(
        'E_VALUE',
        path,
        `action "${String(value)}" is not an action name; names look like family.service.verb (aws.ec2.reboot, slack.post)`,
      );
    case 'outcomeName':
      return issues.report(
        'E_VALUE',
        path,
        `outcome "${String(value)}" must be lowercase letters, digits and _ (e.g. recovered, escalated)`,
      );
    default:
      return issues.report('E_SCHEMA', path, `${where} "${String(value)}" does not have the expected form`);
  }
}

function isKeyName(path: PathSegment[], value: unknown): boolean {
  return path.at(-1) === value;
}

function stepKind(path: PathSegment[], data: unknown, issues: IssueCollector): void {
  const present = KIND_KEYS.filter((k) => data !== null && typeof data === 'object' && k in data);
  const message =
    present.length === 0
      ? `${formatPath(path)} does nothing: a step needs one of action, wait, goto, end or parallel`
      : `${formatPath(path)} has ${present.join(' and ')}; a step does exactly one of them — split it into ${present.length} steps`;
  issues.report('E_STEP_KIND', path, message);
}

function typeName(type: string): string {
  return (
    {
      object: 'a mapping',
      array: 'a list',
      string: 'a string',
      integer: 'a whole number',
      number: 'a number',
      boolean: 'true or false',
    }[type] ?? type.replace(/,/g, ' or ')
  );
}
