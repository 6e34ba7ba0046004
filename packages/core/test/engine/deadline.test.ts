// The run's deadline holds when its timer cannot fire (the event loop busy inside a step), and a
// goto loop that cannot end stops as `failed` instead of spinning.
import { describe, expect, it } from 'vitest';
import { createVirtualClock, runPlaybook } from '@firstline/core';
import type { Clock } from '@firstline/core';
import { createFakeAction, eventsOf, runVirtual, sequence, yamlPlaybook } from './support.js';

/**
 * A virtual clock whose time a step can move on without firing a timer: what a step that keeps the
 * event loop busy for minutes looks like to the run (its deadline timer never gets a turn).
 */
function starvedClock(): Clock & { burn(ms: number): void } {
  const virtual = createVirtualClock();
  let burnt = 0;
  return {
    now: () => virtual.now() + burnt,
    setTimeout: (fn, ms) => virtual.setTimeout(fn, ms),
    clearTimeout: (handle) => virtual.clearTimeout(handle),
    burn: (ms) => (burnt += ms),
  };
}

const burning = `timeout: 5m
steps:
  - id: burn
    action: test.step.burn
    maxVisits: 10
  - id: again
    goto: burn
    maxVisits: 10
  - id: after
    action: test.step.after
`;

describe('the run deadline', () => {
  it('ends the run timed_out when a step ends past it, though its timer never fired', async () => {
    const clock = starvedClock();
    const burn = createFakeAction('test.step.burn', 'probe', () => {
      clock.burn(6 * 60_000);
      return Promise.resolve({});
    });
    const after = createFakeAction('test.step.after', 'probe', sequence({}));
    const body = `timeout: 5m\nsteps:\n  - id: burn\n    action: test.step.burn\n  - id: after\n    action: test.step.after\n`;
    const result = await runPlaybook(yamlPlaybook(body), {
      mode: 'live',
      clock,
      actions: [burn.action, after.action],
    });
    expect(result.outcome).toBe('timed_out');
    expect(after.count).toBe(0);
    // The step that overran keeps its own record.
    expect(result.steps.burn).toMatchObject({ outcome: 'pass', visits: 1 });
    expect(eventsOf(result.trace, 'decision').map((e) => e.message)).toEqual([
      'the run reached its deadline: timed_out',
    ]);
  });

  it('stops a loop at the first step that ends past it', async () => {
    const clock = starvedClock();
    const burn = createFakeAction('test.step.burn', 'probe', () => {
      clock.burn(2 * 60_000);
      return Promise.resolve({});
    });
    const after = createFakeAction('test.step.after', 'probe', sequence({}));
    const result = await runPlaybook(yamlPlaybook(burning), {
      mode: 'live',
      clock,
      actions: [burn.action, after.action],
    });
    expect(result.outcome).toBe('timed_out');
    // Ends at 2, 4 and 6 minutes: the third is past the 5-minute deadline.
    expect(burn.count).toBe(3);
    expect(after.count).toBe(0);
    expect(result.steps.burn).toMatchObject({ outcome: 'pass', visits: 3 });
  });

  it('is checked when a goto is entered past it', async () => {
    const clock = starvedClock();
    // Burns the time only after it ran: the step's own end is before the deadline, the goto's entry after.
    const burn = createFakeAction('test.step.burn', 'probe', (_input, ctx) => {
      ctx.signal.throwIfAborted();
      return Promise.resolve({});
    });
    const after = createFakeAction('test.step.after', 'probe', sequence({}));
    const result = await runPlaybook(yamlPlaybook(burning), {
      mode: 'live',
      clock,
      actions: [burn.action, after.action],
      onEvent: (event) => {
        if (event.type === 'step.end' && event.step === 'burn') clock.burn(2 * 60_000);
      },
    });
    expect(result.outcome).toBe('timed_out');
    expect(burn.count).toBe(3);
    expect(result.steps.burn).toMatchObject({ outcome: 'pass', visits: 3 });
    expect(eventsOf(result.trace, 'decision').map((e) => e.message)).toContain(
      'the run reached its deadline: timed_out',
    );
  });

  it('does not stop a run whose steps all end before it', async () => {
    const clock = starvedClock();
    const burn = createFakeAction('test.step.burn', 'probe', () => {
      clock.burn(10_000);
      return Promise.resolve({});
    });
    const after = createFakeAction('test.step.after', 'probe', sequence({}));
    const result = await runPlaybook(yamlPlaybook(burning), {
      mode: 'live',
      clock,
      actions: [burn.action, after.action],
    });
    expect(result.outcome).toBe('healthy');
    expect(burn.count).toBe(10);
    expect(after.count).toBe(1);
  });
});

describe('a goto loop that cannot end', () => {
  // `probe` is used up after two runs and skipped onto `back`, which has no bound of its own: without
  // the watch, back → probe (skipped) → back would go round for ever without a step running. The
  // validator accepts it: the loop passes a step with maxVisits.
  const spinning = `steps:
  - id: probe
    action: test.step.probe
    maxVisits: 2
  - id: back
    goto: probe
`;

  it('ends failed with a decision naming the goto', async () => {
    const probe = createFakeAction('test.step.probe', 'probe', sequence({}));
    const { result } = await runVirtual(yamlPlaybook(spinning), { actions: [probe.action] });
    expect(result.outcome).toBe('failed');
    expect(probe.count).toBe(2);
    const stuck = eventsOf(result.trace, 'decision').filter((e) => e.message.includes('could never end'));
    expect(stuck).toEqual([expect.objectContaining({ step: 'back' })]);
    expect(stuck[0]!.message).toBe(
      'back: the loop through this goto came round again without running a step or using up a maxVisits, so it could never end: failed',
    );
  });

  it('lets a loop of gotos that uses up a maxVisits on each round run to its end', async () => {
    // `back` is skipped onto itself round after round, each round counting one of its visits.
    const body = `steps:
  - id: a
    action: test.step.probe
    maxVisits: 1
  - id: back
    goto: a
    maxVisits: 4
  - id: after
    action: test.step.after
`;
    const probe = createFakeAction('test.step.probe', 'probe', sequence({}));
    const after = createFakeAction('test.step.after', 'probe', sequence({}));
    const { result } = await runVirtual(yamlPlaybook(body), { actions: [probe.action, after.action] });
    expect(result.outcome).toBe('healthy');
    expect(probe.count).toBe(1);
    expect(after.count).toBe(1);
    expect(result.steps.back).toMatchObject({ outcome: 'skipped', visits: 4 });
  });
});
