import { describe, expect, it } from 'vitest';
import { ActionError, defineAction, isFirstlineError, runPlaybook } from '@firstline/core';
import { createTestContext, runAction } from '@firstline/core/testing';

// runAction calls an action the way a step does; these tests hold it to the engine's behaviour.

/** Polls every 10s (on ctx.clock) until the instance is up on the third look, logging each look. */
const waitUp = defineAction<{ id: string }, { state: string; looks: number }>({
  id: 'test.waitUp',
  kind: 'probe',
  description: 'Waits until an instance is up.',
  input: {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string', pattern: '^i-' } },
    additionalProperties: false,
  },
  output: { type: 'object', required: ['state'], properties: { state: { enum: ['up', 'down'] } } },
  async run(input, ctx) {
    for (let looks = 1; ; looks++) {
      ctx.logger.info(`look ${looks} at ${input.id}`, { looks });
      if (looks === 3) return { state: 'up', looks };
      await new Promise<void>((resolve, reject) => {
        const timer = ctx.clock.setTimeout(resolve, 10_000);
        ctx.signal.addEventListener('abort', () => {
          ctx.clock.clearTimeout(timer);
          reject(ctx.signal.reason as Error);
        });
      });
    }
  },
});

const failing = defineAction<{ url: string }, unknown>({
  id: 'test.failing',
  kind: 'probe',
  description: 'Answers 503.',
  input: { type: 'object' },
  run: (input) =>
    Promise.reject(
      new ActionError(
        'test.failing',
        `${input.url} answered 503`,
        { retryable: true, kind: '5xx' },
        { verdict: true },
      ),
    ),
});

describe('runAction', () => {
  it('advances the virtual clock while the action waits, and returns output, logs and elapsed time', async () => {
    const started = Date.now();
    const { output, logs, elapsedMs } = await runAction(waitUp, { id: 'i-0abc' });
    expect(output).toEqual({ state: 'up', looks: 3 });
    expect(elapsedMs).toBe(20_000);
    expect(logs).toEqual([
      { level: 'info', message: 'look 1 at i-0abc', fields: { looks: 1 } },
      { level: 'info', message: 'look 2 at i-0abc', fields: { looks: 2 } },
      { level: 'info', message: 'look 3 at i-0abc', fields: { looks: 3 } },
    ]);
    // Twenty virtual seconds, in far less real time.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('rethrows what a failing action threw, as the engine sees it', async () => {
    const error: unknown = await runAction(failing, { url: 'https://app.example.com' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ActionError);
    expect(error).toMatchObject({
      code: 'E_ACTION_FAILED',
      message: 'test.failing: https://app.example.com answered 503',
      verdict: true,
      retry: { retryable: true, kind: '5xx' },
    });
  });

  it('rejects input the way a step does: E_ACTION_INPUT with the message the step error carries', async () => {
    const error: unknown = await runAction(waitUp, { id: 'vol-1' }).catch((e: unknown) => e);
    expect(isFirstlineError(error) && error.code).toBe('E_ACTION_INPUT');
    expect((error as Error).message).toBe('input does not match test.waitUp: /id must match pattern "^i-"');
    // The same input reaching a step at run time (through a template, so validation cannot see it).
    const run = await runPlaybook(
      {
        firstline: 1,
        name: 'bad-input',
        inputs: { id: { type: 'string' } },
        checks: [{ id: 'up', action: 'test.waitUp', with: { id: '{{ inputs.id }}' } }],
      },
      { actions: [waitUp], mode: 'live', input: { id: 'vol-1' } },
    );
    expect(run.steps.up).toMatchObject({ outcome: 'error', error: (error as Error).message });
    await expect(runAction(waitUp, { id: 'i-1', extra: true })).rejects.toThrow(
      'input does not match test.waitUp: (input) must NOT have additional properties',
    );
  });

  it('checks the output against the output schema: E_ACTION_OUTPUT naming the field', async () => {
    const wrong = defineAction({
      ...waitUp,
      id: 'test.wrongOutput',
      run: () => Promise.resolve({ state: 'sideways' }),
    });
    await expect(runAction(wrong, { id: 'i-1' })).rejects.toMatchObject({
      code: 'E_ACTION_OUTPUT',
      message: 'output does not match test.wrongOutput: /state must be equal to one of the allowed values',
    });
  });

  it('times out as a step does: the signal aborted, an ActionError of kind timeout, in virtual time', async () => {
    const ctx = createTestContext();
    const error: unknown = await runAction(waitUp, { id: 'i-1' }, { context: ctx, timeout: '15s' }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'E_ACTION_FAILED',
      message: 'test.waitUp: no answer within 15s',
      retry: { retryable: true, kind: 'timeout' },
    });
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.messages()).toEqual(['look 1 at i-1', 'look 2 at i-1']);
    // The action's own pending poll was cleared by the abort; the run's timer too.
    expect(ctx.clock.pending()).toBe(0);
  });

  it('stops with the abort reason when the context is aborted mid-wait (a cancel)', async () => {
    const ctx = createTestContext();
    ctx.clock.setTimeout(() => ctx.abort(new Error('cancelled by the operator')), 15_000);
    await expect(runAction(waitUp, { id: 'i-1' }, { context: ctx })).rejects.toThrow(
      'cancelled by the operator',
    );
    expect(ctx.messages()).toHaveLength(2);
  });

  it('does not wait for an action that ignores its signal once the step is stopped', async () => {
    const deaf = defineAction({
      id: 'test.deaf',
      kind: 'probe',
      description: 'Never answers and ignores its signal.',
      input: { type: 'object' },
      run: () => new Promise<never>(() => undefined),
    });
    const ctx = createTestContext();
    ctx.clock.setTimeout(() => ctx.abort(new Error('stop')), 1_000);
    await expect(runAction(deaf, {}, { context: ctx })).rejects.toThrow('stop');
  });

  it('refuses a timeout that is not a duration', async () => {
    await expect(runAction(waitUp, { id: 'i-1' }, { timeout: 'soon' })).rejects.toMatchObject({
      code: 'E_SIMULATION',
    });
  });
});
