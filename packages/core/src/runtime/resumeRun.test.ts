import { describe, expect, it } from 'vitest';
import { createRebootFixture, rebootPlaybookText } from '../../test/fixtures/reboot.js';
import { parsePlaybook } from '../load/loadPlaybook.js';
import { createVirtualClock } from './clock.js';
import { resumeRun } from './resumeRun.js';
import { runPlaybook } from './runPlaybook.js';
import { createMemoryStore } from './stores/memoryStore.js';
import type { RunRecord, RunStore, TraceEvent } from './types.js';
import { createRecordingStore } from '../../test/fixtures/recordingStore.js';

// A crash is modelled in-process: every record the first run wrote is kept, and a resume starts from
// one of them in a fresh store, as a new host would find it after the old one died right after that write.

const T0 = Date.UTC(2026, 2, 1);
const RUN = 'run-1';
const REBOOT_KEY = `${RUN}:reboot:1:1`;
/** The idempotency key the action sees: one per visit, shared by its attempts. */
const REBOOT_TOKEN = `${RUN}:reboot:1`;

const playbookText = (rebootExtra = '') => rebootPlaybookText(rebootExtra, 'resume-unit');
const fixture = createRebootFixture;

/** Runs the playbook once to its end, keeping a copy of every record it wrote. */
async function firstRun(text = playbookText()) {
  const { store, writes } = createRecordingStore();
  const { state, actions } = fixture();
  const result = await runPlaybook(parsePlaybook(text), {
    actions,
    store,
    runId: RUN,
    clock: createVirtualClock({ startAt: T0 }),
  });
  const pick = (label: string, test: (record: RunRecord) => boolean): RunRecord => {
    const found = writes.find(test);
    if (!found) throw new Error(`the first run wrote no record ${label}`);
    return found;
  };
  return { result, writes, store, state, pick };
}

async function storeWith(record: RunRecord): Promise<RunStore> {
  const store = createMemoryStore();
  await store.save(record);
  return store;
}

const rebootStartedOnly = (r: RunRecord) =>
  r.journal.some((e) => e.status === 'started') && !r.journal.some((e) => e.status === 'done');
const rebootDoneButRunning = (r: RunRecord) =>
  r.journal.some((e) => e.status === 'done') && (r.snapshot as { value?: unknown }).value !== undefined;
const waiting = (r: RunRecord) => r.deadlines.wake !== undefined;

async function resumeFrom(record: RunRecord, startAt: number, fixtureOptions = {}) {
  const f = fixture(fixtureOptions);
  const events: TraceEvent[] = [];
  const store = await storeWith(record);
  const result = await resumeRun(RUN, {
    store,
    actions: f.actions,
    clock: createVirtualClock({ startAt }),
    onEvent: (e) => events.push(e),
  });
  return { ...f, result, events, stored: await store.load(RUN) };
}

