// A check that could not run never remediates: the first-line run ends `inconclusive` and escalates,
// in round 0 and in a recheck, for listed and parallel checks, unless the check opts in with
// `onError: fail`. Live mode with counting fake actions on a virtual clock.
import { describe, expect, it } from 'vitest';
import { ActionError, createMemoryStore } from '@firstline/core';
import type { ActionKind } from '@firstline/core';
import { createFakeAction, eventsOf, HANG, runVirtual, sequence, yamlPlaybook } from './support.js';
import type { FakeAction, FakeBehaviour } from './support.js';

const OK = { ok: true };
const BAD = { ok: false };
/** The check itself could not be done: not a verdict on the target. */
const DENIED = new ActionError('test.metric.get', 'AccessDenied: not authorized to read metrics');

function cast(behaviours: Partial<Record<'url' | 'cpu' | 'reboot' | 'pager' | 'escalate', FakeBehaviour>>) {
  const make = (id: string, kind: ActionKind, key: keyof typeof behaviours) =>
    createFakeAction(id, kind, behaviours[key] ?? sequence(kind === 'probe' ? OK : {}));
  const fakes = {
    url: make('test.http.check', 'probe', 'url'),
    cpu: make('test.metric.get', 'probe', 'cpu'),
    reboot: make('test.ec2.reboot', 'remediation', 'reboot'),
    pager: make('test.pager.alert', 'notify', 'pager'),
    escalate: make('test.oncall.page', 'notify', 'escalate'),
  };
  return { ...fakes, actions: Object.values(fakes).map((f: FakeAction) => f.action) };
}

const check = (id: string, action: string, extra = '') =>
  `  - id: ${id}\n    action: ${action}\n    expect: output.ok\n    timeout: 30s\n${extra}`;
const TAIL = `remediate:
  - id: reboot
    action: test.ec2.reboot
recheck: { rounds: 1, after: 2m }
notify:
  unrecovered:
    - { id: paged, action: test.pager.alert, with: { text: unrecovered } }
  inconclusive:
    - id: escalated
      action: test.oncall.page
      with:
        text: "could not check {{ run.inconclusive.step }} ({{ run.inconclusive.error }}) in round {{ run.inconclusive.round }}; already done: {{ $count(run.inconclusive.remediations) = 0 ? 'nothing' : $join(run.inconclusive.remediations.step, ', ') }}"
        detail: "{{ run.inconclusive }}"
`;
const listed = (url = '', cpu = '', defaults = '') =>
  yamlPlaybook(
    `${defaults}checks:\n${check('url', 'test.http.check', url)}${check('cpu', 'test.metric.get', cpu)}${TAIL}`,
  );

describe('a listed check that could not run', () => {
  it('in round 0: inconclusive, nothing remediated, one escalation saying which check and why', async () => {
    const c = cast({ cpu: sequence(DENIED) });
    const store = createMemoryStore();
    const { result } = await runVirtual(listed(), { actions: c.actions, store });
    expect(result.outcome).toBe('inconclusive');
    expect([c.reboot.count, c.pager.count, c.escalate.count]).toEqual([0, 0, 1]);
    expect(result.steps.cpu).toMatchObject({ outcome: 'error' });
    expect(c.escalate.inputs[0]).toEqual({
      text: 'could not check cpu (test.metric.get: AccessDenied: not authorized to read metrics) in round 0; already done: nothing',
      detail: {
        step: 'cpu',
        action: 'test.metric.get',
        outcome: 'error',
        error: 'test.metric.get: AccessDenied: not authorized to read metrics',
        round: 0,
        remediations: [],
      },
    });
    expect(eventsOf(result.trace, 'decision').map((e) => e.message)).toContain(
      'check cpu could not run (error: test.metric.get: AccessDenied: not authorized to read metrics): inconclusive; nothing was remediated',
    );
    // It lives in the persisted context, so a resumed run's notifications still read it.
    const snapshot = JSON.stringify((await store.load(result.runId))?.snapshot);
    expect(snapshot).toContain('"inconclusive":{"step":"cpu"');
  });

  it('in a recheck after a reboot: inconclusive, one reboot, and the escalation says what was changed', async () => {
    // url fails in round 0, so cpu first runs in the recheck.
    const c = cast({ url: sequence(BAD, OK), cpu: sequence(DENIED) });
    const { result } = await runVirtual(listed(), { actions: c.actions });
    expect(result.outcome).toBe('inconclusive');
    expect([c.reboot.count, c.pager.count, c.escalate.count]).toEqual([1, 0, 1]);
    expect((c.escalate.inputs[0] as { text: string }).text).toBe(
      'could not check cpu (test.metric.get: AccessDenied: not authorized to read metrics) in round 1; already done: reboot',
    );
    expect((c.escalate.inputs[0] as { detail: unknown }).detail).toMatchObject({
      round: 1,
      remediations: [{ step: 'reboot', action: 'test.ec2.reboot' }],
    });
    expect(eventsOf(result.trace, 'decision').map((e) => e.message)).toContain(
      'check cpu could not run in recheck round 1 (error: test.metric.get: AccessDenied: not authorized to read metrics): inconclusive; already done: reboot',
    );
  });

  it('a check that hangs past its own timeout is inconclusive too, with outcome timeout', async () => {
    const c = cast({ url: sequence(HANG) });
    const { result } = await runVirtual(listed(), { actions: c.actions });
    expect(result.outcome).toBe('inconclusive');
    expect(c.reboot.count).toBe(0);
    expect(c.cpu.count).toBe(0);
    expect(result.durationMs).toBe(30_000);
    expect((c.escalate.inputs[0] as { detail: unknown }).detail).toMatchObject({
      step: 'url',
      outcome: 'timeout',
    });
  });

  it('a verdict still remediates: only fail leads to a reboot', async () => {
    const c = cast({ cpu: sequence(BAD) });
    const { result } = await runVirtual(listed(), { actions: c.actions });
    expect(result.outcome).toBe('unrecovered');
    expect([c.reboot.count, c.pager.count, c.escalate.count]).toEqual([1, 1, 0]);
  });

  it('onError: fail on the check opts it in: the error counts as failing and remediates', async () => {
    const c = cast({ cpu: sequence(DENIED, OK) });
    const { result } = await runVirtual(listed('', '    onError: fail\n'), { actions: c.actions });
    expect(result.outcome).toBe('recovered');
    expect([c.reboot.count, c.escalate.count]).toEqual([1, 0]);
  });

  it('defaults.onError: fail applies to every check; a check may say inconclusive again', async () => {
    const defaults = 'defaults: { onError: fail }\n';
    const acting = cast({ url: sequence(DENIED, OK) });
    const a = await runVirtual(listed('', '', defaults), { actions: acting.actions });
    expect(a.result.outcome).toBe('recovered');
    expect(acting.reboot.count).toBe(1);

    const keeping = cast({ cpu: sequence(DENIED) });
    const b = await runVirtual(listed('', '    onError: inconclusive\n', defaults), {
      actions: keeping.actions,
    });
    expect(b.result.outcome).toBe('inconclusive');
    expect(keeping.reboot.count).toBe(0);
  });
});

