import { modeStrategy } from './modes.js';
import { isFirstlineError } from '../errors.js';
import { systemClock } from './clock.js';
import { resumeRun } from './resumeRun.js';
import type { ResumeOptions } from './resumeRun.js';
import type { RunResult } from './types.js';

/** Options for {@link resumeDue}: those of resumeRun, plus how many runs to take on at most. */
export interface ResumeDueOptions extends Omit<ResumeOptions, 'expectHash'> {
  /** Resume at most this many runs (the rest wait for the next call); default: all that are due. */
  limit?: number;
}

/** What {@link resumeDue} did with each stored run that was due. */
export interface ResumeDueResult {
  /** Runs resumed, each to its outcome, or `suspended` again when it must wait longer than the host has. */
  resumed: RunResult[];
  /** Due runs another host is running or resuming right now (their lease is held): left to it. */
  busy: string[];
  /** Due runs that could not be resumed, with why (the record stays in the store, for a person to look at). */
  failed: Array<{ runId: string; error: string }>;
}

/**
 * Resumes every stored run that is due: a run suspended in a wait whose time has come, and a run
 * interrupted mid-step (a crashed process, a Lambda that timed out: `running` with no wait). Call it
 * on a schedule (an EventBridge rate rule, a timer in a service) and at start-up, so no run is lost
 * between invocations. Simulated runs are left alone. One run failing does not stop the others.
 *
 * @example
 * export const resume = () => resumeDue({ store, actions, suspendBefore: Date.now() + 50_000 });
 */
export async function resumeDue(options: ResumeDueOptions): Promise<ResumeDueResult> {
  const clock = options.clock ?? systemClock;
  const result: ResumeDueResult = { resumed: [], busy: [], failed: [] };
  const limit = options.limit ?? Infinity;
  for (const runId of await options.store.list({ status: 'running' })) {
    if (result.resumed.length >= limit || options.signal?.aborted || options.suspend?.aborted) break;
    let due = false;
    try {
      const record = await options.store.load(runId);
      due =
        record !== undefined &&
        record.status === 'running' &&
        modeStrategy(record.mode).handsBack &&
        (record.deadlines.wake === undefined || record.deadlines.wake <= clock.now());
    } catch (error) {
      result.failed.push({ runId, error: messageOf(error) });
      continue;
    }
    if (!due) continue;
    try {
      result.resumed.push(await resumeRun(runId, { ...options, clock }));
    } catch (error) {
      if (isFirstlineError(error) && error.code === 'E_RUN_BUSY') result.busy.push(runId);
      else result.failed.push({ runId, error: messageOf(error) });
    }
  }
  return result;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
