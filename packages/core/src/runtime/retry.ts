import type { StopSignal } from './stepStop.js';
import type { Clock } from '../actions/types.js';
import type { RetrySettings } from '../compile/ir.js';
import { isFirstlineError } from '../errors.js';
import type { ActionError, RetryAdvice } from '../errors.js';
import type { StepOutcome } from '../format/types.js';

/** How a failed attempt is classified for `retry.on`. */
export type FailureKind = NonNullable<RetryAdvice['kind']> | 'fail';

/** How a thrown failure is classified: its retry kind, whether a retry may help, and whether it is a verdict. */
export interface Failure {
  kind: FailureKind;
  retryable: boolean;
  afterMs?: number;
  /** The target's own bad answer (the attempt's outcome is `fail`), not a check that could not run. */
  verdict?: boolean;
}

/** The kind and retryability of what an action threw; errors that are not ActionErrors count as retryable `error`. */
export function classify(error: unknown): Failure {
  if (isFirstlineError(error) && error.code === 'E_ACTION_FAILED') {
    const { retry, verdict } = error as ActionError;
    return {
      kind: retry.kind ?? 'error',
      retryable: retry.retryable,
      ...(retry.afterMs !== undefined && { afterMs: retry.afterMs }),
      // Read as a plain field so an ActionError of another installed copy of core counts too.
      ...(verdict === true && { verdict: true }),
    };
  }
  return { kind: 'error', retryable: true };
}

/**
 * Whether an attempt that ended this way is tried again under `retry.on`. `error` in the list means
 * any error; an error the action marked not retryable (access denied, no such instance) never is.
 * `atMostOnce` (a remediation that is not idempotent): an attempt that timed out may have acted, so it
 * is never repeated, whatever `retry.on` says; the step ends `timeout` and the run decides from there.
 */
export function shouldRetry(
  settings: RetrySettings,
  outcome: StepOutcome,
  failure: { kind: FailureKind; retryable: boolean } | undefined,
  atMostOnce = false,
): boolean {
  if (outcome === 'pass' || outcome === 'skipped') return false;
  if (outcome === 'timeout' && atMostOnce) return false;
  // A verdict (`fail`) is retried under `fail`, or under its own kind (a 5xx the target answered).
  if (outcome === 'fail')
    return (
      settings.on.includes('fail') ||
      (!!failure && failure.kind !== 'fail' && failure.retryable && settings.on.includes(failure.kind))
    );
  if (outcome === 'timeout') return settings.on.includes('timeout') || settings.on.includes('error');
  if (!failure || !failure.retryable) return false;
  return settings.on.includes('error') || settings.on.includes(failure.kind);
}

/**
 * The pause before attempt `attempt + 1`: constant, linear or exponential from `delay`, capped at
 * `maxDelay`, with full jitter drawn from `random` (seeded in simulations); a Retry-After the remote
 * side sent wins when it is longer.
 */
export function retryDelay(
  settings: RetrySettings,
  attempt: number,
  random: () => number,
  afterMs?: number,
): number {
  const base =
    settings.backoff === 'constant'
      ? settings.delayMs
      : settings.backoff === 'linear'
        ? settings.delayMs * attempt
        : settings.delayMs * 2 ** (attempt - 1);
  const capped = Math.min(base, settings.maxDelayMs);
  const jittered = settings.jitter === 'full' ? Math.floor(random() * capped) : capped;
  return afterMs !== undefined ? Math.max(jittered, Math.min(afterMs, settings.maxDelayMs)) : jittered;
}

/** A small seeded generator (mulberry32): the same seed gives the same jitter, run after run. */
export function seededRandom(seed: string): () => number {
  let state = 0;
  for (let i = 0; i < seed.length; i++)
    state = (Math.imul(state ^ seed.charCodeAt(i), 2654435761) >>> 0) ^ (state >>> 13);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stop's reason, as the error a sleep rejects with (whatever was given, as from an AbortSignal). */
const reasonOf = (signal: StopSignal) => signal.reason as Error;

/** Resolves after `ms` of the clock's time; rejects with the signal's reason when it aborts first. */
export function sleep(clock: Clock, ms: number, signal?: StopSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(reasonOf(signal));
      return;
    }
    const onAbort = () => {
      clock.clearTimeout(handle);
      reject(reasonOf(signal!));
    };
    const handle = clock.setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
