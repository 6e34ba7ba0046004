import type { StopSignal } from './stepStop.js';
import type { Clock } from '../actions/types.js';
import { stoppedByRun } from './attempt.js';
import type { StepRecord } from './types.js';
import type { TraceSink } from './execute/traceSink.js';

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
    this.sink.emit({ type: 'step.start', step, ...(action !== undefined && { action }), visit });
    return at;
  }

  /**
   * Ends a step: its record with start and end times. It is reported unless the run itself stopped it
   * (`signal` aborted by a deadline or cancel): the machine reports that one as it stops it, once.
   */
  end(ending: StepEnding, signal?: StopSignal): StepRecord {
    const endedAt = this.clock.now();
    const record: StepRecord = { ...ending, startedAt: this.started.get(ending.id) ?? endedAt, endedAt };
    if (!signal || !stoppedByRun(signal))
      this.sink.emit({
        type: 'step.end',
        step: record.id,
        outcome: record.outcome,
        attempts: record.attempts,
        durationMs: endedAt - record.startedAt,
        ...(record.error !== undefined && { error: record.error }),
        ...(record.uncertain && { uncertain: true }),
        ...(record.synthesizedFrom !== undefined && { synthesized: record.synthesizedFrom }),
      });
    return record;
  }
}
