import { describe, expect, it } from 'vitest';
import { parsePlaybook } from '../load/loadPlaybook.js';
import { fakeAction, playbookYaml } from '../../test/support.js';
import { createVirtualClock } from './clock.js';
import { simulatePlaybook } from './simulatePlaybook.js';
import type { VirtualClock } from './types.js';

const actions = [fakeAction('test.http.check', 'probe')];
const playbook = parsePlaybook(
  playbookYaml(`timeout: 30m
defaults: { timeout: 20s }
checks:
  - id: url
    action: test.http.check
`),
);

/** A virtual clock that counts the timers set on it. */
function countingClock(): { clock: VirtualClock; set: number[] } {
  const clock = createVirtualClock();
  const set: number[] = [];
  const setTimeout = clock.setTimeout.bind(clock);
  clock.setTimeout = (fn, ms) => {
    set.push(ms);
    return setTimeout(fn, ms);
  };
  return { clock, set };
}

describe('an attempt', () => {
  it('answered at once by a script arms no timeout: only the run deadline is set', async () => {
    const { clock, set } = countingClock();
    const result = await simulatePlaybook(playbook, { actions, clock, outcomes: { url: 'pass' } });
    expect(result.outcome).toBe('healthy');
    expect(set).toEqual([30 * 60_000]);
  });

  it('scripted to hang still races its timeout on the virtual clock, and times out', async () => {
    const { clock, set } = countingClock();
    const result = await simulatePlaybook(playbook, { actions, clock, outcomes: { url: 'timeout' } });
    expect(set).toContain(20_000);
    expect(result.steps.url).toMatchObject({ outcome: 'timeout', error: 'no answer within 20s' });
    expect(result.steps.url!.endedAt - result.steps.url!.startedAt).toBe(20_000);
  });
});
