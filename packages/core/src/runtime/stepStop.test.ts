import { describe, expect, it } from 'vitest';
import { defineAction } from '../actions/defineAction.js';
import { createVirtualClock } from './clock.js';
import { runPlaybook } from './runPlaybook.js';
import { sleep } from './retry.js';
import { StepStop } from './stepStop.js';

describe('StepStop: the stop of a step, without an AbortController', () => {
  it('calls its listeners once, in order, with the reason kept; an AbortError when none is given', () => {
    const stop = new StepStop();
    const heard: string[] = [];
    const second = () => heard.push(`second ${String(stop.aborted)}`);
    stop.addEventListener('abort', () => heard.push('first'));
    stop.addEventListener('abort', second);
    stop.addEventListener('abort', () => heard.push('third'));
    stop.removeEventListener('abort', second);
    stop.abort();
    stop.abort(new Error('again'));
    expect(heard).toEqual(['first', 'third']);
    expect(stop.aborted).toBe(true);
    expect(stop.reason).toBeInstanceOf(DOMException);
    expect((stop.reason as DOMException).name).toBe('AbortError');
    // Like an AbortSignal: a listener added after the stop is never called.
    stop.addEventListener('abort', () => heard.push('late'));
    expect(heard).toEqual(['first', 'third']);
  });

  it('a listener that throws does not keep the next from hearing it; its error surfaces uncaught', async () => {
    const stop = new StepStop();
    const heard: string[] = [];
    const uncaught: unknown[] = [];
    const onError = (error: unknown) => uncaught.push(error);
    const previous = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    process.on('uncaughtException', onError);
    try {
      stop.addEventListener('abort', () => {
        throw new Error('listener bug');
      });
      stop.addEventListener('abort', () => heard.push('after'));
      stop.abort('why');
      expect(heard).toEqual(['after']);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('uncaughtException', onError);
      for (const listener of previous) process.on('uncaughtException', listener);
    }
    expect(uncaught).toEqual([new Error('listener bug')]);
    expect(stop.reason).toBe('why');
  });

  it('stops a sleep on the clock, as an AbortSignal does', async () => {
    const clock = createVirtualClock();
    const stop = new StepStop();
    const slept = sleep(clock, 60_000, stop);
    stop.abort(new Error('left'));
    await expect(slept).rejects.toThrow('left');
  });

  it('an action that reads ctx.signal gets a real AbortSignal, and a cancel reaches its listener', async () => {
    const heard: unknown[] = [];
    let signalSeen: unknown;
    const waits = defineAction({
      id: 'test.waits',
      kind: 'probe',
      description: 'Waits until its signal aborts.',
      input: {},
      run: (_input, ctx) => {
        signalSeen = ctx.signal;
        return new Promise((_, reject) =>
          ctx.signal.addEventListener('abort', () => {
            heard.push(ctx.signal.reason);
            reject(ctx.signal.reason as Error);
          }),
        );
      },
    });
    const cancel = new AbortController();
    const run = runPlaybook(
      { firstline: 1, name: 'stop-reaches-signal', checks: [{ id: 'probe', action: 'test.waits' }] },
      { actions: [waits], clock: createVirtualClock(), signal: cancel.signal },
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(signalSeen).toBeInstanceOf(AbortSignal);
    cancel.abort();
    const result = await run;
    expect(result.outcome).toBe('cancelled');
    expect(heard).toHaveLength(1);
    expect((signalSeen as AbortSignal).aborted).toBe(true);
  });
});
