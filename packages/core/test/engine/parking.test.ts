// Parked runs (HostOptions.parkWaitsOver): a live run in a long wait drops its XState actor and keeps only
// its persisted snapshot and one timer; a new actor goes on from the snapshot when the wait ends, or at once
// when the run is cancelled or handed back. Every test runs the same run parked and not parked
// (`parkWaitsOver: false`) and compares what a user can see: outcome, steps, trace, stream, store, calls.
// The clock is driven by hand and is not virtual (a virtual clock never parks a run).
import { describe, expect, it } from 'vitest';
import {
  createMemoryStore,
  createVirtualClock,
  defineAction,
  parsePlaybook,
  resumeRun,
  runPlaybook,
} from '@firstline/core';
import type { Clock, RunResult, RunStore, TraceEvent } from '@firstline/core';
import { createRebootFixture, rebootPlaybookText } from '../fixtures/reboot.js';

const T0 = Date.UTC(2026, 2, 1);
const RUN = 'run-parked';

/** A clock only the test moves, counting its pending timers; not marked virtual, so runs on it may park. */
function handClock(): Clock & { advance(ms: number): Promise<void>; pending(): number } {
  const inner = createVirtualClock({ startAt: T0 });
  const pending = new Set<unknown>();
  return {
    now: () => inner.now(),
    setTimeout(fn, ms) {
      const handle: unknown = inner.setTimeout(() => {
        pending.delete(handle);
        fn();
      }, ms);
      pending.add(handle);
      return handle;
    },
    clearTimeout(handle) {
      pending.delete(handle);
      inner.clearTimeout(handle);
    },
    async advance(ms) {
      inner.advance(ms);
      await settle();
    },
    pending: () => pending.size,
  };
}

/** Lets every promise reaction and immediate queued so far run (the run's own steps, its store writes). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

interface Started {
  clock: ReturnType<typeof handClock>;
  fixture: ReturnType<typeof createRebootFixture>;
  events: TraceEvent[];
  store: RunStore;
  controller: AbortController;
  suspend: AbortController;
  result: Promise<RunResult>;
}

/**
 * Starts the reboot playbook live: its check fails, the reboot passes, and it waits 2 minutes to recheck.
 * `checkMs`: how long (on the clock) the first check takes to answer.
 */
async function start(
  parkWaitsOver: number | false | undefined,
  text = rebootPlaybookText(),
  checkMs = 0,
): Promise<Started> {
  const clock = handClock();
  const fixture = createRebootFixture();
  const events: TraceEvent[] = [];
  const store = createMemoryStore();
  const controller = new AbortController();
  const suspend = new AbortController();
  const [check, reboot] = fixture.actions;
  const slowCheck = defineAction<unknown, { healthy: boolean }>({
    ...check!,
    run: async (input, ctx) => {
      if (fixture.state.checks === 0 && checkMs > 0)
        await new Promise<void>((resolve) => clock.setTimeout(() => resolve(), checkMs));
      return check!.run(input, ctx) as Promise<{ healthy: boolean }>;
    },
  });
  const result = runPlaybook(parsePlaybook(text), {
    mode: 'live',
    runId: RUN,
    actions: [slowCheck, reboot!],
    clock,
    store,
    signal: controller.signal,
    suspend: suspend.signal,
    onEvent: (event) => events.push(event),
    ...(parkWaitsOver !== undefined && { parkWaitsOver }),
  });
  await settle();
  if (checkMs > 0) await clock.advance(checkMs);
  return { clock, fixture, events, store, controller, suspend, result };
}

/** What a user sees of a run: its result (trace included), the events streamed, its stored record. */
async function seen(run: Started) {
  const result = await run.result;
  return {
    result,
    events: run.events,
    stored: await run.store.load(RUN),
    reboots: run.fixture.state.reboots,
  };
}

