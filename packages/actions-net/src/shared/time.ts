import { parseDuration } from '@firstline/core';

/** Milliseconds of a duration string (already schema-checked), or `fallback` when absent. */
export function durationMs(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = parseDuration(value);
  if (ms === undefined) throw new TypeError(`not a duration: ${value}`);
  return ms;
}

// Latency is a real elapsed time even when the run's clock is virtual: it is measured on the
// monotonic clock, never on ctx.clock (which would say 0 in a simulation and can jump).
/** A stopwatch on the monotonic clock: call the result to get milliseconds elapsed, to 0.001 ms. */
export function stopwatch(): () => number {
  const start = performance.now();
  return () => round(performance.now() - start);
}

/** Rounds milliseconds to microseconds, so outputs stay readable. */
export function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
