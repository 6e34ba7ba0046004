import { describe, expect, it } from 'vitest';
import { createMemoryStore, defineAction } from '@firstline/core';
import type { ActionContext, ActionDefinition, Plan } from '@firstline/core';
import { createFakeAction, eventsOf, runVirtual, sequence } from './support.js';
import type { FakeAction } from './support.js';

// Shadow mode: probes run for real and decide the branch; remediations and notifications are only
// planned (their `plan`, or "would call <id>"), never run.

const PROBE = 'test.target.probe';
const REBOOT = 'test.target.reboot';
const PAGE = 'test.oncall.page';

/** A fake action that also plans: every plan() call is recorded with its input and context. */
function planning(fake: FakeAction, plan: (input: unknown) => Plan) {
  const plans: Array<{ input: unknown; ctx: ActionContext }> = [];
  const action: ActionDefinition = defineAction({
    ...fake.action,
    plan: (input: unknown, ctx: ActionContext) => {
      plans.push({ input, ctx });
      return Promise.resolve(plan(input));
    },
  });
  return { fake, action, plans };
}

/** A probe reporting `{ id, ok }`, one answer per call, the last repeating. */
const probe = (...oks: boolean[]) =>
  createFakeAction(PROBE, 'probe', sequence(...oks.map((ok) => ({ id: 'i-0fake', ok }))));

const firstLine = {
  firstline: 1,
  name: 'shadow',
  checks: [{ id: 'health', action: PROBE, expect: 'output.ok' }],
  remediate: [{ id: 'reboot', action: REBOOT, with: { instanceIds: ['{{ steps.health.output.id }}'] } }],
  recheck: { after: '2m' },
  notify: {
    recovered: [{ id: 'tellRecovered', action: PAGE, with: { text: 'recovered' } }],
    unrecovered: [{ action: PAGE, with: { text: 'still down' } }],
  },
};

function setup(...oks: boolean[]) {
  const health = probe(...oks);
  const reboot = planning(createFakeAction(REBOOT, 'remediation'), (input) => ({
    summary: `reboot ${(input as { instanceIds: string[] }).instanceIds.join(', ')}`,
    changes: [{ resource: 'i-0fake', change: 'reboot' }],
  }));
  const page = createFakeAction(PAGE, 'notify');
  return { health, reboot, page, actions: [health.action, reboot.action, page.action] };
}

