import { describe, expect, it } from 'vitest';
import { defineAction, runPlaybook } from '@firstline/core';
import { planAction } from '@firstline/core/testing';

/** A restart whose plan asks the service for permission first (1s on ctx.clock); `deny` makes it refuse. */
const restart = defineAction<{ name: string; deny?: boolean }, { restarted: boolean }>({
  id: 'svc.restart',
  kind: 'remediation',
  description: 'Restarts a service.',
  input: {
    type: 'object',
    required: ['name'],
    properties: { name: { type: 'string' }, deny: { type: 'boolean' } },
  },
  run: () => Promise.reject(new Error('a plan never runs the action')),
  async plan({ name, deny }, ctx) {
    await new Promise<void>((resolve) => ctx.clock.setTimeout(resolve, 1_000));
    ctx.logger.info(`asked whether ${name} may restart`);
    return {
      summary: `restart ${name}`,
      changes: [{ resource: name, change: 'restart' }],
      preflight: deny ? { ok: false, detail: 'AccessDenied' } : { ok: true },
    };
  },
});

const notify = defineAction<{ channel: string }, unknown>({
  id: 'chat.post',
  kind: 'notify',
  description: 'Posts a message.',
  input: { type: 'object', required: ['channel'] },
  run: () => Promise.resolve({}),
  describe: ({ channel }) => `post to ${channel}`,
});

describe('planAction', () => {
  it('returns the plan a shadow run records, its summary starting with "would", in virtual time', async () => {
    const { plan, logs, elapsedMs } = await planAction(restart, { name: 'web' });
    expect(plan).toEqual({
      summary: 'would restart web',
      changes: [{ resource: 'web', change: 'restart' }],
      preflight: { ok: true },
    });
    expect(logs.map((l) => l.message)).toEqual(['asked whether web may restart']);
    expect(elapsedMs).toBe(1_000);
  });

  it('falls back to describe() for an action without plan()', async () => {
    expect((await planAction(notify, { channel: '#ops' })).plan).toEqual({ summary: 'would post to #ops' });
  });

  it('throws the error a shadow step fails with when the preflight is refused', async () => {
    const error = (await planAction(restart, { name: 'web', deny: true }).catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({
      code: 'E_ACTION_FAILED',
      message: 'svc.restart: preflight refused: AccessDenied',
    });
    const run = await runPlaybook(
      {
        firstline: 1,
        name: 'shadow-restart',
        steps: [{ id: 'restart', action: 'svc.restart', with: { name: 'web', deny: true } }],
      },
      { actions: [restart], mode: 'shadow' },
    );
    expect(run.steps.restart?.error).toBe(error.message);
  });

  it('checks the input first, and refuses a probe, which shadow runs call for real', async () => {
    await expect(planAction(restart, { name: 7 })).rejects.toMatchObject({ code: 'E_ACTION_INPUT' });
    const probe = defineAction({ ...notify, id: 'svc.status', kind: 'probe' });
    await expect(planAction(probe, { channel: 'x' })).rejects.toThrow('svc.status is a probe');
  });
});
