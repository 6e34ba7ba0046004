import { describe, expect, it } from 'vitest';
import { ActionError, isFirstlineError } from '../errors.js';
import { coreActions, coreFail, coreLog } from './builtins.js';
import { defineAction } from './defineAction.js';
import { createActionRegistry, toActionRegistry } from './registry.js';
import { createTestContext } from '../testing/context.js';

const ping = defineAction<{ host: string; count?: number }, { ok: boolean }>({
  id: 'net.icmp.ping',
  kind: 'probe',
  description: 'Pings a host.',
  input: {
    type: 'object',
    required: ['host'],
    additionalProperties: false,
    properties: { host: { type: 'string' }, count: { type: 'integer', minimum: 1 } },
  },
  run: () => Promise.resolve({ ok: true }),
});

describe('createActionRegistry', () => {
  it('holds the core built-ins and the given actions, ids sorted', () => {
    const registry = createActionRegistry([ping]);
    expect(registry.ids()).toEqual(['core.fail', 'core.log', 'net.icmp.ping']);
    expect(registry.get('core.log')).toBe(coreLog);
    expect(registry.has('net.icmp.ping')).toBe(true);
    expect(registry.has('net.icmp.pong')).toBe(false);
    expect(registry.get('net.icmp.pong')).toBeUndefined();
    expect(coreActions.map((a) => a.id)).toEqual(['core.log', 'core.fail']);
  });

  it('can leave the built-ins out', () => {
    expect(createActionRegistry([], { builtins: false }).ids()).toEqual([]);
    expect(createActionRegistry([ping], { builtins: false }).ids()).toEqual(['net.icmp.ping']);
  });

  it('rejects an id registered twice, built-ins included', () => {
    for (const attempt of [
      () => createActionRegistry([ping, ping]),
      () => createActionRegistry([ping]).register(ping),
      () => createActionRegistry([coreLog]),
    ]) {
      let caught: unknown;
      try {
        attempt();
      } catch (error) {
        caught = error;
      }
      expect(isFirstlineError(caught)).toBe(true);
      expect(caught).toMatchObject({ code: 'E_DUPLICATE_ACTION' });
      expect((caught as Error).message).toMatch(/registered twice/);
    }
  });

  it('register adds actions and returns the registry for chaining', () => {
    const registry = createActionRegistry([], { builtins: false });
    expect(registry.register(ping)).toBe(registry);
    expect(registry.ids()).toEqual(['net.icmp.ping']);
  });

  it('checkInput returns ajv errors for a bad input and an empty list for a good one', () => {
    const registry = createActionRegistry([ping]);
    expect(registry.checkInput('net.icmp.ping', { host: 'example.org', count: 2 })).toEqual([]);
    const errors = registry.checkInput('net.icmp.ping', { count: 0, extra: true });
    expect(errors.map((e) => e.keyword).sort()).toEqual(['additionalProperties', 'minimum', 'required']);
    expect(errors.find((e) => e.keyword === 'minimum')?.instancePath).toBe('/count');
    // Repeated calls reuse the compiled validator and still answer correctly.
    expect(registry.checkInput('net.icmp.ping', { host: 'a' })).toEqual([]);
    expect(registry.checkInput('net.icmp.ping', {})).toHaveLength(1);
  });

  it('checkInput has nothing to say about an unknown action', () => {
    expect(createActionRegistry().checkInput('no.such.action', { anything: 1 })).toEqual([]);
  });

  it('tolerates keywords of the action author’s own in input schemas', () => {
    const annotated = defineAction({
      id: 'x.y.z',
      kind: 'notify',
      description: 'Has x- keywords.',
      input: {
        type: 'object',
        'x-docs': 'see README',
        properties: { a: { type: 'string', 'x-ui': 'text' } },
      },
      run: () => Promise.resolve(null),
    });
    expect(createActionRegistry([annotated]).checkInput('x.y.z', { a: 1 })).toHaveLength(1);
  });
});

describe('toActionRegistry', () => {
  it('returns a registry as it is and wraps a list with the built-ins', () => {
    const registry = createActionRegistry([ping]);
    expect(toActionRegistry(registry)).toBe(registry);
    expect(toActionRegistry([ping]).ids()).toEqual(['core.fail', 'core.log', 'net.icmp.ping']);
    expect(toActionRegistry(undefined).ids()).toEqual(['core.fail', 'core.log']);
  });
});

describe('core built-ins', () => {
  it('core.log is a notification that logs through ctx.logger at the given level', async () => {
    expect(coreLog.kind).toBe('notify');
    const ctx = createTestContext({ stepId: 'say' });
    await expect(coreLog.run({ message: 'disk full', level: 'warn' }, ctx)).resolves.toEqual({
      logged: 'disk full',
    });
    expect(ctx.logs).toEqual([{ level: 'warn', message: 'disk full', fields: { stepId: 'say' } }]);
  });

  it('core.log logs at info by default', async () => {
    const ctx = createTestContext({ stepId: 'say' });
    await coreLog.run({ message: 'hello' }, ctx);
    expect(ctx.logs).toEqual([{ level: 'info', message: 'hello', fields: { stepId: 'say' } }]);
  });

  it('core.log plans without logging', async () => {
    const ctx = createTestContext();
    await expect(coreLog.plan!({ message: 'hi' }, ctx)).resolves.toEqual({
      summary: 'would log "hi"',
    });
    expect(ctx.logs).toEqual([]);
  });

  it('core.log input is checked: message required, level from the list', () => {
    const registry = createActionRegistry();
    expect(registry.checkInput('core.log', { message: 'x', level: 'error' })).toEqual([]);
    expect(
      registry
        .checkInput('core.log', { level: 'loud' })
        .map((e) => e.keyword)
        .sort(),
    ).toEqual(['enum', 'required']);
  });

  it('core.fail is a probe that rejects with a non-retryable ActionError', async () => {
    expect(coreFail.kind).toBe('probe');
    const failure = coreFail.run({ message: 'this branch must not run' }, createTestContext());
    await expect(failure).rejects.toBeInstanceOf(ActionError);
    const error = (await failure.catch((e: unknown) => e)) as ActionError;
    expect(error.code).toBe('E_ACTION_FAILED');
    expect(error.actionId).toBe('core.fail');
    expect(error.retry.retryable).toBe(false);
    expect(error.message).toBe('core.fail: this branch must not run');
    expect(isFirstlineError(error)).toBe(true);
  });
});
