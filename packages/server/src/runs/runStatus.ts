import type { ApprovalState, RunRecord, SkipReason, StepRecord, TraceEvent } from '@firstline/core';

/** What `GET /runs/:id` answers: a run's state, from the queue or the store (secret values redacted). */
export interface RunStatus {
  runId: string;
  /** `queued`: accepted, waiting for a free slot; `running`: started (or suspended, to be resumed); `done`. */
  status: 'queued' | 'running' | 'done';
  /** The playbook's name. */
  playbook: string;
  /** The run's outcome, once `done`. */
  outcome?: string;
  inputs: Record<string, unknown>;
  /** The timeline so far. */
  trace: TraceEvent[];
  /** What each step that ran did, by step id. */
  steps: Record<string, StepRecord>;
  /** Place in the queue (0 is next), while `queued`. */
  position?: number;
  /** For a stored run waiting on a `wait:` step: when it wakes (clock ms). */
  wakeAt?: number;
  /** For a `skipped` run: the lock another run holds, or the spent remediation budget. */
  skipped?: SkipReason;
  /** The run's latest approval: pending (no `decision`) while it waits for a person, then who decided. */
  approval?: ApprovalState;
  /** The resource lock a running run holds (kept while it is suspended). */
  lock?: { key: string; expiresAt: number };
  /** Set when the run could not start at all (its secrets did not resolve, the store failed). */
  error?: { code: string; message: string };
  createdAt?: number;
  updatedAt?: number;
}

/** A stored record as a {@link RunStatus}. */
export function statusOfRecord(record: RunRecord): RunStatus {
  const context = (record.snapshot as { context?: { steps?: Record<string, StepRecord> } } | undefined)
    ?.context;
  return {
    runId: record.runId,
    status: record.status,
    playbook: record.playbook.name,
    ...(record.outcome !== undefined && { outcome: record.outcome }),
    inputs: record.inputs,
    trace: record.trace,
    steps: context?.steps ?? {},
    ...(record.deadlines.wake !== undefined && { wakeAt: record.deadlines.wake }),
    ...(record.skipped && { skipped: record.skipped }),
    ...(record.approval && { approval: record.approval }),
    ...(record.lock && record.status === 'running' && { lock: record.lock }),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
