import { describe, expect, it } from 'vitest';
import { pickSeries, reduceSamples, REDUCERS, sampleValue } from './reduce.js';

const values = [3, 1, 4, 1, 5, 9, 2, 6];

describe('reduceSamples', () => {
  it.each([
    ['last', 6],
    ['min', 1],
    ['max', 9],
    ['sum', 31],
    ['avg', 3.875],
    ['amplitude', 8],
    ['p50', 3.5],
    ['p90', 6.9],
    ['p95', 7.95],
    ['p99', 8.79],
  ] as const)('%s', (reducer, expected) => {
    expect(reduceSamples(values, reducer)).toBeCloseTo(expected, 10);
  });

  it('covers every reducer and gives NaN for no samples', () => {
    expect(REDUCERS).toHaveLength(10);
    for (const reducer of REDUCERS) expect(reduceSamples([], reducer)).toBeNaN();
    for (const reducer of REDUCERS) expect(reduceSamples([7], reducer)).toBe(reducer === 'amplitude' ? 0 : 7);
  });
});

describe('pickSeries', () => {
  const series = [
    { labels: { kind: 'web' }, value: 2, samples: 5 },
    { labels: { kind: 'db' }, value: 30, samples: 5 },
    { labels: { kind: 'cache' }, value: 0, samples: 5 },
    { labels: { kind: 'db2' }, value: 30, samples: 5 },
  ];

  it('picks the largest or the smallest, the first on a tie', () => {
    expect(pickSeries(series, 'max')?.labels).toEqual({ kind: 'db' });
    expect(pickSeries(series, 'min')?.labels).toEqual({ kind: 'cache' });
    expect(pickSeries([], 'max')).toBeUndefined();
  });
});

describe('sampleValue', () => {
  it('reads Prometheus sample strings', () => {
    expect(sampleValue('1.5e3')).toBe(1500);
    expect(sampleValue('+Inf')).toBe(Infinity);
    expect(sampleValue('-Inf')).toBe(-Infinity);
    expect(sampleValue('NaN')).toBeNaN();
  });
});
