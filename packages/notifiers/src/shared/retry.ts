import { setTimeout as delay } from 'node:timers/promises';
import { isFirstlineError } from '@firstline/core';
import type { ActionError } from '@firstline/core';

/** Waits `ms` milliseconds, rejecting early when `signal` aborts; injectable so tests never really wait. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** How a notifier retries a call the remote API refused for now (429, 5xx, network): bounded, with backoff. */
export interface RetryOptions {
  /** Retries after the first attempt; 0 disables them. Defaults to 3. */
  max?: number;
  /** First backoff delay, doubled on each retry (with jitter) when the API gave no Retry-After. Defaults to 500. */
  baseDelayMs?: number;
  /**
   * The longest wait inside one step. A Retry-After longer than this is not waited out here: the step
   * fails with a throttled error carrying the delay, for the playbook's own `retry:` to honour. Defaults to 10000.
   */
  maxDelayMs?: number;
  /** Replaces the real wait (tests record the delays instead of sleeping). */
  sleep?: Sleep;
  /** Jitter source in [0, 1); defaults to Math.random. */
  random?: () => number;
}

/** {@link RetryOptions} with every default filled in. */
export type RetryPolicy = Required<RetryOptions>;

/** The real wait: a timer that an abort cancels. */
export const realSleep: Sleep = (ms, signal) =>
  delay(Math.max(0, ms), undefined, signal ? { signal } : undefined);

/** Fills in the defaults of {@link RetryOptions}. */
export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  return {
    max: Math.max(0, Math.floor(options.max ?? 3)),
    baseDelayMs: Math.max(0, options.baseDelayMs ?? 500),
    maxDelayMs: Math.max(0, options.maxDelayMs ?? 10_000),
    sleep: options.sleep ?? realSleep,
    random: options.random ?? Math.random,
  };
}

/** The backoff before retry `retry` (1-based): exponential from the base, half of it jittered, capped. */
export function backoffDelay(policy: RetryPolicy, retry: number): number {
  const full = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  // Half fixed, half random: spreads ten regions paging at once without ever retrying at once.
  return Math.round(full / 2 + (full / 2) * policy.random());
}

/** The action kit's Retry-After parser, re-exported where notifier code has always imported it. */
export { parseRetryAfter } from '@firstline/core/action-kit';

/** What {@link withRetries} reports before each wait, for the step's log. */
export interface RetryNotice {
  /** The retry about to be made (1-based). */
  retry: number;
  /** How long it waits first. */
  delayMs: number;
  /** Why: the failure's message. */
  reason: string;
}

/**
 * Calls `attempt` until it succeeds, retrying ActionErrors marked retryable: after their Retry-After
 * (`afterMs`) when the API sent one, after a jittered exponential backoff otherwise. Non-retryable
 * errors, an abort and the last failure are thrown as they are.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  signal: AbortSignal | undefined,
  attempt: (index: number) => Promise<T>,
  onRetry?: (notice: RetryNotice) => void,
): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt(retry);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const advice = isFirstlineError(error) ? (error as ActionError).retry : undefined;
      if (!advice?.retryable || retry >= policy.max) throw error;
      // Waiting less than the API asked would only be refused again; waiting longer than a step
      // should is the playbook's call (its retry honours afterMs), so hand the error over instead.
      if (advice.afterMs !== undefined && advice.afterMs > policy.maxDelayMs) throw error;
      const delayMs = advice.afterMs ?? backoffDelay(policy, retry + 1);
      onRetry?.({ retry: retry + 1, delayMs, reason: (error as Error).message });
      await policy.sleep(delayMs, signal);
      if (signal?.aborted) throw signal.reason;
    }
  }
}
