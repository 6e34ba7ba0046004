import { describe, expect, it } from 'vitest';
import { ActionError, createVirtualClock, defineAction, renderTrace, runPlaybook } from '@firstline/core';
import { actionFailed, couldNotCheck, retryAdviceForStatus, verdict } from '@firstline/core/action-kit';

// Errors made with the kit name no action; the engine names them after the action that threw them,
// so the step's error, the trace and `classify` read as if the action had named itself.

const ID = 'test.kit.check';

function throwing(make: () => Error) {
  return defineAction<{ url?: string }, { ok: boolean }>({
    id: ID,
    kind: 'probe',
    description: 'A probe that throws what it is told to.',
    input: { type: 'object', properties: { url: { type: 'string' } } },
    run: () => Promise.reject(make()),
  });
}

const playbook = (retry?: object) => ({
  firstline: 1,
  name: 'kit-errors',
  steps: [{ id: 'check', action: ID, with: { url: 'https://example.test' }, ...(retry && { retry }) }],
});

async function live(make: () => Error, retry?: object) {
  const result = await runPlaybook(playbook(retry), {
    mode: 'live',
    clock: createVirtualClock(),
    actions: [throwing(make)],
  });
  return result;
}

describe('action kit errors through a real run', () => {
  it('verdict(): the step fails (`fail`) and its error names the action', async () => {
    const result = await live(() => verdict('answered HTTP 500'));
    expect(result.steps.check).toMatchObject({ outcome: 'fail', error: `${ID}: answered HTTP 500` });
    expect(renderTrace(result.trace)).toContain(`${ID}: answered HTTP 500`);
  });

  it("couldNotCheck(): the step's outcome is `error`, named the same way", async () => {
    const result = await live(() => couldNotCheck('credentials refused'));
    expect(result.steps.check).toMatchObject({ outcome: 'error', error: `${ID}: credentials refused` });
    expect(result.outcome).toBe('failed');
  });

  it('actionFailed() with retry advice is retried under its kind, each attempt named', async () => {
    let calls = 0;
    const result = await live(
      () => {
        calls++;
        return actionFailed('slow down', { retry: retryAdviceForStatus(429, { 'retry-after': '5' }, 0) });
      },
      { attempts: 3, delay: '1s', jitter: 'none', on: ['throttled'] },
    );
    expect(calls).toBe(3);
    expect(result.steps.check).toMatchObject({ outcome: 'error', attempts: 3, error: `${ID}: slow down` });
    const ends = result.trace.filter((e) => e.type === 'attempt.end');
    // The Retry-After (5 s) wins over the 1 s delay.
    expect(ends.map((e) => (e as { retryInMs?: number }).retryInMs)).toEqual([5000, 5000, undefined]);
  });

  it('an error that already names an action keeps its name', async () => {
    const result = await live(() => new ActionError('other.named.action', 'boom', { retryable: false }));
    expect(result.steps.check?.error).toBe('other.named.action: boom');
  });

  it('keeps the cause, and names the error object itself', async () => {
    const cause = new Error('socket hang up');
    const error = couldNotCheck('unreachable', { retryable: false, kind: 'network' }, cause);
    expect(error.cause).toBe(cause);
    expect(error.actionId).toBe('');
    expect(error.message).toBe('unreachable');
    await live(() => error);
    expect(error.actionId).toBe(ID);
    expect(error.message).toBe(`${ID}: unreachable`);
  });

  it("is named in shadow mode too, where a remediation's plan() throws it", async () => {
    const fix = defineAction<object, object>({
      id: 'test.kit.fix',
      kind: 'remediation',
      description: 'A remediation whose preflight is refused.',
      input: { type: 'object' },
      run: () => Promise.resolve({}),
      plan: () => Promise.reject(couldNotCheck('preflight refused: not allowed')),
    });
    const result = await runPlaybook(
      { firstline: 1, name: 'kit-shadow', steps: [{ id: 'fix', action: 'test.kit.fix' }] },
      { mode: 'shadow', clock: createVirtualClock(), actions: [fix] },
    );
    expect(result.steps.fix).toMatchObject({
      outcome: 'error',
      error: 'test.kit.fix: preflight refused: not allowed',
    });
  });
});
