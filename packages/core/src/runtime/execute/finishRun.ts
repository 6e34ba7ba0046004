import type { Clock } from '../../actions/types.js';
import type { Redactor } from '../redact.js';
import { setOwn } from '../redact.js';
import type { RunContext, RunRecord, RunResult, RunStore, StepRecord } from '../types.js';
import type { RecordWriter } from './recordWriter.js';
import type { TraceSink } from './traceSink.js';

/** What a simulation adds to a run's result: the inputs each action would have received. */
export interface RunExecution extends RunResult {
  /** Present for simulations. */
  calls?: Map<string, unknown[]>;
}

/** What ending a run (for good, or by handing it back) needs. */
export interface RunEnd {
  record: RunRecord;
  store: RunStore | undefined;
  writer: RecordWriter;
  clock: Clock;
  redactor: Redactor;
  sink: TraceSink;
  /** Clock time the run started (a resumed run: when it first started). */
  runStart: number;
  calls?: Map<string, unknown[]>;
}

/** Ends the run: the last event, `done` stored with the final snapshot, the resource lock freed, the result. */
export async function finishRun(
  end: RunEnd,
  outcome: string,
  steps: Record<string, StepRecord>,
): Promise<RunExecution> {
  const { record, store, writer } = end;
  end.sink.emit({ type: 'run.end', outcome, durationMs: end.clock.now() - end.runStart });
  record.status = 'done';
  record.outcome = outcome;
  record.deadlines.wake = undefined;
  if (store) {
    await writer.settled();
    await writer.save().catch(() => undefined);
    let failure = writer.failure;
    if (record.lock && store.unlock && record.skipped?.reason !== 'lock')
      await writer
        .io(() => store.unlock!(record.lock!.key, record.runId))
        .catch((error: unknown) => {
          failure ??= error;
        });
    if (failure !== undefined)
      end.sink.emit({
        type: 'log',
        level: 'warn',
        message: `the run store failed: ${end.redactor.error(failure)}`,
      });
  }
  return resultOf(end, outcome, steps, record.skipped ? { skipped: record.skipped } : {});
}

/** Not over: stored as `running`, its lock kept, for resumeDue (or resumeRun) to go on with. */
export async function handBack(
  end: RunEnd,
  how: NonNullable<RunResult['suspended']>,
  steps: Record<string, StepRecord>,
): Promise<RunExecution> {
  end.sink.emit({ type: 'run.suspend', ...how });
  await end.writer.settled();
  await end.writer.save();
  return resultOf(end, 'suspended', steps, { suspended: how });
}

/** The steps the stored snapshot has recorded: none for a new run. */
export function storedSteps(record: RunRecord): Record<string, StepRecord> {
  return (record.snapshot as { context?: RunContext } | undefined)?.context?.steps ?? {};
}

function resultOf(
  end: RunEnd,
  outcome: string,
  steps: Record<string, StepRecord>,
  extra: Partial<RunResult>,
): RunExecution {
  const output: Record<string, unknown> = {};
  // A step may be named `__proto__`: its output is an own key, as Object.fromEntries made it.
  for (const s of Object.values(steps)) if (s.output !== undefined) setOwn(output, s.id, s.output);
  // Field by field, in the order a result has always had.
  const result: RunExecution = {
    runId: end.record.runId,
    outcome,
    output,
    steps,
    trace: end.record.trace,
    durationMs: end.clock.now() - end.runStart,
  };
  if (extra.suspended) result.suspended = extra.suspended;
  if (extra.skipped) result.skipped = extra.skipped;
  if (end.calls) result.calls = end.calls;
  return result;
}
