import { describe, expect, it } from 'vitest';
import { sloBuckets, sloSeconds } from './sloBuckets.js';

describe('sloBuckets', () => {
  it('exponential: doubling bounds with the SLO a bound and two thirds of them at or below it', () => {
    const buckets = sloBuckets({ slo: '300ms' });
    expect(buckets).toEqual([
      0.00234375, 0.0046875, 0.009375, 0.01875, 0.0375, 0.075, 0.15, 0.3, 0.6, 1.2, 2.4, 4.8,
    ]);
    expect(buckets.filter((b) => b <= 0.3)).toHaveLength(8);
  });

  it('exponential with another count and factor', () => {
    expect(sloBuckets({ slo: 1, count: 4, factor: 10 })).toEqual([0.01, 0.1, 1, 10]);
  });

  it('clustered: evenly spaced bounds from SLO/2 to 1.5×SLO around the SLO, coarse ones outside', () => {
    expect(sloBuckets({ slo: '300ms', style: 'clustered' })).toEqual([
      0.03, 0.075, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.6, 1.2, 2.4,
    ]);
    const small = sloBuckets({ slo: '2s', style: 'clustered', count: 5 });
    expect(small).toContain(2);
    expect(small).toHaveLength(5);
  });

  it('is strictly increasing and always contains the SLO', () => {
    for (const style of ['exponential', 'clustered'] as const)
      for (const count of [3, 5, 8, 12, 20]) {
        const buckets = sloBuckets({ slo: '250ms', style, count });
        expect(buckets).toHaveLength(count);
        expect(buckets).toContain(0.25);
        expect(buckets.every((b, i) => i === 0 || b > buckets[i - 1]!)).toBe(true);
      }
  });

  it('rejects nonsense', () => {
    expect(() => sloBuckets({ slo: 'fast' })).toThrow('not a latency objective: fast');
    expect(() => sloBuckets({ slo: '1s', count: 1 })).toThrow('count must be');
    expect(() => sloBuckets({ slo: '1s', factor: 1 })).toThrow('factor must be more than 1');
    expect(sloSeconds(0.5)).toBe(0.5);
  });
});
