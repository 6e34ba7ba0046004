import { describe, expect, it } from 'vitest';
import { closest, didYouMean, SUGGEST_BUDGET } from './suggest.js';

/** The full-table distance the bounded one must agree with (swaps of neighbours count once). */
function reference(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** What closest() answered before it was bounded: the first candidate at the least distance, if close. */
function unbounded(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = reference(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

describe('closest', () => {
  it('suggests for ordinary typos: a swap, a missing letter, a wrong letter, a case slip', () => {
    const ids = ['check-health', 'restart', 'notify-ops', 'fail', 'healthy'];
    expect(closest('fial', ids)).toBe('fail');
    expect(closest('restat', ids)).toBe('restart');
    expect(closest('notify-opz', ids)).toBe('notify-ops');
    expect(closest('Healthy', ids)).toBe('healthy');
    expect(closest('something-else', ids)).toBeUndefined();
    expect(didYouMean('chek-health', ids)).toBe('; did you mean "check-health"?');
    expect(didYouMean('zzz', ids)).toBe('');
  });

  it('agrees with the unbounded search on seeded random words and candidate lists', () => {
    let seed = 0x5eed_1234;
    const next = (n: number) => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return (seed >>> 8) % n;
    };
    const word = () => Array.from({ length: 1 + next(12) }, () => 'abcdeAB-'[next(8)]).join('');
    for (let n = 0; n < 2_000; n++) {
      const candidates = Array.from({ length: 1 + next(12) }, word);
      const target = next(2) === 0 ? word() : mutate(candidates[0]!, next);
      expect(closest(target, candidates), `${target} in ${candidates.join(',')}`).toBe(
        unbounded(target, candidates),
      );
    }
  });

  it('costs at most its budget however many candidates there are', () => {
    const many = [...Array.from({ length: 200_000 }, (_, i) => `step-${i}`), 'restart-the-service'];
    // The match is past what the budget reaches: no hint, rather than a long search.
    expect(closest('restart-teh-service', many)).toBeUndefined();
    expect(closest('restart-teh-service', many, Infinity)).toBe('restart-the-service');
    // A near match early in the list is still found.
    expect(closest('step-1x', many)).toBe('step-1');
    // A huge word is not compared cell by cell against every candidate.
    const huge = closest('x'.repeat(100_000), ['x'.repeat(99_999)], SUGGEST_BUDGET);
    expect(huge === undefined).toBe(true);
    expect(closest('x'.repeat(300), ['x'.repeat(299)], Infinity)).toBe('x'.repeat(299));
  });
});

function mutate(word: string, next: (n: number) => number): string {
  const i = next(word.length + 1);
  switch (next(4)) {
    case 0:
      return word.slice(0, i) + 'x' + word.slice(i);
    case 1:
      return word.slice(0, i) + word.slice(i + 1);
    case 2:
      return i + 1 < word.length ? word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2) : word;
    default:
      return word.toUpperCase();
  }
}
