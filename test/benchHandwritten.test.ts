import { createVirtualClock, driveVirtualClock } from '@firstline/core';
import { describe, expect, it } from 'vitest';
import {
  createEc2Machine,
  createEquivalentMachine,
  simulateEc2,
  startHandwritten,
} from '../bench/handwrittenFeatures.mjs';

// The like-for-like bench rows are only fair if the hand-written machines really have the features they
// are credited with: these runs check the ec2 flow's paths and waits, and each per-step feature.

const drive = (clock: ReturnType<typeof createVirtualClock>, done: () => boolean) =>
  driveVirtualClock(clock, done);

async function ec2(outcomes: Record<string, string[]>) {
  const clock = createVirtualClock();
  const start = clock.now();
  const end = await simulateEc2(createEc2Machine(), clock, drive, outcomes);
  return { end, waitedMs: clock.now() - start };
}

describe('the hand-written ec2-first-line flow', () => {
  it('recovers after a failed check, a reboot and the 2-minute wait', async () => {
    expect(await ec2({ url: ['fail', 'pass'] })).toEqual({ end: 'recovered', waitedMs: 120_000 });
  });

  it('ends healthy at once when every check passes', async () => {
    expect(await ec2({})).toEqual({ end: 'healthy', waitedMs: 0 });
  });

  it('ends unrecovered when the recheck fails too', async () => {
    expect(await ec2({ route53: ['fail'] })).toEqual({ end: 'unrecovered', waitedMs: 120_000 });
  });
});

describe('the hand-written chain with per-step features', () => {
  const ok = () => Promise.resolve({ ok: true });

  it('runs every step and keeps its output', async () => {
    const { actor, done } = startHandwritten(createEquivalentMachine(3, ok));
    expect(await done).toBe('done');
    expect(Object.keys(actor.getSnapshot().context.outputs)).toEqual(['s0', 's1', 's2']);
  });

  it('fails on an outcome the guard rejects', async () => {
    const { done } = startHandwritten(createEquivalentMachine(2, () => Promise.resolve({ ok: false })));
    expect(await done).toBe('failed');
  });

  it('times a step out after 20 s, aborting the signal the action reads', async () => {
    const clock = createVirtualClock();
    let signal: AbortSignal | undefined;
    const hang = (input: { signal: AbortSignal }) => {
      signal = input.signal;
      return new Promise<never>(() => undefined);
    };
    const { actor, done } = startHandwritten(createEquivalentMachine(2, hang), { clock });
    await driveVirtualClock(clock, () => actor.getSnapshot().status !== 'active');
    expect(await done).toBe('failed');
    expect(clock.now() - createVirtualClock().now()).toBe(20_000);
    expect(signal?.aborted).toBe(true);
  });

  it('stops on CANCEL, aborting the running action', async () => {
    let signal: AbortSignal | undefined;
    const hang = (input: { signal: AbortSignal }) => {
      signal = input.signal;
      return new Promise<never>(() => undefined);
    };
    const { actor, done } = startHandwritten(createEquivalentMachine(2, hang), {
      clock: createVirtualClock(),
    });
    actor.send({ type: 'CANCEL' });
    expect(await done).toBe('cancelled');
    expect(signal?.aborted).toBe(true);
  });
});
