import { setImmediate } from 'node:timers/promises';
import type { AnyActionDefinition } from '../actions/registry.js';
import { createActionRegistry } from '../actions/registry.js';
import type { Clock } from '../actions/types.js';
import { ActionError, FirstlineError } from '../errors.js';
import { DEFAULT_STEP_TIMEOUT_MS, formatDuration, parseDuration } from '../format/duration.js';
import { schemaMismatch } from '../runtime/executeStep.js';
import type { VirtualClock } from '../runtime/types.js';
import { createTestContext, isVirtualClock } from './context.js';
import type { TestContext, TestContextOptions } from './context.js';

// One call of an action as a step makes it (runAction's `run`, planAction's `plan`): the input checked,
// the call raced against the step timeout and the context's abort, the virtual clock advanced meanwhile.

/** Options of {@link runAction} and {@link planAction}: the context's own options, or a context, and a timeout. */
export interface StepCallOptions<C extends Clock = VirtualClock> extends TestContextOptions<C> {
  /** A context to run with (made by `createTestContext`); the other context options are then ignored. */
  context?: TestContext<C>;
  /**
   * The step's `timeout:` (`'30s'` or milliseconds); default the engine's, 60s. On the virtual clock it
   * passes in no real time: an action still waiting then fails as the engine would fail it.
   */
  timeout?: string | number;
}

/** Throws `E_ACTION_INPUT`, with the message a step's error carries, when `input` breaks the input schema. */
export function checkActionInput(def: AnyActionDefinition, input: unknown): void {
  const problems = createActionRegistry([def], { builtins: false }).checkInput(def.id, input);
  if (problems.length) throw new FirstlineError('E_ACTION_INPUT', schemaMismatch('input', def.id, problems));
}

/**
 * Makes `call` with a test context as a step would: raced against the step timeout (an ActionError of
 * kind `timeout`, the signal aborted) and the context's abort (its reason), the virtual clock advanced
 * while it waits. Returns what it resolved with, the context and the time it took on the context's clock.
 */
export async function callAsStep<T, C extends Clock>(
  def: AnyActionDefinition,
  options: StepCallOptions<C>,
  call: (ctx: TestContext<C>) => Promise<T>,
): Promise<{ value: T; ctx: TestContext<C>; elapsedMs: number }> {
  const ctx = options.context ?? createTestContext(options);
  const timeoutMs = timeoutOf(options.timeout);
  const { clock } = ctx;
  const started = clock.now();
  let settled = false;
  let timedOut: ActionError | undefined;
  const work = (async () => call(ctx))();
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
    const value = await race;
    return { value, ctx, elapsedMs: clock.now() - started };
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
