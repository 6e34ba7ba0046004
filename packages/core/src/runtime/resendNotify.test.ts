import { describe, expect, it } from 'vitest';
import { defineAction } from '../actions/defineAction.js';
import type { ActionContext } from '../actions/types.js';
import { parsePlaybook } from '../load/loadPlaybook.js';
import { createVirtualClock } from './clock.js';
import { resumeRun } from './resumeRun.js';
import { runPlaybook } from './runPlaybook.js';
import { createMemoryStore } from './stores/memoryStore.js';
import type { RunRecord, TraceEvent } from './types.js';
import { createRecordingStore } from '../../test/fixtures/recordingStore.js';

// Notifications are sent at least once across a crash when their action is resendable: a journal
// with `started` and no `done` means the send may not have happened, so a resumed run sends again,
// telling the action (`ctx.resend`) so it de-duplicates. Other side effects stay at most once.

const T0 = Date.UTC(2026, 2, 1);
const RUN = 'run-resend';

const text = `firstline: 1
name: resend-unit
checks:
  - id: health
    action: test.check
    expect: output.healthy
remediate:
  - id: reboot
    action: test.reboot
recheck: { rounds: 1, after: 1m }
notify:
  unrecovered:
    - id: page
      action: test.page
    - id: note
      action: test.note
`;

/** Fakes: a check that always fails, a reboot, a resendable page and a plain (not resendable) note. */
function fixture() {
  const sent = { reboots: 0, pages: [] as ActionContext[], notes: [] as ActionContext[] };
  const actions = [
    defineAction<unknown, { healthy: boolean }>({
      id: 'test.check',
      kind: 'probe',
      description: 'Fake check.',
      input: { type: 'object' },
      run: () => Promise.resolve({ healthy: false }),
    }),
    defineAction<unknown, object>({
      id: 'test.reboot',
      kind: 'remediation',
      description: 'Fake reboot.',
      input: { type: 'object' },
      run: () => {
        sent.reboots++;
        return Promise.resolve({});
      },
    }),
    defineAction<unknown, object>({
      id: 'test.page',
      kind: 'notify',
      description: 'Fake page, de-duplicated by its key.',
      resendable: true,
      input: { type: 'object' },
      run: (_input, ctx) => {
        sent.pages.push(ctx);
        return Promise.resolve({});
      },
    }),
    defineAction<unknown, object>({
      id: 'test.note',
      kind: 'notify',
      description: 'Fake note without a de-duplication key.',
      input: { type: 'object' },
      run: (_input, ctx) => {
        sent.notes.push(ctx);
        return Promise.resolve({});
      },
    }),
  ];
  return { sent, actions };
}

/** Runs once to the end, keeping a copy of every record written: each is a point a host could die at. */
async function firstRun(): Promise<RunRecord[]> {
  const { store, writes } = createRecordingStore();
  await runPlaybook(parsePlaybook(text), {
    actions: fixture().actions,
    store,
    runId: RUN,
    clock: createVirtualClock({ startAt: T0 }),
  });
  return writes;
}

/** The first record in which `step` was started and had not finished. */
function crashedDuring(writes: RunRecord[], step: string): RunRecord {
  const found = writes.find(
    (r) =>
      r.journal.some((e) => e.step === step && e.status === 'started') &&
      !r.journal.some((e) => e.step === step && e.status === 'done'),
  );
  if (!found) throw new Error(`no record with ${step} started and unfinished`);
  return found;
}

async function resume(record: RunRecord) {
  const f = fixture();
  const store = createMemoryStore();
  await store.save(record);
  const events: TraceEvent[] = [];
  const result = await resumeRun(RUN, {
    store,
    actions: f.actions,
    clock: createVirtualClock({ startAt: record.updatedAt }),
    onEvent: (e) => events.push(e),
  });
  return { ...f, result, events, stored: await store.load(RUN) };
}

describe('notifications across a crash', () => {
  it('sends a resendable notification started but unfinished again, once, with ctx.resend', async () => {
    const crashed = crashedDuring(await firstRun(), 'page');
    const r = await resume(crashed);
    expect(r.sent.pages).toHaveLength(1);
    expect(r.sent.pages[0]).toMatchObject({ resend: true, attempt: 1, idempotencyKey: `${RUN}:page:1` });
    expect(r.result.steps.page).toMatchObject({ outcome: 'pass' });
    expect(r.result.steps.page?.uncertain).toBeUndefined();
    // The note after it had not started: sent normally, not as a re-send.
    expect(r.sent.notes).toHaveLength(1);
    expect(r.sent.notes[0]!.resend).toBeUndefined();
    // The remediation finished before the crash: not repeated.
    expect(r.sent.reboots).toBe(0);
    expect(r.result.outcome).toBe('unrecovered');
    expect(r.events).toContainEqual(
      expect.objectContaining({
        type: 'decision',
        step: 'page',
        message: expect.stringContaining('sent again (at least once') as unknown,
      }),
    );
    expect(r.stored?.journal.filter((e) => e.step === 'page').map((e) => e.status)).toEqual([
      'started',
      'started',
      'done',
    ]);
  });

  it('leaves a notification that is not resendable uncertain: never sent twice', async () => {
    const crashed = crashedDuring(await firstRun(), 'note');
    const r = await resume(crashed);
    expect(r.sent.notes).toEqual([]);
    expect(r.sent.pages).toEqual([]);
    expect(r.result.steps.note).toMatchObject({ outcome: 'pass', uncertain: true });
  });

  it('keeps a remediation at most once: a started reboot is not repeated', async () => {
    const crashed = crashedDuring(await firstRun(), 'reboot');
    const r = await resume(crashed);
    expect(r.sent.reboots).toBe(0);
    expect(r.result.steps.reboot).toMatchObject({ outcome: 'pass', uncertain: true });
    // Its notifications, reached normally after the recheck, go out once each, not as re-sends.
    expect(r.sent.pages.map((c) => c.resend)).toEqual([undefined]);
  });

  it('refuses `resendable` on anything but a notification', () => {
    expect(() =>
      defineAction({
        id: 'test.reboot',
        kind: 'remediation',
        description: 'Fake reboot.',
        resendable: true,
        input: { type: 'object' },
        run: () => Promise.resolve({}),
      }),
    ).toThrow(/resendable is for notifications; a remediation is never sent twice/);
  });
});
