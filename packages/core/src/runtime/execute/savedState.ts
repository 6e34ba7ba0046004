import { RECORD_FIELDS } from '../stores/recordChange.js';
import type { RunRecord, RunRecordChange } from '../types.js';

/** A change ready to be written, and how to mark it stored once it is. */
export interface PendingChange {
  change: RunRecordChange;
  /** Marks the change as stored: the next change follows it. */
  stored(): void;
}

/**
 * What the store holds of one run's record, as its writer last saved it: the journal and trace lengths
 * and each top-level field's value (by reference; the deadlines, changed in place, by copy). From it the
 * writer tells the store what changed instead of handing it the whole record again.
 */
export class SavedState {
  private journal = 0;
  private trace = 0;
  private readonly fields = new Map<string, unknown>();
  private run: number | undefined;
  private wake: number | undefined;
  private known = false;

  /** The state of `record` as the store holds it (a loaded record), or nothing yet (a new run). */
  constructor(record: RunRecord | undefined) {
    if (record) this.mark(record);
  }

  /** Marks the whole of `record` as stored (after a save of all of it). */
  mark(record: RunRecord): void {
    this.capture(record)();
  }

  /** Marks `record` as it is now as stored, when the function returned is called (after its save). */
  capture(record: RunRecord): () => void {
    const journal = record.journal.length;
    const trace = record.trace.length;
    const values = RECORD_FIELDS.map((name) => record[name]);
    const { run, wake } = record.deadlines;
    return () => {
      this.journal = journal;
      this.trace = trace;
      RECORD_FIELDS.forEach((name, i) => this.fields.set(name, values[i]));
      this.run = run;
      this.wake = wake;
      this.known = true;
    };
  }

  /** What changed in `record` since it was last stored; undefined when the store holds none of it yet. */
  since(record: RunRecord): PendingChange | undefined {
    if (!this.known) return undefined;
    const change: RunRecordChange = {
      base: { journal: this.journal, trace: this.trace },
      journal: record.journal.slice(this.journal),
      trace: record.trace.slice(this.trace),
      set: {},
      unset: [],
    };
    const set = change.set as Record<string, unknown>;
    const replaced: Array<[string, unknown]> = [];
    for (const name of RECORD_FIELDS) {
      const value = record[name];
      if (name === 'deadlines') continue;
      if (value === this.fields.get(name)) continue;
      replaced.push([name, value]);
      if (value === undefined) change.unset.push(name);
      else set[name] = value;
    }
    const { run, wake } = record.deadlines;
    const deadlinesChanged = run !== this.run || wake !== this.wake;
    // A copy: the runtime changes the deadlines in place, and the store may write this change later.
    if (deadlinesChanged) set.deadlines = { run, ...(wake !== undefined && { wake }) };
    return {
      change,
      stored: () => {
        this.journal = change.base.journal + change.journal.length;
        this.trace = change.base.trace + change.trace.length;
        for (const [name, value] of replaced) this.fields.set(name, value);
        this.run = run;
        this.wake = wake;
      },
    };
  }
}
