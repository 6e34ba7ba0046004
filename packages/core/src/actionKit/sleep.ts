import type { ActionContext } from '../actions/types.js';
import { sleep as clockSleep } from '../runtime/retry.js';

/**
 * Waits `ms` milliseconds of the run's clock (virtual in simulations and tests, so nothing really
 * waits there) and rejects with the signal's reason as soon as `ctx.signal` aborts: the step timed
 * out or the run was cancelled. Use it instead of `setTimeout` for every pause inside an action.
 */
export function sleep(ms: number, ctx: Pick<ActionContext, 'clock' | 'signal'>): Promise<void> {
  return clockSleep(ctx.clock, ms, ctx.signal);
}