describe('resumeRun', () => {
  it('returns a finished run as stored, with when it ended, steps and outputs included, without running anything', async () => {
    const first = await firstRun();
    expect(first.result.outcome).toBe('recovered');
    const f = fixture();
    const before = await first.store.load(RUN);
    const result = await resumeRun(RUN, {
      store: first.store,
      actions: f.actions,
      clock: createVirtualClock(),
    });
    expect(result).toEqual({
      ...first.result,
      alreadyEnded: { outcome: 'recovered', endedAt: T0 + first.result.durationMs },
    });
    expect(result.steps.health).toMatchObject({ outcome: 'pass', visits: 2 });
    expect(f.state).toMatchObject({ checks: 0, reboots: [] });
    expect(await first.store.load(RUN)).toEqual(before);
  });

  it('rejects an unknown run id with E_RUN_NOT_FOUND', async () => {
    await expect(resumeRun('nope', { store: createMemoryStore() })).rejects.toMatchObject({
      code: 'E_RUN_NOT_FOUND',
      message: expect.stringContaining('nope') as unknown,
    });
  });

  it('rejects a run started from another document hash (expectHash) before running anything', async () => {
    const first = await firstRun();
    const crashed = first.pick('with a started reboot', rebootStartedOnly);
    const f = fixture();
    const store = await storeWith(crashed);
    await expect(
      resumeRun(RUN, { store, actions: f.actions, expectHash: 'a'.repeat(64), clock: createVirtualClock() }),
    ).rejects.toMatchObject({
      code: 'E_RUN_CONFLICT',
      message: expect.stringContaining('another version') as unknown,
    });
    expect(f.state.checks).toBe(0);
    const ok = await resumeRun(RUN, {
      store,
      actions: f.actions,
      expectHash: crashed.playbook.hash,
      clock: createVirtualClock({ startAt: T0 }),
    });
    expect(ok.outcome).toBe('unrecovered');
  });

  it('rejects a record whose stored playbook no longer matches its hash', async () => {
    const first = await firstRun();
    const crashed = structuredClone(first.pick('with a started reboot', rebootStartedOnly));
    (crashed.playbook.data as { recheck: { after: string } }).recheck.after = '1s';
    await expect(
      resumeRun(RUN, { store: await storeWith(crashed), actions: fixture().actions }),
    ).rejects.toMatchObject({
      code: 'E_RUN_CONFLICT',
      message: expect.stringContaining('record was changed') as unknown,
    });
  });

  it('resumes a run stopped before its first step finished: the initial snapshot is stored first', async () => {
    const first = await firstRun();
    const initial = first.writes[0]!;
    expect(initial.snapshot).toBeDefined();
    expect(initial.trace.map((e) => e.type)).toEqual(['run.start']);
    const r = await resumeFrom(initial, initial.updatedAt);
    expect(r.result.outcome).toBe('recovered');
    expect(r.state.reboots).toHaveLength(1);
  });

  it('asks for a fresh start when a record holds no snapshot at all', async () => {
    const first = await firstRun();
    const { snapshot: _dropped, ...bare } = first.writes[0]!;
    const f = fixture();
    await expect(
      resumeRun(RUN, { store: await storeWith(bare as RunRecord), actions: f.actions }),
    ).rejects.toMatchObject({
      code: 'E_RUN_CONFLICT',
      message: expect.stringContaining('start it again') as unknown,
    });
    expect(f.state.checks).toBe(0);
  });

  it('does not repeat a remediation started but never finished: uncertain, and the recheck decides', async () => {
    const first = await firstRun();
    const crashed = first.pick('with a started reboot', rebootStartedOnly);
    const r = await resumeFrom(crashed, crashed.updatedAt);
    expect(r.state.reboots).toEqual([]);
    expect(r.result.steps.reboot).toMatchObject({ outcome: 'pass', uncertain: true });
    expect(r.events).toContainEqual(
      expect.objectContaining({ type: 'step.end', step: 'reboot', uncertain: true }),
    );
    // The target stayed unhealthy here, so the recheck fails and says so.
    expect(r.state.checks).toBe(1);
    expect(r.result.outcome).toBe('unrecovered');
    expect(r.stored?.journal.filter((e) => e.key === REBOOT_KEY)).toEqual(crashed.journal);
  });

  it.each([
    ['the step', playbookText('\n    idempotent: true'), undefined],
    ['the action', playbookText(), true],
  ])('repeats it with the same idempotency key when %s is idempotent', async (_what, text, idempotent) => {
    const first = await firstRun(text);
    const crashed = first.pick('with a started reboot', rebootStartedOnly);
    const r = await resumeFrom(crashed, crashed.updatedAt, { idempotent });
    expect(r.state.reboots).toEqual([REBOOT_TOKEN]);
    expect(r.result.steps.reboot?.uncertain).toBeUndefined();
    expect(r.result.outcome).toBe('recovered');
    expect(r.stored?.journal.at(-1)).toMatchObject({ key: REBOOT_KEY, status: 'done', outcome: 'pass' });
  });

  it('reuses a remediation journaled as done instead of calling it again', async () => {
    const first = await firstRun();
    const crashed = first.pick('with a finished reboot', rebootDoneButRunning);
    expect(crashed.snapshot).toMatchObject({ value: 'reboot' });
    const r = await resumeFrom(crashed, crashed.updatedAt, { healthy: true });
    expect(r.state.reboots).toEqual([]);
    expect(r.result.steps.reboot).toMatchObject({ outcome: 'pass', output: { rebooted: true } });
    expect(r.events).toContainEqual(
      expect.objectContaining({
        type: 'decision',
        message: expect.stringContaining('not repeated') as unknown,
      }),
    );
    expect(r.result.outcome).toBe('recovered');
  });

  it('re-arms a wait at its absolute deadline: a late host waits only what is left', async () => {
    const first = await firstRun();
    const crashed = first.pick('during the wait', waiting);
    const until = crashed.deadlines.wake!;
    const r = await resumeFrom(crashed, until - 1_000, { healthy: true });
    expect(r.events[0]).toMatchObject({ type: 'run.resume', runId: RUN });
    expect(r.events).toContainEqual(
      expect.objectContaining({ type: 'wait.start', until, durationMs: 1_000 }),
    );
    expect(r.events.find((e) => e.type === 'wait.end')?.at).toBe(until);
    expect(r.result.outcome).toBe('recovered');
    expect(r.result.durationMs).toBe(first.result.durationMs);
  });

  it('ends a wait at once when the host comes back after its deadline', async () => {
    const first = await firstRun();
    const crashed = first.pick('during the wait', waiting);
    const late = crashed.deadlines.wake! + 5_000;
    const r = await resumeFrom(crashed, late, { healthy: true });
    expect(r.events).toContainEqual(expect.objectContaining({ type: 'wait.start', durationMs: 0 }));
    expect(r.events.find((e) => e.type === 'wait.end')?.at).toBe(late);
    expect(r.result.outcome).toBe('recovered');
  });

  it('times the run out at once when the host comes back after the run deadline', async () => {
    const first = await firstRun();
    const crashed = first.pick('during the wait', waiting);
    const r = await resumeFrom(crashed, crashed.deadlines.run + 1, { healthy: true });
    expect(r.result.outcome).toBe('timed_out');
    expect(r.state.checks).toBe(0);
  });
});