describe('shadow mode', () => {
  it('a failing probe plans the remediation and notification, running neither', async () => {
    const { health, reboot, page, actions } = setup(false);
    const { result } = await runVirtual(firstLine, { actions, mode: 'shadow' });

    // The probe really ran, in both rounds; the world did not change, so the run is unrecovered.
    expect(health.count).toBe(2);
    expect(result.outcome).toBe('unrecovered');
    expect(result.durationMs).toBe(120_000);
    // Nothing with a side effect ran.
    expect(reboot.fake.count).toBe(0);
    expect(page.count).toBe(0);
    // The remediation planned with the input rendered from the real probe output.
    expect(reboot.plans.map((p) => p.input)).toEqual([{ instanceIds: ['i-0fake'] }]);
    expect(reboot.plans[0]!.ctx).toMatchObject({ stepId: 'reboot', attempt: 1 });
    expect(eventsOf(result.trace, 'plan')).toEqual([
      expect.objectContaining({
        step: 'reboot',
        action: REBOOT,
        summary: 'would reboot i-0fake',
      }),
      expect.objectContaining({
        step: 'notify.unrecovered[0]',
        action: PAGE,
        summary: `would call ${PAGE}`,
      }),
    ]);
    expect(result.steps.reboot).toMatchObject({ outcome: 'pass', plan: 'would reboot i-0fake' });
    expect(result.steps['notify.unrecovered[0]']).toMatchObject({
      outcome: 'pass',
      plan: `would call ${PAGE}`,
    });
  });

  it('follows the real probe: failing then passing leads to recovered', async () => {
    const { health, reboot, page, actions } = setup(false, true);
    const { result } = await runVirtual(firstLine, { actions, mode: 'shadow' });
    expect(health.count).toBe(2);
    expect(result.outcome).toBe('recovered');
    expect(reboot.plans).toHaveLength(1);
    expect(reboot.fake.count + page.count).toBe(0);
    expect(eventsOf(result.trace, 'plan').map((e) => [e.step, e.summary])).toEqual([
      ['reboot', 'would reboot i-0fake'],
      ['tellRecovered', `would call ${PAGE}`],
    ]);
  });

  it('a passing probe is healthy and nothing is planned', async () => {
    const { health, reboot, page, actions } = setup(true);
    const { result } = await runVirtual(firstLine, { actions, mode: 'shadow' });
    expect(health.count).toBe(1);
    expect(result.outcome).toBe('healthy');
    expect(reboot.plans).toEqual([]);
    expect(reboot.fake.count + page.count).toBe(0);
    expect(eventsOf(result.trace, 'plan')).toEqual([]);
  });

  it('keeps a summary that already says "would", and records the planned changes', async () => {
    const health = probe(false);
    const reboot = planning(createFakeAction(REBOOT, 'remediation'), () => ({
      summary: 'would restart the fleet',
      changes: [{ resource: 'fleet', change: 'restart' }],
    }));
    const { result } = await runVirtual(
      { ...firstLine, notify: undefined },
      { actions: [health.action, reboot.action], mode: 'shadow' },
    );
    expect(eventsOf(result.trace, 'plan')[0]).toMatchObject({
      summary: 'would restart the fleet',
      changes: [{ resource: 'fleet', change: 'restart' }],
    });
    // The plan goes beside the output, never in it: a later step reading the output gets the action's.
    expect(result.steps.reboot).toMatchObject({
      plan: 'would restart the fleet',
      changes: [{ resource: 'fleet', change: 'restart' }],
    });
    expect(result.steps.reboot?.output).toBeUndefined();
  });

  it('a refused preflight errors the remediation: unrecovered, still nothing run', async () => {
    const health = probe(false);
    const reboot = planning(createFakeAction(REBOOT, 'remediation'), () => ({
      summary: 'reboot i-0fake',
      preflight: { ok: false, detail: 'ec2:RebootInstances denied' },
    }));
    const page = createFakeAction(PAGE, 'notify');
    const { result } = await runVirtual(firstLine, {
      actions: [health.action, reboot.action, page.action],
      mode: 'shadow',
    });
    expect(result.outcome).toBe('unrecovered');
    expect(result.steps.reboot?.outcome).toBe('error');
    expect(result.steps.reboot?.error).toContain('preflight refused: ec2:RebootInstances denied');
    expect(reboot.fake.count + page.count).toBe(0);
    expect(health.count).toBe(1);
  });

  it('plans general-form remediations too, writes no journal, and says shadow in the record', async () => {
    const health = probe(false);
    const restart = createFakeAction('test.target.restart', 'remediation');
    const store = createMemoryStore();
    const { result } = await runVirtual(
      {
        firstline: 1,
        name: 'shadow-general',
        steps: [
          { id: 'health', action: PROBE, expect: 'output.ok', on: { fail: 'restart' } },
          { id: 'done', end: 'healthy' },
          { id: 'restart', action: 'test.target.restart' },
        ],
      },
      { actions: [health.action, restart.action], mode: 'shadow', store },
    );
    expect(health.count).toBe(1);
    expect(restart.count).toBe(0);
    expect(eventsOf(result.trace, 'plan')).toEqual([
      expect.objectContaining({ step: 'restart', summary: 'would call test.target.restart' }),
    ]);
    expect(eventsOf(result.trace, 'run.start')[0]?.mode).toBe('shadow');
    const record = await store.load(result.runId);
    expect(record).toMatchObject({ mode: 'shadow', status: 'done', journal: [] });
  });
});
