// Runs a JSONPath definition on aws-local-stepfunctions (a real ASL interpreter: InputPath, Parameters,
// ResultSelector, ResultPath, OutputPath, intrinsic functions, Choice rules, Retry/Catch, Parallel,
// Map), with every Task state bound to the harness's handlers, every Wait and retry interval
// overridden so no real time passes, and the run stopped once it loops past its bounds.
import { StateMachine } from 'aws-local-stepfunctions';
import { uniqueStateNames } from './definition.js';
import { DEFAULT_MAX_STEPS, DEFAULT_TIME_LIMIT_MS, bindTask, retryDelayMs } from './options.js';
import type { RunAslLocallyOptions } from './options.js';
import { installPromiseWithResolvers } from './polyfill.js';
import type {
  AslDefinition,
  AslHistoryEntry,
  AslLocalRunResult,
  AslRetry,
  AslState,
  AslTaskCall,
  AslWait,
} from './types.js';

installPromiseWithResolvers();

/** The library's definition type (the harness's own is looser: it reads only what it runs). */
export type LibraryDefinition = ConstructorParameters<typeof StateMachine>[0];
type Handlers = Record<string, (input: unknown) => Promise<unknown>>;

/**
 * Checks a definition with asl-validator, as aws-local-stepfunctions does before a run: the ASL
 * schema for both query languages (a JSONPath field in a JSONata state, say), transitions to
 * states that exist, a reachable terminal state, state names unique across the whole machine,
 * well-formed paths and ARNs. Throws the library's error listing every problem.
 */
export function validateDefinition(definition: AslDefinition): void {
  new StateMachine(definition as unknown as LibraryDefinition);
}

/** Runs a JSONPath definition locally on aws-local-stepfunctions; see `runAslLocally`. */
export async function runJsonPath(
  definition: AslDefinition,
  input: unknown,
  options: RunAslLocallyOptions,
): Promise<AslLocalRunResult> {
  // runAslLocally validated the definition as written; this runs a copy with unique state names.
  const unique = uniqueStateNames(definition);
  const nameOf = new Map(unique.states.map((s) => [s.runName, s.name]));
  const stateOf = new Map(unique.states.map((s) => [s.runName, s.state]));
  const calls: AslTaskCall[] = [];
  const taskResourceLocalHandlers: Handlers = {};
  const waitTimeOverrides: Record<string, number> = {};
  const retryIntervalOverrides: Record<string, number> = {};
  for (const info of unique.states) {
    if (info.state.Type === 'Task') taskResourceLocalHandlers[info.runName] = bindTask(info, options, calls);
    if (info.state.Type === 'Wait') waitTimeOverrides[info.runName] = options.waitTimeOverride ?? 0;
    if (Array.isArray(info.state.Retry)) retryIntervalOverrides[info.runName] = 0;
  }

  const machine = new StateMachine(unique.definition as unknown as LibraryDefinition, {
    validationOptions: { noValidate: true },
  });
  const execution = machine.run(input as Parameters<StateMachine['run']>[0], {
    overrides: {
      taskResourceLocalHandlers: taskResourceLocalHandlers as never,
      waitTimeOverrides,
      retryIntervalOverrides,
    },
    noThrowOnAbort: true,
    ...(options.context && { context: options.context }),
  });

  let stopped: { error: string; cause: string } | undefined;
  const stop = (error: string, cause: string) => {
    stopped ??= { error, cause };
    execution.abort();
  };
  const timeLimitMs = options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
  const timer = setTimeout(
    () => stop('Harness.TimeLimit', `the run took longer than ${timeLimitMs} ms of real time`),
    timeLimitMs,
  );

  const history: AslHistoryEntry[] = [];
  const retries: AslRetry[] = [];
  const waits: AslWait[] = [];
  const lastError = new Map<string, string>();
  let failure: { error: string; cause: string } | undefined;
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const logged = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type === 'StateEntered') {
        const name = nameOf.get(event.state.name) ?? event.state.name;
        history.push({ name, type: event.state.type });
        const state = stateOf.get(event.state.name);
        if (state?.Type === 'Wait') waits.push({ state: name, ...waitOf(state, event.state.input) });
        if (history.length > maxSteps)
          stop(
            'Harness.MaxSteps',
            `the run entered more than ${maxSteps} states: it loops (or raise maxSteps)`,
          );
      } else if (event.type === 'StateFailed') {
        lastError.set(event.state.name, event.Error);
      } else if (event.type === 'StateRetried') {
        retries.push({
          state: nameOf.get(event.state.name) ?? event.state.name,
          error: lastError.get(event.state.name) ?? '',
          attempt: event.retry.attempt,
          delayMs: retryDelayMs(event.retry.retrier, event.retry.attempt),
        });
      } else if (event.type === 'ExecutionFailed') {
        failure = { error: event.Error, cause: causeText(event.Cause) };
      }
    }
  })();

  try {
    const output = await execution.result;
    await logged;
    if (stopped) return { status: 'ABORTED', ...stopped, history, calls, retries, waits };
    return { status: 'SUCCEEDED', output, history, calls, retries, waits };
  } catch (thrown) {
    await logged;
    if (stopped) return { status: 'ABORTED', ...stopped, history, calls, retries, waits };
    if (thrown instanceof Error && thrown.name === 'ExecutionTimeoutError')
      return { status: 'TIMED_OUT', error: 'States.Timeout', cause: '', history, calls, retries, waits };
    const reason = failure ?? fromThrown(thrown);
    return { status: 'FAILED', ...reason, history, calls, retries, waits };
  } finally {
    clearTimeout(timer);
  }
}

/** The error name and cause of an ExecutionError (the library wraps the state's error as `cause`). */
function fromThrown(thrown: unknown): { error: string; cause: string } {
  const inner = thrown instanceof Error && thrown.cause instanceof Error ? thrown.cause : thrown;
  if (inner instanceof Error) return { error: inner.name, cause: inner.message };
  return { error: 'Error', cause: String(inner) };
}

/** A cause as text: the library passes a Fail state's Cause through, and an Error's `cause` as is. */
function causeText(cause: unknown): string {
  if (typeof cause === 'string') return cause;
  if (cause instanceof Error) return cause.message;
  return cause === undefined ? '' : JSON.stringify(cause);
}

/**
 * The time a JSONPath Wait state stands for: its Seconds or Timestamp, or the value its SecondsPath or
 * TimestampPath selects from the input (plain `$.a.b[0]` paths; others are left out).
 */
function waitOf(state: AslState, rawInput: unknown): Omit<AslWait, 'state'> {
  const input = typeof state.InputPath === 'string' ? simplePath(state.InputPath, rawInput) : rawInput;
  const seconds =
    typeof state.SecondsPath === 'string' ? simplePath(state.SecondsPath, input) : state.Seconds;
  if (typeof seconds === 'number') return { seconds };
  const timestamp =
    typeof state.TimestampPath === 'string' ? simplePath(state.TimestampPath, input) : state.Timestamp;
  return typeof timestamp === 'string' ? { timestamp } : {};
}

/** Follows a plain JSONPath (`$`, `.name`, `[index]` steps) into a value; undefined for anything else. */
function simplePath(path: string, value: unknown): unknown {
  if (!/^\$(\.[A-Za-z_][\w-]*|\[\d+\])*$/.test(path)) return undefined;
  let current = value;
  for (const [, name, index] of path.slice(1).matchAll(/\.([A-Za-z_][\w-]*)|\[(\d+)\]/g)) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[name ?? index!];
  }
  return current;
}
