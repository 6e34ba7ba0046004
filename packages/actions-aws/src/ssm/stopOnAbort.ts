import { ActionError } from '@firstline/core';
import type { ActionContext, JSONSchema } from '@firstline/core';

/** What a remediation does with the SSM command or automation it started when its step is stopped. */
export type OnAbort = 'stop' | 'leave';

/** The `onAbort` input of the SSM remediations, with its default. */
export function onAbortSchema(defaultValue: OnAbort, why: string) {
  return { enum: ['stop', 'leave'], default: defaultValue, description: why } as const satisfies JSONSchema;
}

/** Something an action started in SSM and is waiting for. */
export interface Started {
  actionId: string;
  /** Names it for a person: "SSM command 1234… on i-0abc… in us-east-1". */
  what: string;
  /** The ids and region, for the log line. */
  fields: Record<string, unknown>;
  /** The IAM action that stops it: `ssm:CancelCommand`, `ssm:StopAutomationExecution`. */
  stopOperation: string;
}

// The step's signal is spent when this runs: the stop request gets a deadline of its own, in real time
// since it is a real request.
const STOP_DEADLINE_MS = 10_000;

/**
 * Runs `wait`. When the step's signal aborts it (the step timed out, the run was cancelled or handed
 * back by its host), stops what was started with `stop` unless `onAbort` is `leave`, and says what
 * became of it, naming its id and region: as a log line in the trace and as the error thrown, so a
 * person knows where to look. The step's own error is set by the engine when it stops a step; the log
 * line is what carries the id then.
 */
export async function waitOrStop<T>(
  ctx: ActionContext,
  started: Started,
  onAbort: OnAbort,
  wait: () => Promise<T>,
  stop: (signal: AbortSignal) => Promise<unknown>,
): Promise<T> {
  try {
    return await wait();
  } catch (error) {
    if (!ctx.signal.aborted) throw error;
    let message: string;
    if (onAbort === 'leave') {
      message = `${started.what} is left running (onAbort: leave); look at it there`;
      ctx.logger.warn(message, started.fields);
    } else {
      try {
        await stop(AbortSignal.timeout(STOP_DEADLINE_MS));
        message = `${started.what}: stopped when the step was (${started.stopOperation})`;
        ctx.logger.warn(message, started.fields);
      } catch (stopError) {
        const why = stopError instanceof Error ? stopError.message : String(stopError);
        message = `${started.what} may still be running: stopping it failed (${why}); look at it there`;
        ctx.logger.error(message, started.fields);
      }
    }
    throw new ActionError(started.actionId, message, { retryable: false, kind: 'timeout' }, { cause: error });
  }
}
