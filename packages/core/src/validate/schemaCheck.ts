import type { ErrorObject } from 'ajv';
import publishedSchema from '../format/schema.json' with { type: 'json' };
import { formatPath, pointerToSegments } from '../load/sourceMap.js';
import type { PathSegment } from '../load/sourceMap.js';
import type { IssueCode } from './issues.js';
import { describeValue, quoteValue } from './context.js';
import type { IssueCollector } from './context.js';
import { validate as generatedValidate } from './playbookValidator.generated.js';
import { didYouMean } from './suggest.js';
import type { Schema } from './validationSchema.js';

/** The playbook JSON Schema (draft 2020-12), as published at `@firstline/core/schema.json`. */
export const playbookSchema: Readonly<Schema> = publishedSchema;

/** The validator compiled from the schema at build time (scripts/gen-validator.ts). */
const validatePlaybookData = generatedValidate as ((data: unknown) => boolean) & {
  errors?: ErrorObject[] | null;
};

const KIND_KEYS = ['action', 'wait', 'goto', 'end', 'parallel'];

/** Checks the document against the playbook schema and reports each error in plain words. */
export function checkSchema(data: unknown, issues: IssueCollector): void {
  if (validatePlaybookData(data)) return;
  for (const error of validatePlaybookData.errors ?? []) translate(error, issues);
}

function translate(error: ErrorObject, issues: IssueCollector): void {
  const key = (error as { propertyName?: string }).propertyName;
  const path: PathSegment[] = [...pointerToSegments(error.instancePath), ...(key === undefined ? [] : [key])];
  const where = formatPath(path);
  const def = error.parentSchema?.['x-def'] as string | undefined;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'if':
      return; // the failing "then" branch reports the real error
    case 'not': {
      // The `not: {}` closing an if/then chain: nothing matched; `x-invalid` holds what to say.
      const [code, message] = String(error.parentSchema?.['x-invalid']).split(/: (.*)/s) as [
        IssueCode,
        string,
      ];
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
          `unsupported format version (${describeValue(error.data)}); this release reads \`firstline: 1\``,
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
  switch (def) {
    case 'duration':
      return issues.report(
        'E_DURATION',
        path,
        `${where}: ${quoteValue(value)} is not a duration; write a whole number and a unit: 500ms, 20s, 3m, 1h (or 1m30s)`,
      );
    case 'identifier':
      return issues.report(
        'E_ID',
        path,
        `${quoteValue(value)} is not a valid id: start with a letter, then letters, digits, _ or - (64 at most)`,
        { key: path.at(-1) === value },
      );
    case 'playbookName':
      return issues.report(
        'E_ID',
        path,
        `name ${quoteValue(value)} may hold only letters, digits, '.', '_' and '-'`,
      );
    case 'actionId':
      return issues.report(
        'E_VALUE',
        path,
        `action ${quoteValue(value)} is not an action name; names look like family.service.verb (aws.ec2.reboot, slack.post)`,
      );
    case 'outcomeName':
      return issues.report(
        'E_VALUE',
        path,
        `outcome ${quoteValue(value)} must be lowercase letters, digits and _ (e.g. recovered, escalated)`,
      );
    default:
      return issues.report('E_SCHEMA', path, `${where} ${quoteValue(value)} does not have the expected form`);
  }
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
