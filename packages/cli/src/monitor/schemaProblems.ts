import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { didYouMean } from '@firstline/core';
import { pointerToSegments } from '@firstline/core/internal';
import monitorConfigSchema from './monitorConfig.schema.json' with { type: 'json' };
import type { MonitorConfig } from './monitorConfig.generated.js';

/** A problem at a path of the config's data; `key` points at the key rather than the value. */
export interface PathProblem {
  path: Array<string | number>;
  message: string;
  key?: boolean;
}

/** The JSON Schema of a `firstline monitor` config file (the generated `MonitorConfig` type is its twin). */
export const MONITOR_CONFIG_SCHEMA: Record<string, unknown> = monitorConfigSchema;

let validate: ValidateFunction<MonitorConfig> | undefined;

/** Checks data against the monitor config schema; one plain sentence per problem, none when it fits. */
export function schemaProblems(data: unknown): PathProblem[] {
  validate ??= new Ajv2020({ allErrors: true, strict: false, verbose: true }).compile<MonitorConfig>(
    monitorConfigSchema,
  );
  if (validate(data)) return [];
  return (validate.errors ?? []).map((error) => {
    const problem = describeError(error);
    return error.keyword === 'required'
      ? { ...problem, message: `${problem.message}${requiredHint(problem.path)}` }
      : problem;
  });
}

/**
 * An ajv error (compiled with `verbose`, for the allowed keys) as a sentence at its path; the probe
 * inputs, checked against each action's own schema, are described the same way.
 */
export function describeError(error: ErrorObject): PathProblem {
  const path = pointerToSegments(error.instancePath);
  const where = path.length === 0 ? 'the file' : `\`${String(path[path.length - 1])}\``;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { path, message: `missing \`${String(params.missingProperty)}\`` };
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const properties = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)
        ?.properties;
      const allowed = properties ? Object.keys(properties) : [];
      const list = allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : '';
      return {
        path: [...path, key],
        key: true,
        message: `unknown key "${key}"${list}${didYouMean(key, allowed)}`,
      };
    }
    case 'enum':
      return {
        path,
        message: `${where} must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}`,
      };
    case 'pattern':
      return error.schemaPath.includes('duration')
        ? { path, message: `${where} is not a duration: write it like 300ms, 15s or 1m30s` }
        : { path, message: `${where} ${error.message ?? 'is not valid'} (letters, digits, _ . : -)` };
    case 'type':
      return (error.parentSchema as { title?: string } | undefined)?.title === 'Duration'
        ? { path, message: `${where} must be a duration with its unit, like 300ms, 15s or 1m30s` }
        : { path, message: `${where} must be ${article(String(params.type))}` };
    case 'minItems':
      return { path, message: `${where} needs at least ${String(params.limit)} entry` };
    default:
      return { path, message: `${where} ${error.message ?? 'is not valid'}` };
  }
}

function requiredHint(path: Array<string | number>): string {
  if (path.length === 0) return ': the list of targets to probe';
  return path[0] === 'targets' && path.length === 2
    ? ' (a target has kind, name, input and slo; every and timeout are optional)'
    : '';
}

function article(type: string): string {
  const words: Record<string, string> = {
    object: 'a mapping',
    array: 'a list',
    string: 'a string',
    integer: 'a whole number',
    number: 'a number',
    boolean: 'true or false',
  };
  return words[type] ?? type;
}
