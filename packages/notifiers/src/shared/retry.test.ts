import { describe, expect, it } from 'vitest';
import { ActionError } from '@firstline/core';
import { backoffDelay, parseRetryAfter, retryPolicy, withRetries } from './retry.js';

const throttled = (afterMs?: number) =>
  new ActionError('x.y', 'slow down', {
    retryable: true,
    kind: 'throttled',
    ...(afterMs !== undefined && { afterMs }),
  });

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates, and ignores nonsense', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(' 0 ')).toBe(0);
    expect(parseRetryAfter('1.5')).toBe(1500);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
  });
});

describe('withRetries', () => {
  it('waits the Retry-After, or a capped jittered backoff, and gives up after max retries', async () => {
    const delays: number[] = [];
    const policy = retryPolicy({
      max: 3,
      baseDelayMs: 1000,
      maxDelayMs: 3000,
      random: () => 1,
      sleep: (ms) => (delays.push(ms), Promise.resolve()),
    });
    let calls = 0;
    const error = await withRetries(policy, undefined, () => {
      calls++;
      return Promise.reject(calls === 1 ? throttled(2500) : throttled());
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect(calls).toBe(4);
    expect(delays).toEqual([2500, 2000, 3000]);
    expect(backoffDelay({ ...policy, random: () => 0 }, 1)).toBe(500);
  });

  it('does not retry what is not retryable, nor a Retry-After beyond maxDelayMs', async () => {
    const policy = retryPolicy({ sleep: () => Promise.resolve() });
    let calls = 0;
    const denied = new ActionError('x.y', 'denied', { retryable: false });
    await expect(withRetries(policy, undefined, () => (calls++, Promise.reject(denied)))).rejects.toBe(
      denied,
    );
    await expect(
      withRetries(policy, undefined, () => (calls++, Promise.reject(throttled(60_000)))),
    ).rejects.toThrow('slow down');
    await expect(
      withRetries(policy, undefined, () => (calls++, Promise.reject(new Error('plain')))),
    ).rejects.toThrow('plain');
    expect(calls).toBe(3);
  });

  it('stops at once when the step is cancelled during a wait', async () => {
    const controller = new AbortController();
    const policy = retryPolicy({
      sleep: () => {
        controller.abort(new Error('step timed out'));
        return Promise.reject(controller.signal.reason as Error);
      },
    });
    let calls = 0;
    await expect(
      withRetries(policy, controller.signal, () => (calls++, Promise.reject(throttled(10)))),
    ).rejects.toThrow('step timed out');
    expect(calls).toBe(1);
  });

  it('the real sleep is cancelled by its signal', async () => {
    const { realSleep } = await import('./retry.js');
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    await expect(realSleep(60_000, controller.signal)).rejects.toThrow();
  });
});
