// Per-resource locks, remediation budgets, journal claims, suspension and resumeDue, through the
// engine with the memory store (the same contract the file and DynamoDB stores pass).
import { describe, expect, it } from 'vitest';
import {
  createMemoryStore,
  compilePlaybook,
  createVirtualClock,
  defineAction,
  enumeratePaths,
  parsePlaybook,
  renderTrace,
  resumeDue,
  runPlaybook,
  validatePlaybook,
  VIRTUAL_CLOCK_START,
} from '@firstline/core';
import type { RunStore } from '@firstline/core';

const HOUR = 3_600_000;

const playbook = (safety: string, notify = '') =>
  parsePlaybook(`firstline: 1
name: guarded-reboot
inputs:
  instanceId: { type: string }
${safety}
checks:
  - id: health
    action: test.check
    expect: output.healthy
remediate:
  - id: reboot
    action: test.reboot
    with: { instanceId: "{{ inputs.instanceId }}" }
recheck: { rounds: 1, after: 10m }
${notify}`);

const LOCKED = `lock:
  key: "{{ inputs.instanceId }}"`;
const BUDGET = `budgets:
  - key: "{{ inputs.instanceId }}"
    actions: [test.reboot]
    max: 2
    per: 24h`;
const ESCALATE = `notify:
  skipped:
    - action: test.page
      with: { text: "budget spent for {{ inputs.instanceId }}" }`;

/** A fleet of fake instances: a check reading their health, a reboot that heals one, a pager. */
function fleet() {
  const healthy = new Map<string, boolean>();
  const reboots: string[] = [];
  const pages: string[] = [];
  let hold: Promise<void> | undefined;
  const actions = [
    defineAction<unknown, { healthy: boolean }>({
      id: 'test.check',
      kind: 'probe',
      description: 'Fake check.',
      input: { type: 'object' },
      run: (_input, ctx) => Promise.resolve({ healthy: healthy.get(ctx.runId) ?? false }),
    }),
    defineAction<{ instanceId: string }, { rebooted: boolean }>({
      id: 'test.reboot',
      kind: 'remediation',
      description: 'Fake reboot.',
      input: { type: 'object', properties: { instanceId: { type: 'string' } } },
      run: async (input, ctx) => {
        reboots.push(input.instanceId);
        await hold;
        healthy.set(ctx.runId, true);
        return { rebooted: true };
      },
    }),
    defineAction<{ text: string }, { sent: boolean }>({
      id: 'test.page',
      kind: 'notify',
      description: 'Fake pager.',
      input: { type: 'object', properties: { text: { type: 'string' } } },
      run: (input) => {
        pages.push(input.text);
        return Promise.resolve({ sent: true });
      },
    }),
  ];
  return {
    actions,
    reboots,
    pages,
    /** Makes every reboot wait until the returned function is called. */
    holdReboots(): () => void {
      let release!: () => void;
      hold = new Promise((resolve) => (release = resolve));
      return release;
    },
  };
}

