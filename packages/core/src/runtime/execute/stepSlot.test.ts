import { describe, expect, it } from 'vitest';
import { createRebootFixture, rebootPlaybookText } from '../../../test/fixtures/reboot.js';
import { defineAction } from '../../actions/defineAction.js';
import { parsePlaybook } from '../../load/loadPlaybook.js';
import { createVirtualClock } from '../clock.js';
import { resumeRun } from '../resumeRun.js';
import { runPlaybook } from '../runPlaybook.js';
import { createMemoryStore } from '../stores/memoryStore.js';
import type { RunContext, TraceEvent } from '../types.js';

const T0 = Date.UTC(2026, 2, 1);

type Stored = { value: unknown; context: RunContext; children?: Record<string, unknown> };

/** A run of the reboot fixture handed back at its 2-minute recheck wait. */
async function handedBackAtWait() {
  const { actions, state } = createRebootFixture();
  const store = createMemoryStore();
  const first = await runPlaybook(parsePlaybook(rebootPlaybookText('', 'slot')), {
    actions,
    store,
    runId: 'run-1',
    clock: createVirtualClock({ startAt: T0 }),
    suspendBefore: T0,
  });
  expect(first.outcome).toBe('suspended');
  return { actions, state, store, wakeAt: first.suspended!.wakeAt! };
}

const waitStarts = (trace: TraceEvent[]) =>
  trace.filter((e): e is Extract<TraceEvent, { type: 'wait.start' }> => e.type === 'wait.start');

describe('steps as states: started on entry, ended by an event', () => {
  it('stores a waiting run with its deadline in the context and no step actor', async () => {
    const { store, wakeAt } = await handedBackAtWait();
    const record = (await store.load('run-1'))!;
    const snapshot = record.snapshot as Stored;
    expect(snapshot.value).toBe('__recheck_wait');
    expect(snapshot.context.wait).toEqual({ until: wakeAt });
    expect(record.deadlines.wake).toBe(wakeAt);
    expect(Object.keys(snapshot.children ?? {})).toEqual([]);
  });

  it('resumes a wait at the deadline it started with, and forgets it once the wait ended', async () => {
    const { actions, state, store, wakeAt } = await handedBackAtWait();
    // The host comes back 30 s before the wait's end: the run waits only what is left.
    const clock = createVirtualClock({ startAt: wakeAt - 30_000 });
    const resumed = await resumeRun('run-1', { store, actions, clock });
    expect(resumed.outcome).toBe('recovered');
    expect(waitStarts(resumed.trace).at(-1)).toMatchObject({ until: wakeAt, durationMs: 30_000 });
    expect(state.reboots).toHaveLength(1);
    const done = (await store.load('run-1'))!;
    expect((done.snapshot as Stored).context.wait).toBeUndefined();
  });

  it('forgets the deadline of a wait a cancel cuts short, as when the wait ends', async () => {
    const { actions } = createRebootFixture();
    const store = createMemoryStore();
    const cancel = new AbortController();
    const result = await runPlaybook(parsePlaybook(rebootPlaybookText('', 'slot')), {
      actions,
      store,
      runId: 'run-2',
      clock: createVirtualClock({ startAt: T0 }),
      signal: cancel.signal,
      onEvent: (event) => {
        if (event.type === 'wait.start') cancel.abort();
      },
    });
    expect(result.outcome).toBe('cancelled');
    expect(result.steps.recheck?.error).toBe('interrupted: the run was cancelled');
    const done = (await store.load('run-2'))!;
    expect((done.snapshot as Stored).context.wait).toBeUndefined();
  });

  it('resumes a snapshot stored when each step was an invoked actor (deadline in the child)', async () => {
    const { actions, state, store, wakeAt } = await handedBackAtWait();
    const record = (await store.load('run-1'))!;
    const snapshot = record.snapshot as Stored;
    // The form an earlier version stored: no `wait` in the context, the wait's input in its child.
    delete snapshot.context.wait;
    snapshot.children = {
      __recheck_wait: {
        snapshot: { status: 'active', input: { node: '__recheck_wait', visit: 1, until: wakeAt } },
        src: 'firstline.wait',
        systemId: undefined,
      },
    };
    await store.save(record);
    const clock = createVirtualClock({ startAt: wakeAt - 10_000 });
    const resumed = await resumeRun('run-1', { store, actions, clock });
    expect(resumed.outcome).toBe('recovered');
    expect(waitStarts(resumed.trace).at(-1)).toMatchObject({ until: wakeAt, durationMs: 10_000 });
    expect(state.reboots).toHaveLength(1);
  });

  it('drops the late end of a step the run left on cancel, and gives the next step a live signal', async () => {
    const seen: Array<{ step: string; aborted: boolean }> = [];
    let release!: () => void;
    const slow = defineAction({
      id: 'test.slow',
      kind: 'probe',
      description: 'Answers only when released, whatever its signal says.',
      input: {},
      run: (_input, ctx) =>
        new Promise((resolve) => {
          release = () => {
            seen.push({ step: ctx.stepId, aborted: ctx.signal.aborted });
            resolve({ ok: true });
          };
        }),
    });
    const notify = defineAction({
      id: 'test.notify',
      kind: 'notify',
      description: 'Records whether its signal was already aborted.',
      input: {},
      run: (_input, ctx) => {
        seen.push({ step: ctx.stepId, aborted: ctx.signal.aborted });
        return Promise.resolve({});
      },
    });
    const text = `firstline: 1
name: cancel-slot
checks:
  - id: probe
    action: test.slow
notify:
  cancelled:
    - id: tell
      action: test.notify
`;
    const controller = new AbortController();
    const clock = createVirtualClock({ startAt: T0 });
    const run = runPlaybook(parsePlaybook(text), {
      actions: [slow, notify],
      clock,
      signal: controller.signal,
    });
    await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    const result = await run;
    // The probe answers after the run moved on: its answer is ignored, and it ended once.
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(result.outcome).toBe('cancelled');
    expect(result.steps.probe?.outcome).toBe('error');
    expect(result.steps.probe?.error).toContain('cancelled');
    expect(result.trace.filter((e) => e.type === 'step.end' && e.step === 'probe')).toHaveLength(1);
    expect(seen).toEqual([
      { step: 'tell', aborted: false },
      { step: 'probe', aborted: true },
    ]);
  });
});
