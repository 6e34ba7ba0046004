// Evaluating the JSONata fields of a state (`Arguments`, `Output`, `Assign`, `Condition`, `Items`,
// `Seconds`…) the way Step Functions does: a string that is exactly `{% expression %}` is evaluated,
// with `$states` and the workflow variables bound; objects and arrays are walked; every other value is
// taken as written. An expression that fails, or returns nothing, is `States.QueryEvaluationError`.
import { createHash, randomUUID } from 'node:crypto';
import jsonata from 'jsonata';
import { isRecord } from './definition.js';

/** An ASL error: its `name` is what Retry/Catch `ErrorEquals` match, its message the Cause (a handler may throw one). */
export class StatesError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

const EXPRESSION = /^\{%([\s\S]*)%\}$/;
const compiled = new Map<string, jsonata.Expression>();

// The functions Step Functions adds to JSONata 2.0 ($eval is not available there: not bound here either).
const sfnFunctions = {
  partition: (array: unknown[], size: number) => {
    const out: unknown[][] = [];
    for (let i = 0; i < array.length; i += size) out.push(array.slice(i, i + size));
    return out;
  },
  range: (start: number, end: number, step: number) => {
    const out: number[] = [];
    for (let n = start; step > 0 ? n <= end : n >= end; n += step) out.push(n);
    return out;
  },
  hash: (value: string, algorithm: string) =>
    createHash(algorithm.replace('-', '').toLowerCase()).update(value).digest('hex'),
  random: () => Math.random(),
  uuid: () => randomUUID(),
  parse: (text: string) => JSON.parse(text) as unknown,
  eval: () => {
    throw new Error('$eval is not available in Step Functions');
  },
};

/** A JSON value from what JSONata returned (its arrays carry a `sequence` flag; functions are no JSON). */
function toJson(value: unknown, field: string): unknown {
  if (typeof value === 'function')
    throw new StatesError('States.QueryEvaluationError', `${field}: the expression returned a function`);
  return JSON.parse(JSON.stringify(value)) as unknown;
}

/** Evaluates one `{% %}` string. */
async function evaluateExpression(text: string, bindings: Record<string, unknown>, field: string) {
  let expression = compiled.get(text);
  try {
    if (!expression) {
      expression = jsonata(text);
      compiled.set(text, expression);
    }
    // Nothing is bound to `$` (the context): Step Functions gives the state input as $states.input.
    const value: unknown = await expression.evaluate(undefined, { ...sfnFunctions, ...bindings });
    if (value === undefined)
      throw new StatesError(
        'States.QueryEvaluationError',
        `${field}: the JSONata expression '${text.trim()}' returned nothing (undefined)`,
      );
    return toJson(value, field);
  } catch (error) {
    if (error instanceof StatesError) throw error;
    const message = isRecord(error) && typeof error.message === 'string' ? error.message : String(error);
    throw new StatesError('States.QueryEvaluationError', `${field}: ${message}`);
  }
}

/** Evaluates a JSONata field value: `{% %}` strings anywhere in it, everything else as written. */
export async function evaluateField(
  value: unknown,
  bindings: Record<string, unknown>,
  field: string,
): Promise<unknown> {
  if (typeof value === 'string') {
    const match = EXPRESSION.exec(value);
    return match ? evaluateExpression(match[1]!, bindings, field) : value;
  }
  if (Array.isArray(value))
    return Promise.all(value.map((item, i) => evaluateField(item, bindings, `${field}[${i}]`)));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      out[key] = await evaluateField(item, bindings, `${field}.${key}`);
    return out;
  }
  return value;
}
