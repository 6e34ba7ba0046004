import { describe, expect, it } from 'vitest';
import { createVirtualClock } from '@firstline/core';
import { sleep } from '@firstline/core/action-kit';

describe('sleep', () => {
  it("waits on the context's clock: virtual time, not real time", async () => {
    const clock = createVirtualClock();
    const start = clock.now();
    let done = false;
    const slept = sleep(60_000, { clock, signal: new AbortController().signal }).then(() => (done = true));
    clock.advance(59_999);
    expect(done).toBe(false);
    clock.advance(1);
    await slept;
    expect(clock.now() - start).toBe(60_000);
  });

  it('rejects with the reason as soon as the signal aborts, and drops its timer', async () => {
    const clock = createVirtualClock();
    const controller = new AbortController();
    const slept = sleep(60_000, { clock, signal: controller.signal });
    const reason = new Error('step timed out');
    controller.abort(reason);
    await expect(slept).rejects.toBe(reason);
    expect(clock.pending()).toBe(0);
  });

  it('rejects at once on a signal already aborted', async () => {
    const clock = createVirtualClock();
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await expect(sleep(10, { clock, signal: controller.signal })).rejects.toThrow('cancelled');
    expect(clock.pending()).toBe(0);
  });
});
