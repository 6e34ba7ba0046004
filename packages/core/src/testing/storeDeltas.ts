// What a RunStore that saves changes (saveChanges) must show, as one vitest suite: the memory and
// file stores run it in core, the DynamoDB store against moto. A change written and loaded back must
// give the very record a whole save gives, however many changes and compactions came before.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isFirstlineError } from '../errors.js';
import type { JournalEntry, RunRecord, RunRecordChange, RunStore, TraceEvent } from '../runtime/types.js';
import { makeRecord } from './storeContract.js';

/** A store made for one test; `another` opens a second one on the same storage (another host). */
export interface DeltaStoreUnderTest {
  store: RunStore;
  another?(): RunStore;
  cleanup?(): Promise<void>;
}

/** A journal entry of `record`'s run, numbered `n`. */
export function journalEntry(record: RunRecord, n: number, status: JournalEntry['status']): JournalEntry {
  return {
    key: `${record.runId}:reboot:${n}:1`,
    step: 'reboot',
    action: 'aws.ec2.reboot',
    visit: n,
    attempt: 1,
    status,
    ...(status === 'done' && { outcome: 'pass', output: { state: 'rebooting', n } }),
    at: 1_000 + n,
  };
}

/** A log event of `record`, the next in its trace. */
export function traceEvent(record: RunRecord, message: string): TraceEvent {
  return { type: 'log', level: 'info', message, seq: record.trace.length, at: 2_000 + record.trace.length };
}

/**
 * The change that makes `record` go on by one step, applied to it: a journal entry and two trace
 * events appended, a new snapshot, the wake deadline set (or, every third step, removed).
 */
export function step(record: RunRecord, n: number): RunRecordChange {
  const base = { journal: record.journal.length, trace: record.trace.length };
  const journal = [journalEntry(record, n, n % 2 === 0 ? 'done' : 'started')];
  record.journal.push(...journal);
  const trace = [traceEvent(record, `step ${n} began`)];
  record.trace.push(trace[0]!);
  trace.push(traceEvent(record, `step ${n} ended`));
  record.trace.push(trace[1]!);
  record.snapshot = { value: `step${n}`, context: { n, steps: { [`s${n}`]: { outcome: 'pass' } } } };
  record.updatedAt += 10;
  const set: RunRecordChange['set'] = { snapshot: record.snapshot, updatedAt: record.updatedAt };
  const unset: RunRecordChange['unset'] = [];
  if (n % 3 === 0) {
    delete record.deadlines.wake;
    set.deadlines = { ...record.deadlines };
  } else {
    record.deadlines.wake = 5_000 + n;
    set.deadlines = { ...record.deadlines };
  }
  if (n % 5 === 0) {
    record.lock = { key: 'i-0fake0001', expiresAt: 9_000 + n };
    set.lock = record.lock;
  }
  if (n % 5 === 1 && record.lock) {
    delete record.lock;
    unset.push('lock');
  }
  return { base, journal, trace, set, unset };
}

/** Ends `record` (status `done`, an outcome) and returns that change. */
export function finish(record: RunRecord): RunRecordChange {
  const base = { journal: record.journal.length, trace: record.trace.length };
  const event: TraceEvent = {
    type: 'run.end',
    outcome: 'recovered',
    durationMs: 50,
    seq: base.trace,
    at: 3_000,
  };
  record.trace.push(event);
  record.status = 'done';
  record.outcome = 'recovered';
  delete record.deadlines.wake;
  return {
    base,
    journal: [],
    trace: [event],
    set: { status: 'done', outcome: 'recovered', deadlines: { ...record.deadlines } },
    unset: [],
  };
}

/** Runs the saveChanges contract against stores made by `makeStore`, one fresh store per test. */
export function describeRecordDeltas(name: string, makeStore: () => Promise<DeltaStoreUnderTest>): void {
  describe(`${name} saves what changed`, () => {
    let made: DeltaStoreUnderTest | undefined;
    let store: RunStore & Required<Pick<RunStore, 'saveChanges'>>;
    beforeEach(async () => {
      made = await makeStore();
      expect(typeof made.store.saveChanges).toBe('function');
      store = made.store as typeof store;
    });
    afterEach(async () => {
      await made?.cleanup?.();
      made = undefined;
    });

    it('loads after a change the very record a whole save of it stores', async () => {
      const record = makeRecord('delta-1', { deadlines: { run: 3_600_000, wake: 4_000 } });
      await store.save(record);
      await store.saveChanges(record, step(record, 1));
      expect(await store.load('delta-1')).toEqual(record);
      await store.save(record);
      expect(await store.load('delta-1')).toEqual(record);
    });

    it('replays many changes, compacted or not, up to the run ending', async () => {
      const record = makeRecord('delta-many');
      await store.save(record);
      for (let n = 1; n <= 40; n++) {
        await store.saveChanges(record, step(record, n));
        // Loading in between must not disturb what comes after it.
        if (n % 7 === 0) expect(await store.load('delta-many')).toEqual(record);
      }
      expect(await store.load('delta-many')).toEqual(record);
      expect(await store.list({ status: 'running' })).toContain('delta-many');
      await store.saveChanges(record, finish(record));
      const loaded = await store.load('delta-many');
      expect(loaded).toEqual(record);
      expect(loaded?.journal).toHaveLength(40);
      expect(loaded?.trace).toHaveLength(81);
      expect(await store.list({ status: 'done' })).toContain('delta-many');
      expect(await store.list({ status: 'running' })).not.toContain('delta-many');
    });

    it('keeps what it stored when the caller changes its record or change afterwards', async () => {
      const record = makeRecord('delta-copy');
      await store.save(record);
      const change = step(record, 2);
      const pending = store.saveChanges(record, change);
      const expected = structuredClone(record);
      // Everything the caller still holds is changed at once, before and after the write ends.
      (change.journal[0]!.output as { state: string }).state = 'changed';
      (record.snapshot as { value: string }).value = 'changed';
      change.trace.push(traceEvent(record, 'late'));
      record.trace.push(traceEvent(record, 'late'));
      await pending;
      record.journal[0]!.step = 'changed';
      record.deadlines.run = 1;
      expect(await store.load('delta-copy')).toEqual(expected);
    });

    it('writes the whole record when a change does not follow what it holds', async () => {
      // Never saved whole: nothing for the change to follow.
      const fresh = makeRecord('delta-fresh');
      await store.saveChanges(fresh, step(fresh, 1));
      expect(await store.load('delta-fresh')).toEqual(fresh);
      // A change whose base skips a write that never happened.
      const record = makeRecord('delta-gap');
      await store.save(record);
      step(record, 1);
      await store.saveChanges(record, step(record, 2));
      expect(await store.load('delta-gap')).toEqual(record);
      // Deleted since: the change starts it again, whole.
      await store.delete('delta-gap');
      await store.saveChanges(record, step(record, 3));
      expect(await store.load('delta-gap')).toEqual(record);
    });

    it('refuses a change from a host whose view of the run is stale, when it is shared', async () => {
      if (!made?.another) return;
      const record = makeRecord('delta-race');
      await store.save(record);
      const other = made.another();
      const theirs = (await other.load('delta-race'))!;
      await store.saveChanges(record, step(record, 1));
      // The other host goes on from what it loaded before this write.
      const error = await Promise.resolve(other.saveChanges!(theirs, step(theirs, 7))).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isFirstlineError(error) && (error as { code: string }).code).toBe('E_STORE_CONFLICT');
      expect(await store.load('delta-race')).toEqual(record);
    });
  });
}
