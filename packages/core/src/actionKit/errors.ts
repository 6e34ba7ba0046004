import { ActionError } from '../errors.js';
import type { RetryAdvice } from '../errors.js';

/** What an action's failure says besides its message: retry advice, the cause, and whether it is a verdict. */
export interface FailureOptions {
  /** Whether and how a retry may help; not retryable when absent. */
  retry?: RetryAdvice;
  /** The error behind this one (kept as `cause`, never shown in the message). */
  cause?: unknown;
  /**
   * True when the target answered and its answer is bad (the step's outcome is `fail`); false or absent
   * when the check could not be done (the outcome is `error`). Prefer {@link verdict} and {@link couldNotCheck}.
   */
  verdict?: boolean;
}

/**
 * An action's failure, without naming the action: the engine fills in the id of the action that threw
 * it, so the step's error reads `aws.ec2.reboot: …` as if the action had named itself.
 */
export function actionFailed(message: string, options: FailureOptions = {}): ActionError {
  return new ActionError('', message, options.retry ?? { retryable: false }, {
    ...(options.cause !== undefined && { cause: options.cause }),
    ...(options.verdict === true && { verdict: true }),
  });
}

/**
 * The target answered and its answer is bad (an HTTP 500 from the checked URL, a health check reporting
 * Failure): the step's outcome is `fail`, which `on: { fail: … }` handles and `retry: { on: [fail] }`
 * retries. Not retryable under any other kind unless `retry` says so.
 */
export function verdict(message: string, retry?: RetryAdvice, cause?: unknown): ActionError {
  return actionFailed(message, {
    retry: retry ?? { retryable: false, kind: 'error' },
    verdict: true,
    ...(cause !== undefined && { cause }),
  });
}

/**
 * The check itself could not be done (credentials refused, a missing resource, an unreadable answer,
 * throttled): the step's outcome is `error`, which never remediates by default. Give `retry` when
 * trying again may help (a throttled call with its Retry-After, a network error).
 */
export function couldNotCheck(message: string, retry?: RetryAdvice, cause?: unknown): ActionError {
  return actionFailed(message, {
    retry: retry ?? { retryable: false, kind: 'error' },
    ...(cause !== undefined && { cause }),
  });
}
