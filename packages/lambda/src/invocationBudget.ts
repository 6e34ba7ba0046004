import type { Clock } from '@firstline/core';
import type { LambdaContext } from './types.js';

/** What one invocation may spend: runs hand back what they cannot finish in it. */
export interface InvocationBudget {
  /** Clock time after which no wait may end (runs suspend instead); absent without a Lambda context. */
  suspendBefore?: number;
  /** Aborts at `suspendBefore`: runs still going stop where they are, stored. */
  suspend?: AbortSignal;
  /** Clears the timer; call when the invocation ends. */
  done(): void;
}

/**
 * The budget of an invocation with `context.getRemainingTimeInMillis()` left, keeping `marginMs` free
 * for storing runs and answering Lambda. Without a context (a local call) runs are not cut short.
 */
export function invocationBudget(
  clock: Clock,
  context: LambdaContext | undefined,
  marginMs: number,
): InvocationBudget {
  if (!context) return { done: () => undefined };
  const left = context.getRemainingTimeInMillis() - marginMs;
  const suspendBefore = clock.now() + left;
  const controller = new AbortController();
  const timer = clock.setTimeout(() => controller.abort(), Math.max(0, left));
  return { suspendBefore, suspend: controller.signal, done: () => clock.clearTimeout(timer) };
}
