// The options of a local run and the parts both local interpreters share: binding a Task state to its
// handler (recording the call), the retry delay a retrier asks for, and the run's bounds.
import { FirstlineError } from '@firstline/core';
import { isRecord } from './definition.js';
import type { StateInfo } from './definition.js';
import type { AslTaskCall, AslTaskHandler } from './types.js';

/** How `runAslLocally` runs a definition. */
export interface RunAslLocallyOptions {
  /** Runs every Task state (in Parallel branches and Map item processors too) that `handlers` does not name. */
  taskHandler?: AslTaskHandler;
  /** Handlers for single Task states, by state name (every state of that name, in any branch). */
  handlers?: Record<string, AslTaskHandler>;
  /** How long each Wait state really pauses, in ms; default 0 (the definition's Seconds/Timestamp are not waited). */
  waitTimeOverride?: number;
  /** Stop the run (status ABORTED, error `Harness.MaxSteps`) once it has entered more states than this; default 1,000. */
  maxSteps?: number;
  /** Stop the run (status ABORTED, error `Harness.TimeLimit`) after this much real time, in ms; default 10,000. */
  timeLimitMs?: number;
  /** Check the definition with asl-validator before the run (schema, transitions, unique names, paths, ARNs); default true. */
  validate?: boolean;
  /** The Context object's fields (`$$` in JSONPath, `$states.context` in JSONata); Execution.Input is set by the run. */
  context?: Record<string, unknown>;
}

/** The default bound on states entered. */
export const DEFAULT_MAX_STEPS = 1_000;
/** The default bound on real time, in ms. */
export const DEFAULT_TIME_LIMIT_MS = 10_000;

/** An error with a name the definition's Retry/Catch can match, whatever the handler threw. */
export function asError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  const error = new Error(typeof thrown === 'string' ? thrown : JSON.stringify(thrown));
  error.name = 'Error';
  return error;
}

/** The handler of one Task state, wrapped to record each call; fails fast when no handler is given. */
export function bindTask(
  info: StateInfo,
  options: RunAslLocallyOptions,
  calls: AslTaskCall[],
): (input: unknown) => Promise<unknown> {
  const resource = typeof info.state.Resource === 'string' ? info.state.Resource : '';
  const handler = options.handlers?.[info.name] ?? options.taskHandler;
  if (!handler)
    throw new FirstlineError(
      'E_INPUT_INVALID',
      `runAslLocally: Task state "${info.name}" has no handler: pass taskHandler, or handlers["${info.name}"]`,
    );
  return async (input) => {
    const call: AslTaskCall = { state: info.name, resource, input: structuredClone(input) };
    calls.push(call);
    try {
      const result = await handler(info.name, resource, input);
      // A Lambda that returns nothing returns null; undefined is no JSON value.
      return result === undefined ? null : result;
    } catch (thrown) {
      const error = asError(thrown);
      call.error = error.name;
      throw error;
    }
  };
}

/** The delay a retrier asks for before retry number `attempt` (1-based), in ms, before any jitter. */
export function retryDelayMs(retrier: unknown, attempt: number): number {
  const r = isRecord(retrier) ? retrier : {};
  const interval = typeof r.IntervalSeconds === 'number' ? r.IntervalSeconds : 1;
  const backoff = typeof r.BackoffRate === 'number' ? r.BackoffRate : 2;
  const seconds = interval * Math.pow(backoff, attempt - 1);
  const capped = typeof r.MaxDelaySeconds === 'number' ? Math.min(seconds, r.MaxDelaySeconds) : seconds;
  return Math.round(capped * 1000);
}

/**
 * Whether a Retry or Catch `ErrorEquals` list matches an error raised in a state of type `type`:
 * by name, `States.ALL` (any error but the terminal States.Runtime and States.DataLimitExceeded), or
 * on a Task `States.TaskFailed` (the same, States.Timeout apart).
 */
export function errorMatches(errorEquals: unknown, error: Error, type: string): boolean {
  if (!Array.isArray(errorEquals)) return false;
  const terminal = error.name === 'States.Runtime' || error.name === 'States.DataLimitExceeded';
  return errorEquals.some(
    (name) =>
      name === error.name ||
      (name === 'States.ALL' && !terminal) ||
      (name === 'States.TaskFailed' && type === 'Task' && !terminal && error.name !== 'States.Timeout'),
  );
}