describe('a resource lock', () => {
  it('lets one of two concurrent runs for an instance reboot it; the other is skipped, with who holds it', async () => {
    const store = createMemoryStore();
    const clock = createVirtualClock();
    const { actions, reboots } = fleet();
    const options = (runId: string) => ({ actions, store, clock, runId, input: { instanceId: 'i-1' } });
    const results = await Promise.all([
      runPlaybook(playbook(LOCKED), options('run-1')),
      runPlaybook(playbook(LOCKED), options('run-2')),
    ]);
    const [winner, loser] = results[0].outcome === 'skipped' ? [results[1], results[0]] : results;
    expect(winner.outcome).toBe('recovered');
    expect(loser.outcome).toBe('skipped');
    expect(loser.skipped).toMatchObject({ reason: 'lock', key: 'i-1', holder: winner.runId });
    expect(loser.steps).toEqual({});
    expect(renderTrace(loser.trace)).toContain(`lock i-1 is held by run ${winner.runId}`);
    expect(reboots).toEqual(['i-1']);
    expect((await store.load(loser.runId))?.status).toBe('done');
    // Freed when the winner ended: the next alarm for i-1 runs.
    expect((await runPlaybook(playbook(LOCKED), options('run-3'))).outcome).toBe('recovered');
  });

  it('does not stop runs for other instances', async () => {
    const store = createMemoryStore();
    const { actions, reboots } = fleet();
    const results = await Promise.all(
      ['i-1', 'i-2', 'i-3'].map((id) =>
        runPlaybook(playbook(LOCKED), {
          actions,
          store,
          input: { instanceId: id },
          clock: createVirtualClock(),
        }),
      ),
    );
    expect(results.map((r) => r.outcome)).toEqual(['recovered', 'recovered', 'recovered']);
    expect(reboots.sort()).toEqual(['i-1', 'i-2', 'i-3']);
  });

  it('queues with whenLocked: queue and runs once the holder is done', async () => {
    const store = createMemoryStore();
    const clock = createVirtualClock();
    const { actions, reboots } = fleet();
    const queued = `lock:\n  key: "{{ inputs.instanceId }}"\n  whenLocked: queue\n  queueFor: 30m`;
    const [a, b] = await Promise.all([
      runPlaybook(playbook(queued), { actions, store, clock, runId: 'a', input: { instanceId: 'i-1' } }),
      runPlaybook(playbook(queued), { actions, store, clock, runId: 'b', input: { instanceId: 'i-1' } }),
    ]);
    expect(a.outcome).toBe('recovered');
    // b waited for a's lock (a's recheck is 10 minutes later), then ran its own checks and remediation.
    expect(b.outcome).toBe('recovered');
    expect(reboots).toEqual(['i-1', 'i-1']);
    const bStart = b.trace.find((e) => e.type === 'step.start')!.at;
    const aEnd = a.trace.at(-1)!.at;
    expect(bStart).toBeGreaterThanOrEqual(aEnd);
    expect(renderTrace(b.trace)).toContain('queued for up to 30m');
  });

  it('gives up queueing after queueFor and ends skipped', async () => {
    const store = createMemoryStore();
    const clock = createVirtualClock();
    await store.lock!('i-1', 'stuck-run', clock.now() + 2 * HOUR, clock.now());
    const { actions, reboots } = fleet();
    const queued = `lock:\n  key: "{{ inputs.instanceId }}"\n  whenLocked: queue\n  queueFor: 5m`;
    const result = await runPlaybook(playbook(queued), {
      actions,
      store,
      clock,
      input: { instanceId: 'i-1' },
    });
    expect(result.outcome).toBe('skipped');
    expect(result.durationMs).toBe(5 * 60_000);
    expect(reboots).toEqual([]);
  });

  it('is given up, and the run stored to resume later, when the host suspends while it queues', async () => {
    const store = createMemoryStore();
    const clock = createVirtualClock();
    await store.lock!('i-1', 'holder', clock.now() + HOUR, clock.now());
    const { actions, reboots } = fleet();
    const queued = `lock:\n  key: "{{ inputs.instanceId }}"\n  whenLocked: queue`;
    const suspend = new AbortController();
    const running = runPlaybook(playbook(queued), {
      actions,
      store,
      clock,
      runId: 'q',
      input: { instanceId: 'i-1' },
      suspend: suspend.signal,
      onEvent: (event) => {
        if (event.type === 'decision' && event.message.includes('queued')) suspend.abort();
      },
    });
    const result = await running;
    expect(result).toMatchObject({ outcome: 'suspended', suspended: { reason: 'signal' } });
    expect((await store.load('q'))?.status).toBe('running');
    expect(reboots).toEqual([]);
    // Suspended before it started: it does not even ask for the lock.
    const early = await runPlaybook(playbook(LOCKED), {
      actions,
      store,
      clock,
      runId: 'early',
      input: { instanceId: 'i-1' },
      suspend: AbortSignal.abort(),
    });
    expect(early.outcome).toBe('suspended');
  });

  it('lapses after its ttl when the run holding it crashed', async () => {
    const store = createMemoryStore();
    const { actions, reboots } = fleet();
    const crashedAt = VIRTUAL_CLOCK_START;
    await store.lock!('i-1', 'crashed-run', crashedAt + HOUR, crashedAt);
    const before = createVirtualClock({ startAt: crashedAt + HOUR - 1 });
    const early = await runPlaybook(playbook(LOCKED), {
      actions,
      store,
      clock: before,
      input: { instanceId: 'i-1' },
    });
    expect(early.skipped).toMatchObject({ reason: 'lock', holder: 'crashed-run' });
    const after = createVirtualClock({ startAt: crashedAt + HOUR });
    const late = await runPlaybook(playbook(LOCKED), {
      actions,
      store,
      clock: after,
      input: { instanceId: 'i-1' },
    });
    expect(late.outcome).toBe('recovered');
    expect(reboots).toEqual(['i-1']);
  });

  it('is not taken in shadow mode, and a key that renders nothing is refused before anything runs', async () => {
    const store = createMemoryStore();
    await store.lock!('i-1', 'other-run', VIRTUAL_CLOCK_START + HOUR, VIRTUAL_CLOCK_START);
    const { actions } = fleet();
    const shadow = await runPlaybook(playbook(LOCKED), {
      actions,
      store,
      mode: 'shadow',
      clock: createVirtualClock(),
      input: { instanceId: 'i-1' },
    });
    expect(shadow.outcome).not.toBe('skipped');
    const empty = runPlaybook(playbook(LOCKED), { actions, store, input: { instanceId: '' } });
    await expect(empty).rejects.toMatchObject({ code: 'E_LOCK_KEY' });
    expect(await store.list()).toEqual([expect.any(String)]);
  });
});

