// A run cancelled after its remediation changed something must still tell people: `notify.cancelled`
// when the playbook has it, else the `unrecovered` notifications. Simulations on a virtual clock: the
// cancel lands half-way through the 10-minute recheck wait, in virtual time. And a cancel that comes
// while a hand-back waits for a side effect in flight (SIGTERM, then Ctrl-C) wins over the hand-back.
import { describe, expect, it } from 'vitest';
import { createMemoryStore, createVirtualClock, runPlaybook, simulatePlaybook } from '@firstline/core';
import { createFakeAction, eventsOf, hang, yamlPlaybook } from './support.js';

const BASE = `checks:
  - id: url
    action: test.http.check
    expect: output.ok
remediate:
  - id: reboot
    action: test.ec2.reboot
recheck: { rounds: 1, after: 10m }
notify:
  recovered:
    - id: told
      action: test.chat.post
      with: { text: 'recovered' }
  unrecovered:
    - id: paged
      action: test.pager.alert
      with: { text: '{{ run.outcome }}: still down' }
`;
const CANCELLED = `  cancelled:
    - id: stopped
      action: test.chat.post
      with: { text: 'cancelled' }
`;

/** Simulates `body` with the check failing, cancelled `cancelAfterMs` of virtual time after the start. */
async function cancelledRun(body: string, cancelAfterMs: number) {
  const clock = createVirtualClock();
  const controller = new AbortController();
  if (cancelAfterMs === 0) controller.abort();
  else clock.setTimeout(() => controller.abort(), cancelAfterMs);
  const start = clock.now();
  const result = await simulatePlaybook(yamlPlaybook(body, 'cancel-notify'), {
    clock,
    signal: controller.signal,
    outcomes: { url: [{ ok: false }] },
  });
  return { result, elapsed: clock.now() - start };
}

const decisions = (trace: Parameters<typeof eventsOf>[0]) =>
  eventsOf(trace, 'decision').map((e) => e.message);

describe('a run cancelled after a remediation', () => {
  it('without notify.cancelled sends the unrecovered notifications, and the trace says why', async () => {
    const { result, elapsed } = await cancelledRun(BASE, 5 * 60_000);
    expect(elapsed).toBe(5 * 60_000);
    expect(result.outcome).toBe('cancelled');
    expect(result.calls('test.ec2.reboot')).toHaveLength(1);
    // The notification sees the real outcome: it may word itself for a cancel.
    expect(result.calls('test.pager.alert')).toEqual([{ text: 'cancelled: still down' }]);
    expect(result.calls('test.chat.post')).toEqual([]);
    expect(result.steps.paged?.outcome).toBe('pass');
    expect(decisions(result.trace)).toEqual([
      'a check failed: remediate (round 1 of 1)',
      'the run was cancelled: cancelled',
      'cancelled after a remediation, and there is no notify.cancelled: the unrecovered notifications go out',
    ]);
    // The wait it was in is recorded as cut short, so the notification can say where the run stopped.
    expect(result.steps.recheck).toMatchObject({
      outcome: 'error',
      error: 'interrupted: the run was cancelled',
    });
  });

  it('with notify.cancelled sends those, and not the unrecovered ones', async () => {
    const { result } = await cancelledRun(`${BASE}${CANCELLED}`, 5 * 60_000);
    expect(result.outcome).toBe('cancelled');
    expect(result.calls('test.chat.post')).toEqual([{ text: 'cancelled' }]);
    expect(result.calls('test.pager.alert')).toEqual([]);
    expect(decisions(result.trace).some((m) => m.includes('unrecovered notifications'))).toBe(false);
  });

  it('before any remediation ran, a cancel without notify.cancelled tells nobody (nothing was changed)', async () => {
    const { result } = await cancelledRun(BASE, 0);
    expect(result.outcome).toBe('cancelled');
    expect(result.calls('test.ec2.reboot')).toEqual([]);
    expect(result.calls('test.pager.alert')).toEqual([]);
    expect(decisions(result.trace)).toEqual(['the run was cancelled: cancelled']);
  });
});

describe('a cancel while a hand-back waits for a side effect in flight', () => {
  it('wins: the run ends cancelled and every cancelled notification goes out', async () => {
    const suspend = new AbortController();
    const cancel = new AbortController();
    const check = createFakeAction('test.http.check', 'probe', () => Promise.resolve({ ok: false }));
    // The host asks for the run back 1 s into the reboot (a SIGTERM), then cancels 1 s later (Ctrl-C).
    const reboot = createFakeAction('test.ec2.reboot', 'remediation', (_input, ctx) => {
      ctx.clock.setTimeout(() => suspend.abort(), 1_000);
      ctx.clock.setTimeout(() => cancel.abort(), 2_000);
      return hang(ctx.signal);
    });
    const chat = createFakeAction('test.chat.post', 'notify');
    const pager = createFakeAction('test.pager.alert', 'notify');
    const body = `${BASE}${CANCELLED}    - id: stopped-too\n      action: test.chat.post\n      with: { text: 'cancelled, twice' }\n`;
    const result = await runPlaybook(yamlPlaybook(body, 'cancel-in-grace'), {
      actions: [check.action, reboot.action, chat.action, pager.action],
      store: createMemoryStore(),
      clock: createVirtualClock(),
      suspend: suspend.signal,
      signal: cancel.signal,
    });
    expect(result.outcome).toBe('cancelled');
    expect(result.suspended).toBeUndefined();
    expect(reboot.contexts[0]!.signal.aborted).toBe(true);
    expect(chat.inputs).toEqual([{ text: 'cancelled' }, { text: 'cancelled, twice' }]);
    expect(eventsOf(result.trace, 'run.suspend')).toEqual([]);
  });
});
