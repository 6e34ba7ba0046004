import type { Clock } from '@firstline/core';

/**
 * Resolves after `ms` of `clock` time (virtual in simulations); rejects with the abort reason as soon
 * as `signal` aborts, so a step's timeout or a cancel ends a poll at once instead of after the pause.
 */
export function pause(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const reason = (): Error =>
      signal.reason instanceof Error ? signal.reason : new Error('aborted', { cause: signal.reason });
    if (signal.aborted) {
      reject(reason());
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      reject(reason());
    };
    const handle = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