describe('a remediation budget', () => {
  it('allows two reboots per instance per 24h, then escalates instead of rebooting', async () => {
    const store = createMemoryStore();
    const { actions, reboots, pages } = fleet();
    const at = (hours: number) => createVirtualClock({ startAt: VIRTUAL_CLOCK_START + hours * HOUR });
    const run = (hours: number, instanceId = 'i-1') =>
      runPlaybook(playbook(BUDGET, ESCALATE), { actions, store, clock: at(hours), input: { instanceId } });
    expect((await run(0)).outcome).toBe('recovered');
    expect((await run(5)).outcome).toBe('recovered');
    const third = await run(10);
    expect(third.outcome).toBe('skipped');
    expect(third.skipped).toMatchObject({ reason: 'budget', key: 'i-1', action: 'test.reboot', max: 2 });
    expect(third.steps.reboot?.outcome).toBe('skipped');
    expect(pages).toEqual(['budget spent for i-1']);
    expect(renderTrace(third.trace)).toContain(
      'budget for test.reboot on i-1 is spent: 2 of 2 in the last 24h; not running reboot, escalating instead',
    );
    // Another instance has its own budget; and once the window slides past the first reboot, i-1 may again.
    expect((await run(11, 'i-2')).outcome).toBe('recovered');
    expect((await run(24.5)).outcome).toBe('recovered');
    expect(reboots).toEqual(['i-1', 'i-1', 'i-2', 'i-1']);
  });

  it('is spent atomically: of ten concurrent runs on a budget of two, two reboot', async () => {
    const store = createMemoryStore();
    const { actions, reboots, pages } = fleet();
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        runPlaybook(playbook(BUDGET, ESCALATE), {
          actions,
          store,
          clock: createVirtualClock(),
          input: { instanceId: 'i-1' },
        }),
      ),
    );
    expect(reboots).toHaveLength(2);
    expect(results.filter((r) => r.outcome === 'skipped')).toHaveLength(8);
    expect(pages).toHaveLength(8);
  });

  it('is a path of its own in enumeratePaths: the refused remediation ends the run skipped', () => {
    const compiled = compilePlaybook(playbook(BUDGET, ESCALATE), { actions: fleet().actions });
    const refused = enumeratePaths(compiled).paths.filter((p) => p.outcome === 'skipped');
    expect(refused.map((p) => p.steps.map((s) => `${s.step}:${s.outcome}`))).toEqual([
      ['health:fail', 'reboot:budget spent'],
    ]);
  });
});

