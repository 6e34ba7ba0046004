import { describe, expect, it } from 'vitest';
import type { StepOutcome } from '../format/types.js';
import { QuorumTally } from './quorum.js';

/** Tallies `outcomes` (member i is `m<i>`) against `need` and returns the group's outcome. */
function decide(need: number, outcomes: StepOutcome[], errorIsFail: boolean[] = []) {
  const tally = new QuorumTally(
    outcomes.map((_, i) => `m${i}`),
    need,
  );
  outcomes.forEach((o, i) => tally.add(`m${i}`, o, errorIsFail[i]));
  return tally;
}

describe('QuorumTally', () => {
  it.each<[string, number, StepOutcome[], string]>([
    ['all pass', 3, ['pass', 'pass', 'pass'], 'pass'],
    ['all, one fail verdict', 3, ['pass', 'fail', 'error'], 'fail'],
    ['all, errors only', 3, ['pass', 'error', 'timeout'], 'error'],
    ['any, one pass beside an error', 1, ['error', 'pass'], 'pass'],
    ['any, a fail and an error: the error could have passed', 1, ['fail', 'error'], 'error'],
    ['any, every member fails', 1, ['fail', 'fail'], 'fail'],
    ['at least 2 of 3, pass fail error', 2, ['pass', 'fail', 'error'], 'error'],
    ['at least 2 of 3, two fail verdicts', 2, ['fail', 'error', 'fail'], 'fail'],
    ['a skipped member counts against, as before', 2, ['pass', 'skipped'], 'fail'],
  ])('%s', (_name, need, outcomes, expected) => {
    expect(decide(need, outcomes).outcome(false)).toBe(expected);
  });

  it('decides fail early only on verdicts: errors leave it open until every member ended', () => {
    const tally = new QuorumTally(['a', 'b', 'c'], 3);
    tally.add('b', 'error');
    expect(tally.decided).toBeUndefined();
    tally.add('a', 'fail');
    expect(tally.decided).toBe('fail');
  });

  it('counts an error as a failure for a member with onError: fail', () => {
    expect(decide(2, ['pass', 'error'], [false, true]).outcome(false)).toBe('fail');
  });

  it('is timeout when the group deadline stopped it undecided', () => {
    const tally = new QuorumTally(['a', 'b'], 2);
    tally.add('a', 'pass');
    expect(tally.outcome(true)).toBe('timeout');
  });

  it('names the members that could not run in playbook order, whatever order they ended in', () => {
    const tally = new QuorumTally(['a', 'b', 'c'], 3);
    tally.add('c', 'timeout');
    tally.add('a', 'error');
    tally.add('b', 'pass');
    expect(tally.couldNotRun).toEqual(['a', 'c']);
    expect(tally.describe('all')).toBe('1 of 3 passed, 2 could not run (a, c); quorum all needs 3');
  });
});
