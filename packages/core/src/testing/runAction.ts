import { setImmediate } from 'node:timers/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import type { AnyActionDefinition } from '../actions/registry.js';
import { createActionRegistry } from '../actions/registry.js';
import type { ActionDefinition, Clock } from '../actions/types.js';
import { ActionError, FirstlineError } from '../errors.js';
import { DEFAULT_STEP_TIMEOUT_MS, formatDuration, parseDuration } from '../format/duration.js';
import { schemaMismatch } from '../runtime/executeStep.js';
import type { VirtualClock } from '../runtime/types.js';
import { createTestContext, isVirtualClock } from './context.js';
import type { LogLine, TestContext, TestContextOptions } from './context.js';

/** Options of {@link runAction}: the context's own options, or a context made beforehand, and a timeout. */
export interface RunActionOptions<C extends Clock = VirtualClock> extends TestContextOptions<C> {
  /** A context to run with (made by `createTestContext`); the other context options are then ignored. */
  context?: TestContext<C>;
  /**
   * The step's `timeout:` (`'30s'` or milliseconds); default the engine's, 60s. On the virtual clock it
   * passes in no real time: an action still waiting then fails as the engine would fail it.
   */
  timeout?: string | number;
}

/** What a successful {@link runAction} returns. */
export interface RunActionResult<O, C extends Clock = VirtualClock> {
  /** What `run` resolved with, checked against the action's output schema. */
  output: O;
  /** The lines the action logged, redacted. */
  logs: LogLine[];
  /** Time the call took on the context's clock (virtual time on the default clock). */
  elapsedMs: number;
  /** The context the action ran with. */
  context: TestContext<C>;
}

// The output schemas, compiled once per definition (the engine's registry compiles the input ones).
const outputValidators = new WeakMap<object, ValidateFunction>();
let ajv: Ajv2020 | undefined;

/**
 * Calls an action the way a step would: its input checked against `input` (throws `E_ACTION_INPUT` with the
 * message a step's error would carry), `run` called with a test context, the virtual clock advanced while
 * it waits, raced against the step timeout (throws the engine's `no answer within …` as an ActionError of
 * kind `timeout`, the signal aborted), the output checked against `output` (`E_ACTION_OUTPUT`). What the
 * action throws is rethrown as it is: the error the engine would classify.
 *
 * @example
 * const { output, logs, elapsedMs } = await runAction(waitForState, { id: 'i-1', state: 'running' });
 * expect(output.state).toBe('running');
 * expect(elapsedMs).toBe(30_000); // three polls 10s apart, in no real time
 */
export async function runAction<I, O, C extends Clock = VirtualClock>(
  definition: ActionDefinition<I, O>,
  input: unknown,
  options: RunActionOptions<C> = {},
): Promise<RunActionResult<O, C>> {
  const def = definition as AnyActionDefinition;
  const problems = createActionRegistry([def], { builtins: false }).checkInput(def.id, input);
  if (problems.length) throw new FirstlineError('E_ACTION_INPUT', schemaMismatch('input', def.id, problems));
  const ctx = options.context ?? createTestContext(options);
  const timeoutMs = timeoutOf(options.timeout);
  const { clock } = ctx;
  const started = clock.now();
  let settled = false;
  let timedOut: ActionError | undefined;
  const work = (async () => definition.run(input as I, ctx))();
  const stop = new Promise<never>((_, reject) => {
    if (ctx.signal.aborted) reject(reasonOf(ctx.signal));
    else ctx.signal.addEventListener('abort', () => reject(reasonOf(ctx.signal)), { once: true });
  });
  const timer = clock.setTimeout(() => {
    timedOut = new ActionError(def.id, `no answer within ${formatDuration(timeoutMs)}`, {
      retryable: true,
      kind: 'timeout',
    });
    ctx.abort(timedOut);
  }, timeoutMs);
  const race = Promise.race([work, stop]).finally(() => {
    settled = true;
  });
  // Whichever loses the race must not surface as an unhandled rejection.
  work.catch(() => undefined);
  stop.catch(() => undefined);
  race.catch(() => undefined);
  try {
    if (isVirtualClock(clock)) await advanceUntil(clock, () => settled);
    const output = await race;
    checkOutput(def, output);
    return { output, logs: ctx.logs, elapsedMs: clock.now() - started, context: ctx };
  } catch (error) {
    throw timedOut ?? error;
  } finally {
    clock.clearTimeout(timer);
  }
}

/**
 * Advances a virtual clock until `done()`: each turn lets promise and I/O callbacks run, then, when the
 * action has a timer of its own pending, jumps to the next timer (the step timeout included). With only
 * the step timeout pending the action waits on something off the clock (a local server's answer): time
 * stands still and turns go by until it comes.
 */
async function advanceUntil(clock: VirtualClock, done: () => boolean): Promise<void> {
  for (let jumps = 0; ;) {
    await setImmediate();
    if (done()) return;
    if (clock.pending() <= 1) continue;
    if (++jumps > MAX_JUMPS)
      throw new FirstlineError('E_SIMULATION', `the virtual clock did not settle after ${MAX_JUMPS} timers`);
    clock.advanceToNext();
  }
}

// Timers runAction fires for one call at most: an action setting timers forever is a bug, not a wait.
const MAX_JUMPS = 1_000_000;

/** Why the context was aborted, as an Error (a reason given as text becomes one, kept as its cause). */
function reasonOf(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(`aborted: ${String(reason)}`, { cause: reason });
}

function timeoutOf(timeout: string | number | undefined): number {
  if (timeout === undefined) return DEFAULT_STEP_TIMEOUT_MS;
  const ms = typeof timeout === 'number' ? timeout : parseDuration(timeout);
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0)
    throw new FirstlineError(
      'E_SIMULATION',
      `runAction timeout must be a positive duration, not ${String(timeout)}`,
    );
  return ms;
}

/** Throws `E_ACTION_OUTPUT` when the action declares an output schema and its output breaks it. */
function checkOutput(def: AnyActionDefinition, output: unknown): void {
  if (!def.output) return;
  let validate = outputValidators.get(def.output);
  if (!validate) {
    // The registry's settings: authors' schemas may carry keywords of their own.
    ajv ??= new Ajv2020({ allErrors: true, strict: false, allowUnionTypes: true, validateSchema: false });
    validate = ajv.compile(def.output);
    outputValidators.set(def.output, validate);
  }
  if (!validate(output))
    throw new FirstlineError('E_ACTION_OUTPUT', schemaMismatch('output', def.id, validate.errors ?? []));
}