describe('a journal claim', () => {
  it('keeps a side effect another host already started from starting again', async () => {
    const store = createMemoryStore();
    const { actions, reboots } = fleet();
    expect(await store.claim!('run-x', 'run-x:reboot:1:1')).toBe(true);
    const result = await runPlaybook(playbook(''), {
      actions,
      store,
      runId: 'run-x',
      clock: createVirtualClock(),
      input: { instanceId: 'i-1' },
    });
    expect(reboots).toEqual([]);
    expect(result.steps.reboot).toMatchObject({ uncertain: true });
    expect(result.steps.reboot?.error).toContain('already started for this step by another host');
  });
});

describe('suspension and resumeDue', () => {
  it('stores a run whose wait outlasts the host, keeps its lock, and resumeDue finishes it once due', async () => {
    const store = createMemoryStore();
    const { actions, reboots } = fleet();
    const clock = createVirtualClock();
    const start = clock.now();
    const first = await runPlaybook(playbook(LOCKED), {
      actions,
      store,
      clock,
      runId: 'run-w',
      input: { instanceId: 'i-1' },
      suspendBefore: start + 60_000,
    });
    expect(first.outcome).toBe('suspended');
    expect(first.suspended).toEqual({ reason: 'wait', wakeAt: expect.any(Number) as unknown });
    const record = await store.load('run-w');
    expect(record).toMatchObject({ status: 'running', deadlines: { wake: first.suspended!.wakeAt } });
    expect(renderTrace(first.trace)).toContain('resumeDue() goes on from here');
    // The lock stays with the waiting run.
    const other = await runPlaybook(playbook(LOCKED), {
      actions,
      store,
      clock,
      input: { instanceId: 'i-1' },
    });
    expect(other.skipped).toMatchObject({ reason: 'lock', holder: 'run-w' });

    // Not yet due: nothing is resumed.
    expect(await resumeDue({ store, actions, clock })).toEqual({ resumed: [], busy: [], failed: [] });
    const later = createVirtualClock({ startAt: first.suspended!.wakeAt! + 1 });
    const due = await resumeDue({ store, actions, clock: later });
    expect(due.resumed.map((r) => [r.runId, r.outcome])).toEqual([['run-w', 'recovered']]);
    expect(reboots).toEqual(['i-1']);
    expect((await store.load('run-w'))?.status).toBe('done');
    // The lock is free again.
    expect(
      (await runPlaybook(playbook(LOCKED), { actions, store, clock: later, input: { instanceId: 'i-1' } }))
        .outcome,
    ).not.toBe('skipped');
  });

  it('suspends on the host signal past its grace period and resumes a run interrupted mid-step without repeating its reboot', async () => {
    const store = createMemoryStore();
    const fixture = fleet();
    const { actions, reboots } = fixture;
    fixture.holdReboots(); // the reboot never answers: the host shuts down meanwhile
    const suspend = new AbortController();
    const running = runPlaybook(playbook(''), {
      actions,
      store,
      runId: 'run-s',
      suspend: suspend.signal,
      suspendGraceMs: 0,
      input: { instanceId: 'i-1' },
    });
    await waitFor(() => reboots.length === 1);
    suspend.abort();
    const result = await running;
    expect(result).toMatchObject({ outcome: 'suspended', suspended: { reason: 'signal' } });
    expect((await store.load('run-s'))?.status).toBe('running');

    const fresh = fleet();
    const due = await resumeDue({
      store,
      actions: fresh.actions,
      clock: createVirtualClock({ startAt: Date.now() }),
    });
    expect(due.resumed).toHaveLength(1);
    // The reboot was started and never recorded as finished: not repeated, the run re-checks.
    expect(fresh.reboots).toEqual([]);
    expect(due.resumed[0]!.steps.reboot).toMatchObject({ uncertain: true });
  });

  it('hands back at the next safe point: a reboot in flight ends and is journaled first, and is not repeated', async () => {
    const store = createMemoryStore();
    const fixture = fleet();
    const { actions, reboots } = fixture;
    const release = fixture.holdReboots();
    const suspend = new AbortController();
    const events: string[] = [];
    const running = runPlaybook(playbook(''), {
      actions,
      store,
      runId: 'run-safe',
      suspend: suspend.signal,
      input: { instanceId: 'i-1' },
      onEvent: (e) => events.push(e.type),
    });
    await waitFor(() => reboots.length === 1);
    suspend.abort(); // SIGTERM while the reboot is in flight: the run waits for it
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).not.toContain('run.suspend');
    release();
    const result = await running;
    expect(result).toMatchObject({ outcome: 'suspended', suspended: { reason: 'signal' } });
    const stored = (await store.load('run-safe'))!;
    expect(stored.status).toBe('running');
    // The reboot's end was journaled before the run was handed back.
    expect(stored.journal.filter((e) => e.step === 'reboot').map((e) => e.status)).toEqual([
      'started',
      'done',
    ]);

    const fresh = fleet();
    const due = await resumeDue({
      store,
      actions: fresh.actions,
      clock: createVirtualClock({ startAt: Date.now() }),
    });
    expect(due.resumed).toHaveLength(1);
    expect(fresh.reboots).toEqual([]);
    expect(due.resumed[0]!.steps.reboot).toMatchObject({ outcome: 'pass' });
    expect(due.resumed[0]!.steps.reboot?.uncertain).toBeUndefined();
    expect(
      due.resumed[0]!.trace.some(
        (e) => e.type === 'decision' && e.message.includes('finished before the run was interrupted'),
      ),
    ).toBe(true);
  });

  it('leaves a run another host holds to it, and reports a run it cannot resume', async () => {
    const store: RunStore = createMemoryStore();
    const { actions } = fleet();
    const clock = createVirtualClock();
    const input = { instanceId: 'i-1' };
    for (const runId of ['held', 'broken'])
      await runPlaybook(playbook(''), { actions, store, clock, runId, input, suspendBefore: clock.now() });
    await store.acquire!('held', 'another-host');
    const record = (await store.load('broken'))!;
    await store.save({ ...record, playbook: { ...record.playbook, hash: 'tampered' } });
    const later = createVirtualClock({ startAt: clock.now() + HOUR });
    const due = await resumeDue({ store, actions, clock: later });
    expect(due.busy).toEqual(['held']);
    expect(due.failed).toEqual([
      { runId: 'broken', error: expect.stringContaining('does not match its hash') as unknown },
    ]);
    expect(due.resumed).toEqual([]);
  });
});

