import { ActionError, createVirtualClock, defineAction, isFirstlineError } from '@firstline/core';
import { describe, expect, it } from 'vitest';
import { ActionRunnerError, createActionRunner, createActionRunnerHandler } from './actionRunner.js';

// The action runner's core in-process, with small actions defined here (nothing is called remotely).

const FAKE_TOKEN = 'fake-runner-token-123';

const probe = defineAction({
  id: 'test.web.check',
  kind: 'probe',
  description: 'answers as its input says',
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['answer'],
    properties: { answer: { type: 'string' }, token: { type: 'string' } },
  },
  run(input, ctx) {
    switch (input.answer) {
      case 'ok':
        return Promise.resolve({ status: 200, sawToken: input.token === FAKE_TOKEN });
      case 'verdict':
        return Promise.reject(
          new ActionError('', 'answered 503', { retryable: true, kind: '5xx' }, { verdict: true }),
        );
      case 'throttled':
        return Promise.reject(new ActionError('', 'slow down', { retryable: true, kind: 'throttled' }));
      case 'denied':
        return Promise.reject(
          new ActionError('', `AccessDenied for ${input.token ?? ''}`, { retryable: false }),
        );
      default:
        // Hangs until its signal aborts: the runner's timeout must stop it.
        return new Promise((_, reject) =>
          ctx.signal.addEventListener('abort', () => reject(new Error('aborted'))),
        );
    }
  },
});

const runner = (clock = createVirtualClock()) =>
  createActionRunner({
    actions: [probe],
    clock,
    secrets: {
      env: (ref) => Promise.resolve('env' in ref && ref.env === 'FAKE_TOKEN' ? FAKE_TOKEN : undefined),
    },
  });

const request = (answer: string, extra: Record<string, unknown> = {}) => ({
  action: 'test.web.check',
  step: 'probe',
  with: { answer },
  runId: 'run-1',
  visit: 1,
  timeoutMs: 5_000,
  ...extra,
});

async function rejection(
  promise: Promise<unknown>,
): Promise<{ name: string; message: string; code?: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { code?: string };
    return { name: e.name, message: e.message, ...(isFirstlineError(error) && { code: error.code }) };
  }
  throw new Error('resolved');
}

describe('the action runner', () => {
  it('a call that answers: pass with its output', async () => {
    await expect(runner()(request('ok'))).resolves.toEqual({
      outcome: 'pass',
      output: { status: 200, sawToken: false },
    });
  });

  it('a secret reference is resolved and set at its path; its value never shows in errors', async () => {
    const secrets = [{ path: ['token'], name: 'token', ref: { env: 'FAKE_TOKEN' } }];
    await expect(runner()(request('ok', { secrets }))).resolves.toMatchObject({ output: { sawToken: true } });
    const denied = await rejection(runner()(request('denied', { secrets })));
    expect(denied.name).toBe('Firstline.Fatal');
    expect(denied.message).not.toContain(FAKE_TOKEN);
  });

  it("the target's bad answer is the verdict fail, returned (not thrown)", async () => {
    await expect(runner()(request('verdict'))).resolves.toMatchObject({ outcome: 'fail' });
  });

  it('retryable failures throw the error name a Retry matches; others Firstline.Fatal', async () => {
    expect((await rejection(runner()(request('throttled')))).name).toBe('Firstline.Throttled');
    expect((await rejection(runner()(request('denied')))).name).toBe('Firstline.Fatal');
  });

  it('a call past its timeout is stopped: Firstline.Timeout', async () => {
    const clock = createVirtualClock();
    const pending = rejection(runner(clock)(request('hang', { timeoutMs: 2_000 })));
    await Promise.resolve();
    clock.advance(2_000);
    const error = await pending;
    expect(error.name).toBe('Firstline.Timeout');
    expect(error.message).toContain('2000 ms');
  });

  it('bad requests: E_RUNNER_REQUEST named Firstline.Fatal, so no Retry repeats them', async () => {
    for (const bad of [
      null,
      { step: 'x', with: {} },
      request('ok', { action: 'test.nope' }),
      request('ok', { with: { answer: 1 } }),
    ]) {
      const error = await rejection(runner()(bad));
      expect(error.name).toBe('Firstline.Fatal');
      expect(error.code).toBe('E_RUNNER_REQUEST');
    }
  });

  it('the Lambda handler is the same core', async () => {
    const handler = createActionRunnerHandler({ actions: [probe] });
    await expect(handler(request('ok'))).resolves.toMatchObject({ outcome: 'pass' });
    expect(new ActionRunnerError('Firstline.Error', 'x').name).toBe('Firstline.Error');
  });
});
