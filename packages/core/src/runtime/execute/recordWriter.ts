import type { Clock } from '../../actions/types.js';
import type { Redactor } from '../redact.js';
import type { JournalEntry, RunRecord, RunStore } from '../types.js';
import { SavedState } from './savedState.js';

/**
 * Keeps a run's record in its store: writes in order, one at a time, the journal's write-ahead entries
 * included. It also counts the real I/O in flight, so a virtual clock never jumps ahead of a store write.
 * Without a store every call is a no-op that resolves at once.
 */
export class RecordWriter {
  /** The first store failure of a write nobody awaited, reported when the run ends. */
  failure: unknown;
  private chain: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private readonly saved: SavedState | undefined;

  /**
   * A writer for `record`; `stored` when the store already holds it as it is (a resumed run's loaded
   * record), so even the first write can be of what changed.
   */
  constructor(
    private readonly record: RunRecord,
    private readonly store: RunStore | undefined,
    private readonly clock: Clock,
    private readonly redactor: Redactor,
    stored = false,
  ) {
    if (store?.saveChanges) this.saved = new SavedState(stored ? record : undefined);
  }

  /** Stores the record as it is now (after the writes before it); rejects if this write fails. */
  save(): Promise<void> {
    const { store, record } = this;
    if (!store) return Promise.resolve();
    record.updatedAt = this.clock.now();
    this.inFlight++;
    const next = this.chain.then(() => this.write(store)).finally(() => this.inFlight--);
    this.chain = next.catch((error: unknown) => {
      this.failure ??= error;
    });
    return next;
  }

  // What changed since the last write that succeeded, when the store takes changes; else the whole record.
  private async write(store: RunStore): Promise<void> {
    const { record, saved } = this;
    if (!saved || !store.saveChanges) return store.save(record);
    const pending = saved.since(record);
    if (pending) {
      await store.saveChanges(record, pending.change);
      pending.stored();
      return;
    }
    // Captured before the write: the run goes on changing the record while it is in flight.
    const stored = saved.capture(record);
    await store.save(record);
    stored();
  }

  /** Resolves when every write asked for so far has ended (failed ones included). */
  settled(): Promise<void> {
    return this.chain;
  }

  /** Appends a (redacted) journal entry and resolves once it is stored: before the side effect starts. */
  async journal(entry: JournalEntry): Promise<void> {
    this.record.journal.push(this.redactor.active ? this.redactor.value(entry) : entry);
    // Write-ahead: the entry is stored before the side effect starts, or the step fails.
    if (this.store) await this.save();
  }

  /** Runs real I/O against the store, counted as in flight. */
  io<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight++;
    return work().finally(() => this.inFlight--);
  }

  /** Adds to (or takes from) the I/O in flight, for work that counts itself (a lock being queued for). */
  track(delta: number): void {
    this.inFlight += delta;
  }

  /** True while store I/O is in flight. */
  busy(): boolean {
    return this.inFlight > 0;
  }
}