describe('validation of lock and budgets', () => {
  const codes = (text: string) =>
    validatePlaybook(parsePlaybook(text), { actions: fleet().actions }).issues.map((i) => [
      i.code,
      i.severity,
      i.line,
    ]);

  it('reports budget actions that are unknown, not remediations, or unused; keys reading steps; a short ttl', () => {
    const text = `firstline: 1
name: bad-safety
timeout: 2h
inputs:
  instanceId: { type: string }
lock:
  key: "{{ steps.health.output }}"
  ttl: 30m
  queueFor: 5m
budgets:
  - key: "{{ inputs.instanceId }}"
    actions: [test.rebot, test.check, test.page]
    max: 2
    per: 24h
checks:
  - id: health
    action: test.check
`;
    expect(codes(text)).toEqual([
      ['E_UNKNOWN_REFERENCE', 'error', 7],
      ['E_TIMEOUT', 'warning', 8],
      ['E_VALUE', 'warning', 9],
      ['E_UNKNOWN_ACTION', 'error', 12],
      ['E_ACTION_KIND', 'error', 12],
      ['E_ACTION_KIND', 'error', 12],
    ]);
  });

  it('accepts the documented form', () => {
    expect(
      validatePlaybook(playbook(`${LOCKED}\n  ttl: 2h\n${BUDGET}`), { actions: fleet().actions }).issues,
    ).toEqual([]);
  });
});

/** Resolves once `ready()` holds, checking after each turn of the event loop (no timers involved). */
async function waitFor(ready: () => boolean): Promise<void> {
  for (let turn = 0; turn < 10_000 && !ready(); turn++) await new Promise((resolve) => setImmediate(resolve));
  if (!ready()) throw new Error('condition never held');
}
