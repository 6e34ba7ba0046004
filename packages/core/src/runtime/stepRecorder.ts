import type { StopSignal } from './stepStop.js';
import type { Clock } from '../actions/types.js';
import { stoppedByRun } from './attempt.js';
import type { StepRecord } from './types.js';
import type { TraceSink, UnstampedEvent } from './execute/traceSink.js';

/** A step's record before its times are filled in: what the step itself knows about how it ended. */
export type StepEnding = Omit<StepRecord, 'startedAt' | 'endedAt'>;

/**
 * The one place steps are reported: `step.start` when a visit begins, `step.end` with its record when it
 * ends. It remembers when each step's visit started, so a record's times always come from one clock
 * reading at each end, whoever ends the step (the step itself, or the machine cutting it short).
 */
export class StepRecorder {
  private readonly started = new Map<string, number>();

  /** A recorder writing to a run's trace through `sink`. */
  constructor(
    private readonly clock: Clock,
    private readonly sink: Pick<TraceSink, 'emit'>,
  ) {}

  /** Reports a step's visit starting; returns its start time. */
  start(step: string, visit: number, action?: string): number {
    const at = this.clock.now();
    this.started.set(step, at);
    // Literals of one shape each, not a spread of an optional part: a step starts thousands of times a second in a simulation.
    this.sink.emit(
      action === undefined
        ? { type: 'step.start', step, visit }
        : { type: 'step.start', step, action, visit },
    );
    return at;
  }

  /** Takes up a step's visit that began at `at` (a parked run's wait), without reporting it again. */
  resume(step: string, at: number): void {
    this.started.set(step, at);
  }

  /** When the visit of `step` in progress began, if one is. */
  startedAt(step: string): number | undefined {
    return this.started.get(step);
  }

  /**
   * Ends a step: `ending` becomes its record, its start and end times added (callers pass a fresh object,
   * so no copy is made). It is reported unless the run itself stopped it (`signal` aborted by a deadline
   * or cancel): the machine reports that one as it stops it, once.
   */
  end(ending: StepEnding, signal?: StopSignal): StepRecord {
    const endedAt = this.clock.now();
    const record = ending as StepRecord;
    record.startedAt = this.started.get(ending.id) ?? endedAt;
    record.endedAt = endedAt;
    if (!signal || !stoppedByRun(signal)) {
      // Field by field, in the order the event has always had: no spread of optional parts.
      const event: UnstampedEvent<'step.end'> = {
        type: 'step.end',
        step: record.id,
        outcome: record.outcome,
        attempts: record.attempts,
        durationMs: endedAt - record.startedAt,
      };
      if (record.error !== undefined) event.error = record.error;
      if (record.uncertain) event.uncertain = true;
      if (record.synthesizedFrom !== undefined) event.synthesized = record.synthesizedFrom;
      this.sink.emit(event);
    }
    return record;
  }
}
