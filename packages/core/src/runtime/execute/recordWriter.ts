import type { Clock } from '../../actions/types.js';
import type { Redactor } from '../redact.js';
import type { JournalEntry, RunRecord, RunStore } from '../types.js';

/**
 * Keeps a run's record in its store: writes in order, one at a time, the journal's write-ahead entries
 * included. It also counts the real I/O in flight, so a virtual clock never jumps ahead of a store write.
 */
export interface RecordWriter {
  /** Stores the record as it is now (after the writes before it); rejects if this write fails. */
  save(): Promise<void>;
  /** Resolves when every write asked for so far has ended (failed ones included). */
  settled(): Promise<void>;
  /** Appends a (redacted) journal entry and resolves once it is stored: before the side effect starts. */
  journal(entry: JournalEntry): Promise<void>;
  /** Runs real I/O against the store, counted as in flight. */
  io<T>(work: () => Promise<T>): Promise<T>;
  /** Adds to (or takes from) the I/O in flight, for work that counts itself (a lock being queued for). */
  track(delta: number): void;
  /** True while store I/O is in flight. */
  busy(): boolean;
  /** The first store failure of a write nobody awaited, reported when the run ends. */
  readonly failure: unknown;
}

/** A writer for `record`; without a store every call is a no-op that resolves at once. */
export function createRecordWriter(
  record: RunRecord,
  store: RunStore | undefined,
  clock: Clock,
  redactor: Redactor,
): RecordWriter {
  let chain: Promise<void> = Promise.resolve();
  let failure: unknown;
  let inFlight = 0;
  const writer: RecordWriter = {
    save() {
      if (!store) return Promise.resolve();
      record.updatedAt = clock.now();
      inFlight++;
      const next = chain.then(() => store.save(record)).finally(() => inFlight--);
      chain = next.catch((error: unknown) => {
        failure ??= error;
      });
      return next;
    },
    settled: () => chain,
    async journal(entry) {
      record.journal.push(redactor.active ? redactor.value(entry) : entry);
      // Write-ahead: the entry is stored before the side effect starts, or the step fails.
      if (store) await writer.save();
    },
    io(work) {
      inFlight++;
      return work().finally(() => inFlight--);
    },
    track(delta) {
      inFlight += delta;
    },
    busy: () => inFlight > 0,
    get failure() {
      return failure;
    },
  };
  return writer;
}