describe('parked runs', () => {
  it('parks a run in its 2-minute wait by default, and it ends exactly as a run that was not parked', async () => {
    const parked = await start(undefined);
    const kept = await start(false);
    // Both are in the wait. The parked one holds one timer (its wake); the other its deadline and its sleep.
    expect(parked.events.at(-1)).toMatchObject({ type: 'wait.start', durationMs: 120_000 });
    expect(kept.events.at(-1)).toMatchObject({ type: 'wait.start', durationMs: 120_000 });
    expect(parked.clock.pending()).toBe(1);
    expect(kept.clock.pending()).toBe(2);
    await parked.clock.advance(120_000);
    await kept.clock.advance(120_000);
    const a = await seen(parked);
    const b = await seen(kept);
    expect(a.result.outcome).toBe('recovered');
    expect(a).toEqual(b);
    expect(a.reboots).toHaveLength(1);
    // One wait in the trace, and its record spans the whole 2 minutes.
    expect(a.result.trace.filter((e) => e.type === 'wait.start')).toHaveLength(1);
    expect(a.result.trace.filter((e) => e.type === 'run.resume')).toHaveLength(0);
    const wait = Object.values(a.result.steps).find((s) => s.endedAt - s.startedAt === 120_000);
    expect(wait).toBeDefined();
    expect(parked.clock.pending()).toBe(0);
  });

  it('does not park a wait shorter than parkWaitsOver', async () => {
    const run = await start(5 * 60_000);
    expect(run.events.at(-1)).toMatchObject({ type: 'wait.start' });
    expect(run.clock.pending()).toBe(2);
    await run.clock.advance(120_000);
    expect((await run.result).outcome).toBe('recovered');
  });

  it('wakes a parked run that is cancelled: it ends cancelled, as a run not parked does', async () => {
    const parked = await start(undefined);
    const kept = await start(false);
    expect(parked.clock.pending()).toBe(1);
    await parked.clock.advance(30_000);
    await kept.clock.advance(30_000);
    parked.controller.abort();
    kept.controller.abort();
    const a = await seen(parked);
    expect(a.result.outcome).toBe('cancelled');
    expect(a).toEqual(await seen(kept));
    expect(parked.clock.pending()).toBe(0);
  });

  it('wakes a parked run at the run deadline when that comes before the wait ends: it times out', async () => {
    // timeout 2m10s, the check takes 30 s, the recheck 2 minutes later: parked until the deadline.
    const text = `timeout: 130s\n${rebootPlaybookText()}`;
    const parked = await start(undefined, text, 30_000);
    const kept = await start(false, text, 30_000);
    expect(parked.events.at(-1)).toMatchObject({ type: 'wait.start', durationMs: 120_000 });
    expect(parked.clock.pending()).toBe(1);
    await parked.clock.advance(99_999);
    await kept.clock.advance(99_999);
    expect(parked.clock.pending()).toBe(1);
    await parked.clock.advance(1);
    await kept.clock.advance(1);
    const a = await seen(parked);
    expect(a.result.outcome).toBe('timed_out');
    expect(a).toEqual(await seen(kept));
    expect(parked.clock.pending()).toBe(0);
  });

  it('hands a parked run back when asked (SIGTERM), and resuming it later recovers without a second reboot', async () => {
    const parked = await start(undefined);
    const kept = await start(false);
    await parked.clock.advance(10_000);
    await kept.clock.advance(10_000);
    parked.suspend.abort();
    kept.suspend.abort();
    const a = await seen(parked);
    expect(a.result.outcome).toBe('suspended');
    expect(a).toEqual(await seen(kept));
    expect(parked.clock.pending()).toBe(0);
    // Resumed after the wait's end: the recheck passes, the reboot is not repeated.
    const fixture = createRebootFixture({ healthy: true });
    const resumed = await resumeRun(RUN, {
      store: parked.store,
      actions: fixture.actions,
      clock: createVirtualClock({ startAt: T0 + 130_000 }),
    });
    expect(resumed.outcome).toBe('recovered');
    expect(fixture.state.reboots).toEqual([]);
  });

  it('ends a handed-back run resumed with its signal already aborted as cancelled, not parked again', async () => {
    const run = await start(undefined);
    run.suspend.abort();
    expect((await run.result).outcome).toBe('suspended');
    const clock = handClock();
    const cancelled = new AbortController();
    cancelled.abort();
    const resumed = await resumeRun(RUN, {
      store: run.store,
      actions: createRebootFixture().actions,
      clock,
      signal: cancelled.signal,
    });
    expect(resumed.outcome).toBe('cancelled');
    expect(clock.pending()).toBe(0);
  });

  it('parks a run that was resumed into its wait, and it goes on when the wait ends', async () => {
    const run = await start(undefined);
    run.suspend.abort();
    expect((await run.result).outcome).toBe('suspended');
    const clock = handClock();
    const fixture = createRebootFixture({ healthy: true });
    const resumed = resumeRun(RUN, { store: run.store, actions: fixture.actions, clock });
    await settle();
    expect(clock.pending()).toBe(1);
    await clock.advance(120_000);
    expect((await resumed).outcome).toBe('recovered');
    expect(fixture.state.reboots).toEqual([]);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, '1s'])(
    'rejects parkWaitsOver %s with E_HOST_OPTIONS before running anything',
    async (bad) => {
      const fixture = createRebootFixture();
      await expect(
        runPlaybook(parsePlaybook(rebootPlaybookText()), {
          mode: 'live',
          actions: fixture.actions,
          clock: handClock(),
          parkWaitsOver: bad as number,
        }),
      ).rejects.toMatchObject({
        code: 'E_HOST_OPTIONS',
        message: expect.stringContaining('parkWaitsOver') as unknown,
      });
      expect(fixture.state.checks).toBe(0);
    },
  );
});
