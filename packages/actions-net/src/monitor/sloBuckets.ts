import { parseDuration } from '@firstline/core';

/** Options of {@link sloBuckets}. */
export interface SloBucketsOptions {
  /** The latency objective: a duration (`300ms`) or seconds. It is always one of the bucket bounds. */
  slo: string | number;
  /** `exponential` (default): doubling bounds, two thirds of them up to the SLO; `clustered`: dense around it. */
  style?: 'exponential' | 'clustered';
  /** How many bounds (default 12). */
  count?: number;
  /** Growth factor of `exponential` (default 2). */
  factor?: number;
}

/**
 * Histogram bucket bounds, in seconds, chosen around a latency SLO instead of prom-client's
 * defaults: the SLO itself is a bound, so "share of requests within the SLO" is exact
 * (`le="0.3"`), and the bounds near it are fine enough for P90/P95/P99 to be meaningful.
 *
 * @example
 * sloBuckets({ slo: '300ms' }) // [0.00234375, …, 0.15, 0.3, 0.6, …, 4.8]
 * sloBuckets({ slo: '300ms', style: 'clustered' }) // [0.03, 0.075, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.6, 1.2, 2.4]
 */
export function sloBuckets(options: SloBucketsOptions): number[] {
  const slo = sloSeconds(options.slo);
  const count = options.count ?? 12;
  if (!Number.isInteger(count) || count < 3 || count > 64)
    throw new RangeError(`sloBuckets: count must be an integer from 3 to 64, not ${count}`);
  if ((options.style ?? 'exponential') === 'exponential') {
    const factor = options.factor ?? 2;
    if (!(factor > 1)) throw new RangeError(`sloBuckets: factor must be more than 1, not ${factor}`);
    const below = Math.round(((count - 1) * 2) / 3);
    return Array.from({ length: count }, (_, i) => tidy(slo * factor ** (i - below)));
  }
  // Clustered: two coarse bounds below, an odd number of evenly spaced ones from SLO/2 to 1.5×SLO
  // (the SLO in the middle), then doubling bounds above for the tail.
  let inner = Math.max(1, count - 4);
  if (inner % 2 === 0) inner--;
  const low = [0.1, 0.25].slice(0, Math.max(0, Math.min(2, count - inner - 1)));
  const highCount = count - inner - low.length;
  const half = (inner - 1) / 2;
  const middle = Array.from({ length: inner }, (_, j) => (half === 0 ? 1 : 1 + ((j - half) / half) * 0.5));
  const high = Array.from({ length: highCount }, (_, j) => 2 ** (j + 1));
  return [...low, ...middle, ...high].map((m) => tidy(slo * m));
}

/** An SLO as seconds: a duration string or a number of seconds. */
export function sloSeconds(slo: string | number): number {
  const seconds = typeof slo === 'number' ? slo : (parseDuration(slo) ?? NaN) / 1000;
  if (!(seconds > 0) || !Number.isFinite(seconds))
    throw new RangeError(`not a latency objective: ${String(slo)} (write it like 300ms or 2s)`);
  return seconds;
}

// Floating point makes 0.3 × 1.5 into 0.44999999999999996; a bound label should read 0.45.
function tidy(value: number): number {
  return Number(value.toPrecision(6));
}
