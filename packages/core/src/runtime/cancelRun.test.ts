import { describe, expect, it } from 'vitest';
import { defineAction } from '../actions/defineAction.js';
import { parsePlaybook } from '../load/loadPlaybook.js';
import { createVirtualClock } from './clock.js';
import { cancelRun, resumeRun } from './resumeRun.js';
import { runPlaybook } from './runPlaybook.js';
import { createMemoryStore } from './stores/memoryStore.js';
import type { RunStore, TraceEvent } from './types.js';

// Cancelling a stored run: one handed back (suspended in its recheck wait, or mid-remediation) ends
// `cancelled` with its notifications and its lock freed, without running anything more; an ended run,
// an unknown one and one a live host holds are answered without touching them.

const T0 = Date.UTC(2026, 2, 1);
const RUN = 'run-c';
const MIN = 60_000;

const PLAYBOOK = parsePlaybook(`firstline: 1
name: cancel-unit
inputs:
  instanceId: { type: string }
lock:
  key: "{{ inputs.instanceId }}"
checks:
  - id: health
    action: test.check
    expect: output.healthy
remediate:
  - id: reboot
    action: test.reboot
recheck: { rounds: 1, after: 10m }
notify:
  unrecovered:
    - id: paged
      action: test.page
      with: { text: "{{ inputs.instanceId }}: {{ run.outcome }}" }
`);

/** Fakes counting what they did: a failing check, a reboot (optionally calling `during`), a pager. */
function fakes(during?: () => void) {
  const did = { checks: 0, reboots: 0, pages: [] as string[] };
  const actions = [
    defineAction<unknown, { healthy: boolean }>({
      id: 'test.check',
      kind: 'probe',
      description: 'Fake check, always unhealthy.',
      input: { type: 'object' },
      run: () => (did.checks++, Promise.resolve({ healthy: false })),
    }),
    defineAction<unknown, { rebooted: boolean }>({
      id: 'test.reboot',
      kind: 'remediation',
      description: 'Fake reboot.',
      input: { type: 'object' },
      run: () => {
        did.reboots++;
        during?.();
        return Promise.resolve({ rebooted: true });
      },
    }),
    defineAction<{ text: string }, { sent: boolean }>({
      id: 'test.page',
      kind: 'notify',
      description: 'Fake pager.',
      input: { type: 'object', properties: { text: { type: 'string' } } },
      run: (input) => (did.pages.push(input.text), Promise.resolve({ sent: true })),
    }),
  ];
  return { did, actions };
}

const input = { instanceId: 'i-0abc1234' };

/** Starts the run and hands it back in its 10-minute recheck wait, as a host shutting down would. */
async function handedBackInWait(store: RunStore) {
  const first = fakes();
  const clock = createVirtualClock({ startAt: T0 });
  const result = await runPlaybook(PLAYBOOK, {
    actions: first.actions,
    store,
    runId: RUN,
    input,
    clock,
    suspendBefore: clock.now() + MIN,
  });
  expect(result).toMatchObject({ outcome: 'suspended', suspended: { reason: 'wait' } });
  expect(first.did.reboots).toBe(1);
  return result;
}

describe('cancelRun', () => {
  it('ends a run handed back in its wait: cancelled, the unrecovered page sent, nothing re-run, the lock freed', async () => {
    const store = createMemoryStore();
    await handedBackInWait(store);
    const { did, actions } = fakes();
    const events: TraceEvent[] = [];
    const result = await cancelRun(RUN, {
      store,
      actions,
      clock: createVirtualClock({ startAt: T0 + 2 * MIN }),
      onEvent: (e) => events.push(e),
    });
    expect(result.outcome).toBe('cancelled');
    expect(did).toEqual({ checks: 0, reboots: 0, pages: ['i-0abc1234: cancelled'] });
    expect(events.map((e) => e.type)).toContain('run.resume');
    const stored = await store.load(RUN);
    expect(stored).toMatchObject({ status: 'done', outcome: 'cancelled' });
    // Exactly one reboot in the run's whole journal: the first host's.
    expect(stored!.journal.filter((e) => e.step === 'reboot' && e.status === 'done')).toHaveLength(1);
    // The resource lock is free again: another run on the instance may take it.
    expect(await store.lock!('i-0abc1234', 'another-run', T0 + HOUR, T0 + 3 * MIN)).toEqual({
      acquired: true,
    });
  });

  it('ends a run handed back while its reboot was in flight without rebooting again', async () => {
    const store = createMemoryStore();
    const suspend = new AbortController();
    const first = fakes(() => suspend.abort());
    const result = await runPlaybook(PLAYBOOK, {
      actions: first.actions,
      store,
      runId: RUN,
      input,
      clock: createVirtualClock({ startAt: T0 }),
      suspend: suspend.signal,
    });
    expect(result).toMatchObject({ outcome: 'suspended', suspended: { reason: 'signal' } });
    const { did, actions } = fakes();
    const cancelled = await cancelRun(RUN, {
      store,
      actions,
      clock: createVirtualClock({ startAt: T0 + MIN }),
    });
    expect(cancelled.outcome).toBe('cancelled');
    expect(first.did.reboots + did.reboots).toBe(1);
    expect(did.checks).toBe(0);
    expect((await store.load(RUN))?.status).toBe('done');
  });

  it('answers an ended run with its stored result and when it ended, running nothing', async () => {
    const store = createMemoryStore();
    await handedBackInWait(store);
    const first = await cancelRun(RUN, {
      store,
      actions: fakes().actions,
      clock: createVirtualClock({ startAt: T0 + 2 * MIN }),
    });
    const before = await store.load(RUN);
    const { did, actions } = fakes();
    for (const again of [cancelRun, resumeRun]) {
      const result = await again(RUN, { store, actions, clock: createVirtualClock({ startAt: T0 + HOUR }) });
      expect(result.outcome).toBe('cancelled');
      expect(result.alreadyEnded).toEqual({ outcome: 'cancelled', endedAt: T0 + 2 * MIN });
      expect(result.steps).toEqual(first.steps);
    }
    expect(did).toEqual({ checks: 0, reboots: 0, pages: [] });
    expect(await store.load(RUN)).toEqual(before);
  });

  it('refuses an unknown run (E_RUN_NOT_FOUND) and one a live host holds (E_RUN_BUSY, naming it)', async () => {
    const store = createMemoryStore();
    await expect(cancelRun('nope', { store })).rejects.toMatchObject({ code: 'E_RUN_NOT_FOUND' });
    await handedBackInWait(store);
    await store.acquire!(RUN, 'web-1:4242:abcd1234');
    const { did, actions } = fakes();
    await expect(cancelRun(RUN, { store, actions })).rejects.toMatchObject({
      code: 'E_RUN_BUSY',
      message: expect.stringContaining('its lease is held by web-1:4242:abcd1234') as unknown,
    });
    expect(did.pages).toEqual([]);
    expect((await store.load(RUN))?.status).toBe('running');
  });
});

const HOUR = 60 * MIN;
