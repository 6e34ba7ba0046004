import type { Clock } from '../actions/types.js';
import { stoppedByRun } from './attempt.js';
import type { DistributiveOmit } from './services.js';
import type { StepRecord, TraceEvent } from './types.js';

/** A step's record before its times are filled in: what the step itself knows about how it ended. */
export type StepEnding = Omit<StepRecord, 'startedAt' | 'endedAt'>;

/**
 * The one place steps are reported: `step.start` when a visit begins, `step.end` with its record when it
 * ends. It remembers when each step's visit started, so a record's times always come from one clock
 * reading at each end, whoever ends the step (the step itself, or the machine cutting it short).
 */
export interface StepRecorder {
  /** Reports a step's visit starting; returns its start time. */
  start(step: string, visit: number, action?: string): number;
  /**
   * Ends a step: its record with start and end times. It is reported unless the run itself stopped it
   * (`signal` aborted by a deadline or cancel): the machine reports that one as it stops it, once.
   */
  end(ending: StepEnding, signal?: AbortSignal): StepRecord;
}

/** A recorder writing to a run's trace through `emit`. */
export function createStepRecorder(
  clock: Clock,
  emit: (event: DistributiveOmit<TraceEvent, 'seq' | 'at'>) => void,
): StepRecorder {
  const started = new Map<string, number>();
  return {
    start(step, visit, action) {
      const at = clock.now();
      started.set(step, at);
      emit({ type: 'step.start', step, ...(action !== undefined && { action }), visit });
      return at;
    },
    end(ending, signal) {
      const endedAt = clock.now();
      const record: StepRecord = { ...ending, startedAt: started.get(ending.id) ?? endedAt, endedAt };
      if (!signal || !stoppedByRun(signal))
        emit({
          type: 'step.end',
          step: record.id,
          outcome: record.outcome,
          attempts: record.attempts,
          durationMs: endedAt - record.startedAt,
          ...(record.error !== undefined && { error: record.error }),
          ...(record.uncertain && { uncertain: true }),
        });
      return record;
    },
  };
}