describe('a parallel group of checks with members that could not run', () => {
  function group(quorum: string, behaviours: FakeBehaviour[], member = '') {
    const fakes = behaviours.map((b, i) => createFakeAction(`test.check.m${i}`, 'probe', b));
    const reboot = createFakeAction('test.ec2.reboot', 'remediation');
    const escalate = createFakeAction('test.oncall.page', 'notify');
    const pager = createFakeAction('test.pager.alert', 'notify');
    const steps = fakes
      .map((_, i) => `    - id: m${i}\n      action: test.check.m${i}\n      expect: output.ok\n${member}`)
      .join('');
    const body = `checks:\n  parallel: true\n  quorum: ${quorum}\n  steps:\n${steps}${TAIL}`;
    const actions = [...fakes, reboot, escalate, pager].map((f) => f.action);
    return { playbook: yamlPlaybook(body), actions, reboot, escalate };
  }
  const denied = (i: number) => sequence(new ActionError(`test.check.m${i}`, 'AccessDenied'));

  it('quorum all, one member errors and the rest pass: the group is error, the run inconclusive', async () => {
    const g = group('all', [sequence(OK), denied(1), sequence(OK)]);
    const { result } = await runVirtual(g.playbook, { actions: g.actions });
    expect(result.outcome).toBe('inconclusive');
    expect(result.steps.checks).toMatchObject({
      outcome: 'error',
      error: '2 of 3 passed, 1 could not run (m1); quorum all needs 3',
    });
    expect([g.reboot.count, g.escalate.count]).toEqual([0, 1]);
    expect((g.escalate.inputs[0] as { detail: unknown }).detail).toMatchObject({
      step: 'm1',
      action: 'test.check.m1',
      group: { step: 'checks', couldNotRun: ['m1'] },
    });
  });

  it('quorum all, a fail verdict makes the quorum impossible: fail, whatever the errors', async () => {
    const g = group('all', [denied(0), sequence(BAD), sequence(OK)]);
    const { result } = await runVirtual(g.playbook, { actions: g.actions });
    expect(result.steps.checks?.outcome).toBe('fail');
    expect(g.reboot.count).toBe(1);
    expect(result.outcome).toBe('unrecovered');
  });

  it('quorum at least 2 of 3: one pass, one fail, one error is undecided: inconclusive', async () => {
    const g = group('{ atLeast: 2 }', [sequence(OK), sequence(BAD), denied(2)]);
    const { result } = await runVirtual(g.playbook, { actions: g.actions });
    expect(result.steps.checks?.outcome).toBe('error');
    expect(result.outcome).toBe('inconclusive');
    expect(g.reboot.count).toBe(0);
  });

  it('quorum at least 2 of 3: two fail verdicts make it impossible: fail', async () => {
    const g = group('{ atLeast: 2 }', [sequence(BAD), sequence(BAD), denied(2)]);
    const { result } = await runVirtual(g.playbook, { actions: g.actions });
    expect(result.steps.checks?.outcome).toBe('fail');
    expect(g.reboot.count).toBe(1);
  });

  it('quorum any: a pass decides even while another member errors', async () => {
    const g = group('any', [denied(0), sequence(OK)]);
    const { result } = await runVirtual(g.playbook, { actions: g.actions });
    expect(result.outcome).toBe('healthy');
  });

  it('members with onError: fail count their errors as failures', async () => {
    const g = group('all', [sequence(OK), denied(1), sequence(OK)], '      onError: fail\n');
    const { result } = await runVirtual(g.playbook, { actions: g.actions });
    expect(result.steps.checks?.outcome).toBe('fail');
    expect(g.reboot.count).toBe(1);
    expect(g.escalate.count).toBe(0);
  });
});
