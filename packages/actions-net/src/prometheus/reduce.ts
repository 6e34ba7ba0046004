import { percentile } from '../icmp/parsePing.js';

/** How `prometheus.query` turns each series' samples into one number. */
export const REDUCERS = [
  'last',
  'min',
  'max',
  'avg',
  'sum',
  'amplitude',
  'p50',
  'p90',
  'p95',
  'p99',
] as const;

/** One of {@link REDUCERS}; `amplitude` is max − min, `pNN` a linearly interpolated percentile. */
export type Reducer = (typeof REDUCERS)[number];

/** One series reduced: its labels and its number. */
export interface ReducedSeries {
  labels: Record<string, string>;
  value: number;
  samples: number;
}

/** Reduces samples (in time order, all finite) to one number; NaN for no samples. */
export function reduceSamples(values: readonly number[], reducer: Reducer): number {
  if (values.length === 0) return NaN;
  switch (reducer) {
    case 'last':
      return values[values.length - 1]!;
    case 'min':
      return Math.min(...values);
    case 'max':
      return Math.max(...values);
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'avg':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'amplitude':
      return Math.max(...values) - Math.min(...values);
    default:
      return percentile(values, Number(reducer.slice(1)));
  }
}

/** The series with the largest (`max`) or smallest (`min`) value; the first one on a tie; undefined when none. */
export function pickSeries(series: readonly ReducedSeries[], pick: 'max' | 'min'): ReducedSeries | undefined {
  let best: ReducedSeries | undefined;
  for (const s of series) {
    if (!best || (pick === 'max' ? s.value > best.value : s.value < best.value)) best = s;
  }
  return best;
}

/** A Prometheus sample value ("1.5", "NaN", "+Inf") as a number. */
export function sampleValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}
