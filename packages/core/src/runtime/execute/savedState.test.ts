import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeRecord } from '../../testing/storeContract.js';
import { createRebootFixture, rebootPlaybookText } from '../../../test/fixtures/reboot.js';
import { parsePlaybook } from '../../load/loadPlaybook.js';
import { createVirtualClock } from '../clock.js';
import { resumeRun } from '../resumeRun.js';
import { runPlaybook } from '../runPlaybook.js';
import { createFileStore } from '../stores/fileStore.js';
import { createMemoryStore } from '../stores/memoryStore.js';
import type { RunRecord, RunStore } from '../types.js';
import { SavedState } from './savedState.js';

const T0 = Date.UTC(2026, 2, 1);

/** `inner`, counting whole saves and saves of changes; `changes: false` leaves saveChanges out. */
function counting(inner: RunStore, changes = true) {
  const count = { whole: 0, changes: 0 };
  const store: RunStore = {
    ...inner,
    save: (record) => (count.whole++, inner.save(record)),
    saveChanges: changes
      ? (record, change) => (count.changes++, inner.saveChanges!(record, change))
      : undefined,
  };
  if (!changes) delete store.saveChanges;
  return { store, count };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'firstline-saves-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("a run's writer", () => {
  it('writes a new run whole once, then only what changed, and the store ends with its record', async () => {
    const { store, count } = counting(createFileStore(dir));
    const { actions } = createRebootFixture();
    const text = rebootPlaybookText('', 'saves');
    const result = await runPlaybook(parsePlaybook(text), {
      actions,
      store,
      runId: 'run-1',
      clock: createVirtualClock({ startAt: T0 }),
    });
    expect(result.outcome).toBe('recovered');
    expect(count.whole).toBe(1);
    expect(count.changes).toBeGreaterThan(4);
    const stored = (await createFileStore(dir).load('run-1'))!;
    expect(stored.status).toBe('done');
    expect(stored.trace).toEqual(result.trace);
    expect(stored.journal.map((e) => e.status)).toEqual(['started', 'done']);
  });

  it('writes a resumed run by its changes from the first write on', async () => {
    const { actions } = createRebootFixture();
    const text = rebootPlaybookText('', 'saves');
    const first = createMemoryStore();
    // Handed back at its first wait, then resumed by another host.
    const suspended = await runPlaybook(parsePlaybook(text), {
      actions,
      store: first,
      runId: 'run-1',
      clock: createVirtualClock({ startAt: T0 }),
      suspendBefore: T0,
    });
    expect(suspended.outcome).toBe('suspended');
    const { store, count } = counting(first);
    const resumed = await resumeRun('run-1', {
      store,
      actions,
      clock: createVirtualClock({ startAt: suspended.suspended!.wakeAt! }),
    });
    expect(resumed.outcome).toBe('recovered');
    expect(count.whole).toBe(0);
    expect(count.changes).toBeGreaterThan(1);
    expect((await first.load('run-1'))?.trace).toEqual(resumed.trace);
  });

  it('writes every save whole to a store that does not take changes', async () => {
    const { store, count } = counting(createMemoryStore(), false);
    const { actions } = createRebootFixture();
    const result = await runPlaybook(parsePlaybook(rebootPlaybookText('', 'saves')), {
      actions,
      store,
      runId: 'run-1',
      clock: createVirtualClock({ startAt: T0 }),
    });
    expect(count.changes).toBe(0);
    expect(count.whole).toBeGreaterThan(4);
    expect((await store.load('run-1'))?.trace).toEqual(result.trace);
  });
});

describe('SavedState', () => {
  const grow = (record: RunRecord, n: number) => {
    record.trace.push({ type: 'log', level: 'info', message: `m${n}`, seq: record.trace.length, at: n });
    record.snapshot = { n };
  };

  it('tells nothing for a record the store does not hold yet, then what changed since a write', () => {
    const record = makeRecord('run-1', { deadlines: { run: 10, wake: 5 } });
    const saved = new SavedState(undefined);
    expect(saved.since(record)).toBeUndefined();
    saved.mark(record);
    grow(record, 1);
    delete record.deadlines.wake;
    record.lock = { key: 'k', expiresAt: 3 };
    expect(saved.since(record)?.change).toEqual({
      base: { journal: 0, trace: 0 },
      journal: [],
      trace: [record.trace[0]],
      set: { snapshot: { n: 1 }, deadlines: { run: 10 }, lock: { key: 'k', expiresAt: 3 } },
      unset: [],
    });
  });

  it('keeps a change not marked stored (its write failed) in the next one', () => {
    const record = makeRecord('run-1');
    const saved = new SavedState(record);
    grow(record, 1);
    record.outcome = 'x';
    saved.since(record);
    grow(record, 2);
    const next = saved.since(record)!;
    expect(next.change.trace).toHaveLength(2);
    expect(next.change.set).toMatchObject({ snapshot: { n: 2 }, outcome: 'x' });
    next.stored();
    delete record.outcome;
    expect(saved.since(record)?.change).toMatchObject({ trace: [], set: {}, unset: ['outcome'] });
  });

  it('copies the deadlines it hands over: they change in place', () => {
    const record = makeRecord('run-1');
    const saved = new SavedState(record);
    record.deadlines.wake = 7;
    const { change } = saved.since(record)!;
    record.deadlines.wake = 8;
    expect(change.set.deadlines).toEqual({ run: 3_600_000, wake: 7 });
  });

  it('marks what was captured before a whole write, not what the record became during it', () => {
    const record = makeRecord('run-1');
    const saved = new SavedState(undefined);
    const stored = saved.capture(record);
    grow(record, 1);
    stored();
    expect(saved.since(record)?.change.trace).toHaveLength(1);
  });
});
