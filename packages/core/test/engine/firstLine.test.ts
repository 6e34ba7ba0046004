// The first-line form end to end: checks, remediate, recheck rounds, quorum and notifications, in live
// mode with counting fake actions on a virtual clock (minutes of waits take no wall time).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ActionError, loadPlaybook, simulatePlaybook, VIRTUAL_CLOCK_START } from '@firstline/core';
import type { ActionKind } from '@firstline/core';
import { createFakeAction, delayed, eventsOf, HANG, runVirtual, sequence, yamlPlaybook } from './support.js';
import type { FakeAction, FakeBehaviour } from './support.js';

const OK = { ok: true };
const BAD = { ok: false };

/** The usual cast of a first-line playbook: two checks, a reboot, and a notifier per outcome. */
function cast(behaviours: Partial<Record<'url' | 'cpu' | 'reboot' | 'slack' | 'pager', FakeBehaviour>> = {}) {
  const make = (id: string, kind: ActionKind, key: keyof typeof behaviours) =>
    createFakeAction(id, kind, behaviours[key] ?? sequence(kind === 'probe' ? OK : {}));
  const fakes = {
    url: make('test.http.check', 'probe', 'url'),
    cpu: make('test.metric.get', 'probe', 'cpu'),
    reboot: make('test.ec2.reboot', 'remediation', 'reboot'),
    slack: make('test.chat.post', 'notify', 'slack'),
    pager: make('test.pager.alert', 'notify', 'pager'),
  };
  return { ...fakes, actions: Object.values(fakes).map((f: FakeAction) => f.action) };
}

const CHECKS = `checks:
  - id: url
    action: test.http.check
    with: { url: 'https://example.test' }
    expect: output.ok
  - id: cpu
    action: test.metric.get
    with: { metric: cpu }
    expect: output.ok
`;
const REMEDIATE = `remediate:
  - id: reboot
    action: test.ec2.reboot
    with: { instanceIds: [i-0abc12345] }
`;
const NOTIFY = `notify:
  healthy:
    - id: quiet
      action: test.chat.post
      with: { text: healthy }
  recovered:
    - id: told
      action: test.chat.post
      with: { text: recovered }
  unrecovered:
    - id: paged
      action: test.pager.alert
      with: { text: unrecovered }
`;

function playbook(recheck = 'recheck: { rounds: 1, after: 2m }\n', extra = ''): string {
  return `${CHECKS}${REMEDIATE}${recheck}${NOTIFY}${extra}`;
}

describe('first-line form: checks, remediate, recheck', () => {
  it('all checks passing at once is healthy: no remediation, notify.healthy runs', async () => {
    const c = cast();
    const { result } = await runVirtual(yamlPlaybook(playbook()), { actions: c.actions });
    expect(result.outcome).toBe('healthy');
    expect([c.url.count, c.cpu.count, c.reboot.count, c.slack.count, c.pager.count]).toEqual([1, 1, 0, 1, 0]);
    expect(c.slack.inputs).toEqual([{ text: 'healthy' }]);
    expect(result.steps.url?.outcome).toBe('pass');
    expect(result.steps.quiet?.outcome).toBe('pass');
    expect(result.steps.reboot).toBeUndefined();
    expect(result.durationMs).toBe(0);
    expect(eventsOf(result.trace, 'wait.start')).toHaveLength(0);
    expect(eventsOf(result.trace, 'decision').map((e) => e.message)).toContain(
      'every check passed at once: healthy',
    );
  });

  it('a check failing then passing recovers after one reboot and a 2-minute recheck', async () => {
    const c = cast({ url: sequence(BAD, OK) });
    const { result } = await runVirtual(yamlPlaybook(playbook()), { actions: c.actions });
    expect(result.outcome).toBe('recovered');
    expect(c.reboot.count).toBe(1);
    expect(c.reboot.inputs[0]).toEqual({ instanceIds: ['i-0abc12345'] });
    expect(c.slack.inputs).toEqual([{ text: 'recovered' }]);
    expect(c.pager.count).toBe(0);
    // cpu is not called in round 0 (url failed first), then once in round 1.
    expect(c.cpu.count).toBe(1);
    expect(result.durationMs).toBeGreaterThanOrEqual(120_000);
    expect(result.durationMs).toBe(120_000);
    expect(result.steps.url).toMatchObject({ outcome: 'pass', visits: 2 });
    const wait = eventsOf(result.trace, 'wait.start');
    expect(wait).toEqual([expect.objectContaining({ step: 'recheck', durationMs: 120_000 })]);
    expect(result.steps.told?.outcome).toBe('pass');
  });

  it.each([1, 3])('checks failing every round end unrecovered after %i round(s)', async (rounds) => {
    const c = cast({ url: sequence(BAD) });
    const { result } = await runVirtual(
      yamlPlaybook(playbook(`recheck: { rounds: ${rounds}, after: 2m }\n`)),
      {
        actions: c.actions,
      },
    );
    expect(result.outcome).toBe('unrecovered');
    expect(c.reboot.count).toBe(rounds);
    expect(c.url.count).toBe(rounds + 1);
    expect(result.steps.url).toMatchObject({
      outcome: 'fail',
      visits: rounds + 1,
      error: 'expected output.ok',
    });
    expect(eventsOf(result.trace, 'wait.start')).toHaveLength(rounds);
    expect(eventsOf(result.trace, 'wait.end')).toHaveLength(rounds);
    expect(result.durationMs).toBe(rounds * 120_000);
    // The first failing check ends each round: cpu is never reached.
    expect(c.cpu.count).toBe(0);
    expect(result.steps.cpu).toBeUndefined();
    expect(c.pager.inputs).toEqual([{ text: 'unrecovered' }]);
    expect(c.slack.count).toBe(0);
    expect(eventsOf(result.trace, 'decision').map((e) => e.message)).toContain(
      'checks still failing after the last round: unrecovered',
    );
  });

  it('the first failing check stops its round: later checks are not called that round', async () => {
    const c = cast({ url: sequence(OK), cpu: sequence(BAD, OK) });
    const body = `${CHECKS}  - id: last
    action: test.http.check
    with: { url: 'https://last.example.test' }
${REMEDIATE}recheck: { rounds: 1, after: 1m }\n${NOTIFY}`;
    const { result } = await runVirtual(yamlPlaybook(body), { actions: c.actions });
    expect(result.outcome).toBe('recovered');
    // url is test.http.check, and so is `last`: round 0 calls url only (cpu fails), round 1 both.
    expect(c.url.inputs).toEqual([
      { url: 'https://example.test' },
      { url: 'https://example.test' },
      { url: 'https://last.example.test' },
    ]);
    expect(c.cpu.count).toBe(2);
    expect(result.steps.last).toMatchObject({ outcome: 'pass', visits: 1 });
    const starts = eventsOf(result.trace, 'step.start').map((e) => e.step);
    expect(starts).toEqual(['url', 'cpu', 'reboot', 'recheck', 'url', 'cpu', 'last', 'told']);
  });

  it('a check whose target refuses the connection (a verdict) counts as failing', async () => {
    const refused = new ActionError('test.http.check', 'connection refused', undefined, { verdict: true });
    const c = cast({ url: sequence(refused, OK) });
    const { result } = await runVirtual(yamlPlaybook(playbook()), { actions: c.actions });
    expect(result.outcome).toBe('recovered');
    expect(c.reboot.count).toBe(1);
    const first = eventsOf(result.trace, 'step.end').find((e) => e.step === 'url');
    expect(first).toMatchObject({ outcome: 'fail', error: 'test.http.check: connection refused' });
  });

  it('with onError: fail, a check that hangs times out after its timeout and counts as failing', async () => {
    const c = cast({ cpu: sequence(HANG) });
    const body = playbook().replace('with: { metric: cpu }', 'with: { metric: cpu }\n    onError: fail');
    const { result } = await runVirtual(yamlPlaybook(body, 'hanging'), { actions: c.actions });
    expect(result.outcome).toBe('unrecovered');
    expect(result.steps.cpu).toMatchObject({ outcome: 'timeout', error: 'no answer within 1m' });
    expect(result.steps.cpu!.endedAt - result.steps.cpu!.startedAt).toBe(60_000);
    // Two rounds, each waiting out the 60s default step timeout, plus the 2m recheck.
    expect(result.durationMs).toBe(60_000 + 120_000 + 60_000);
    // The hanging call's signal aborts when its timeout fires, in each round.
    expect(c.cpu.abortedAt).toEqual([VIRTUAL_CLOCK_START + 60_000, VIRTUAL_CLOCK_START + 240_000]);
  });

  it.each([
    ['fails its expect', sequence(BAD)],
    ['throws', sequence(new ActionError('test.ec2.reboot', 'access denied'))],
    ['hangs', sequence(HANG)],
  ])('a remediation that %s ends unrecovered without a recheck', async (_how, reboot) => {
    const c = cast({ url: sequence(BAD), reboot });
    const body = playbook().replace(
      'with: { instanceIds: [i-0abc12345] }',
      'with: { instanceIds: [i-0abc12345] }\n    expect: output.ok != false\n    timeout: 30s',
    );
    const { result } = await runVirtual(yamlPlaybook(body), { actions: c.actions });
    expect(result.outcome).toBe('unrecovered');
    expect(c.reboot.count).toBe(1);
    expect(c.url.count).toBe(1);
    expect(['fail', 'error', 'timeout']).toContain(result.steps.reboot?.outcome);
    expect(eventsOf(result.trace, 'wait.start')).toHaveLength(0);
    expect(c.pager.count).toBe(1);
  });

  it('a check skipped by `when` counts as a pass', async () => {
    const c = cast({ cpu: sequence(BAD) });
    const body = playbook().replace(
      'with: { metric: cpu }',
      "with: { metric: cpu }\n    when: inputs.env = 'prod'",
    );
    const inputs = `inputs:\n  env: { type: string, default: staging }\n`;
    const { result } = await runVirtual(yamlPlaybook(inputs + body), { actions: c.actions });
    expect(result.outcome).toBe('healthy');
    expect(c.cpu.count).toBe(0);
    expect(result.steps.cpu).toMatchObject({ outcome: 'skipped', attempts: 0 });
    expect(result.steps.cpu?.error).toContain('when');
  });

  it('a failing check with nothing to remediate is unrecovered at once', async () => {
    const c = cast({ url: sequence(BAD) });
    const { result } = await runVirtual(yamlPlaybook(`${CHECKS}${NOTIFY}`), { actions: c.actions });
    expect(result.outcome).toBe('unrecovered');
    expect(c.reboot.count).toBe(0);
    expect(c.pager.count).toBe(1);
    expect(result.durationMs).toBe(0);
    expect(eventsOf(result.trace, 'decision').map((e) => e.message)).toContain(
      'a check failed and nothing remediates it: unrecovered',
    );
  });
});

describe('first-line form: notifications', () => {
  it('a failing notification is recorded but changes neither the outcome nor the next ones', async () => {
    const c = cast({ slack: sequence(new Error('chat is down')) });
    const body = playbook().replace(
      'with: { text: healthy }',
      'with: { text: healthy }\n    - action: test.pager.alert\n      with: { text: also }',
    );
    const { result } = await runVirtual(yamlPlaybook(body), { actions: c.actions });
    expect(result.outcome).toBe('healthy');
    expect(result.steps.quiet).toMatchObject({ outcome: 'error', error: 'chat is down' });
    // A notification without an id is reported as notify.<outcome>[i].
    expect(result.steps['notify.healthy[1]']).toMatchObject({ outcome: 'pass', action: 'test.pager.alert' });
    expect(c.pager.inputs).toEqual([{ text: 'also' }]);
    expect(eventsOf(result.trace, 'run.end')).toEqual([expect.objectContaining({ outcome: 'healthy' })]);
  });

  it('a notification whose `when` is false is skipped', async () => {
    const c = cast();
    const body = playbook().replace(
      'with: { text: healthy }',
      'with: { text: healthy }\n      when: inputs.loud\n    - id: second\n      action: test.chat.post\n      with: { text: second }',
    );
    const inputs = `inputs:\n  loud: { type: boolean, default: false }\n`;
    const { result } = await runVirtual(yamlPlaybook(inputs + body), { actions: c.actions });
    expect(result.outcome).toBe('healthy');
    expect(result.steps.quiet?.outcome).toBe('skipped');
    expect(c.slack.inputs).toEqual([{ text: 'second' }]);
    const loud = await runVirtual(yamlPlaybook(inputs + body), { actions: c.actions, input: { loud: true } });
    expect(loud.result.steps.quiet?.outcome).toBe('pass');
    expect(c.slack.inputs).toEqual([{ text: 'second' }, { text: 'healthy' }, { text: 'second' }]);
  });

  it('notification templates see run.outcome and the steps', async () => {
    const c = cast({ url: sequence(BAD, OK) });
    const body = playbook().replace(
      'with: { text: recovered }',
      "with: { text: '{{ run.outcome }}: url {{ steps.url.outcome }} after {{ steps.url.visits }} visits, reboot {{ steps.reboot.outcome }}' }",
    );
    const { result } = await runVirtual(yamlPlaybook(body), { actions: c.actions });
    expect(result.outcome).toBe('recovered');
    expect(c.slack.inputs).toEqual([{ text: 'recovered: url pass after 2 visits, reboot pass' }]);
  });
});

describe('first-line form: parallel checks and quorum', () => {
  /** Three checks at once, each answering after its own virtual delay. */
  function parallel(
    quorum: string,
    a: FakeBehaviour,
    b: FakeBehaviour,
    c3: FakeBehaviour,
    settle?: 'all' | 'decide',
  ) {
    const fakes = {
      a: createFakeAction('test.check.a', 'probe', a),
      b: createFakeAction('test.check.b', 'probe', b),
      c: createFakeAction('test.check.c', 'probe', c3),
      reboot: createFakeAction('test.ec2.reboot', 'remediation'),
    };
    const step = (id: string) => `    - id: ${id}\n      action: test.check.${id}\n      expect: output.ok\n`;
    const settleLine = settle ? `  settle: ${settle}\n` : '';
    const body = `checks:\n  parallel: true\n  quorum: ${quorum}\n${settleLine}  steps:\n${step('a')}${step('b')}${step('c')}`;
    return { fakes, playbook: yamlPlaybook(body), actions: Object.values(fakes).map((f) => f.action) };
  }

  it('quorum all: every check passing is healthy, and the group takes as long as the slowest', async () => {
    const p = parallel(
      'all',
      sequence(delayed(1000, OK)),
      sequence(delayed(3000, OK)),
      sequence(delayed(2000, OK)),
    );
    const { result } = await runVirtual(p.playbook, { actions: p.actions });
    expect(result.outcome).toBe('healthy');
    expect(result.steps.checks).toMatchObject({ outcome: 'pass' });
    expect(result.steps.checks!.endedAt - result.steps.checks!.startedAt).toBe(3000);
    expect([result.steps.a?.outcome, result.steps.b?.outcome, result.steps.c?.outcome]).toEqual([
      'pass',
      'pass',
      'pass',
    ]);
  });

  it('settle: decide, quorum all: the first failure decides at its time and aborts the checks still running', async () => {
    const p = parallel(
      'all',
      sequence(delayed(1000, OK)),
      sequence(delayed(2000, BAD)),
      sequence(delayed(60_000, OK)),
      'decide',
    );
    const { result } = await runVirtual(p.playbook, { actions: p.actions });
    expect(result.outcome).toBe('unrecovered');
    expect(result.steps.checks).toMatchObject({
      outcome: 'fail',
      error: '1 of 3 passed; quorum all needs 3',
    });
    expect(result.steps.checks!.endedAt - result.steps.checks!.startedAt).toBe(2000);
    expect(result.steps.c?.outcome).toBe('skipped');
    // Cut short when the group was decided, not when it would have answered (at 60s).
    expect(p.fakes.c.abortedAt).toEqual([VIRTUAL_CLOCK_START + 2000]);
    expect(result.durationMs).toBe(2000);
    const end = eventsOf(result.trace, 'step.end').find((e) => e.step === 'checks');
    expect(end?.durationMs).toBe(2000);
  });

  it('settle: decide, quorum any: the first pass decides, the slow check is aborted and recorded skipped', async () => {
    const p = parallel(
      'any',
      sequence(delayed(5000, BAD)),
      sequence(delayed(1500, OK)),
      sequence(delayed(600_000, OK)),
      'decide',
    );
    const { result } = await runVirtual(p.playbook, { actions: p.actions });
    expect(result.outcome).toBe('healthy');
    expect(result.steps.checks!.endedAt - result.steps.checks!.startedAt).toBe(1500);
    expect(result.durationMs).toBe(1500);
    expect(p.fakes.a.abortedAt).toEqual([VIRTUAL_CLOCK_START + 1500]);
    expect(p.fakes.c.abortedAt).toEqual([VIRTUAL_CLOCK_START + 1500]);
    expect(result.steps.a?.outcome).toBe('skipped');
    expect(result.steps.b?.outcome).toBe('pass');
    expect(result.steps.c?.outcome).toBe('skipped');
  });

  it('settle: all (the default for checks): the first failure decides, the others finish for the record', async () => {
    const p = parallel(
      'all',
      sequence(delayed(1000, OK)),
      sequence(delayed(2000, BAD)),
      sequence(delayed(30_000, OK)),
    );
    const { result } = await runVirtual(p.playbook, { actions: p.actions });
    expect(result.outcome).toBe('unrecovered');
    expect(result.steps.checks).toMatchObject({ outcome: 'fail' });
    // Nobody was stopped: the record says the slow check was fine before anything was done.
    expect(p.fakes.c.abortedAt).toEqual([undefined]);
    expect(result.steps.c?.outcome).toBe('pass');
    expect(result.steps.checks!.endedAt - result.steps.checks!.startedAt).toBe(30_000);
    const decision = eventsOf(result.trace, 'decision').find((e) => e.step === 'checks');
    expect(decision?.message).toBe('checks: quorum settled (fail); the other checks finish for the record');
    expect(decision!.at - VIRTUAL_CLOCK_START).toBe(2000);
  });

  it('settle: all: a late failure does not change a decided pass, and a slow check is bounded by its timeout', async () => {
    const p = parallel(
      'any',
      sequence(delayed(1000, OK)),
      sequence(delayed(3000, BAD)),
      sequence(delayed(600_000, OK)),
    );
    const { result } = await runVirtual(p.playbook, { actions: p.actions });
    expect(result.outcome).toBe('healthy');
    expect(result.steps.b?.outcome).toBe('fail');
    expect(result.steps.c?.outcome).toBe('timeout');
    // The default step timeout (60s) ends the slow check; the group waited for it, no longer.
    expect(result.steps.checks!.endedAt - result.steps.checks!.startedAt).toBe(60_000);
  });

  it('quorum any: all failing is a failed group', async () => {
    const p = parallel(
      'any',
      sequence(delayed(10, BAD)),
      sequence(delayed(20, BAD)),
      sequence(delayed(30, BAD)),
    );
    const { result } = await runVirtual(p.playbook, { actions: p.actions });
    expect(result.outcome).toBe('unrecovered');
    expect(result.steps.checks).toMatchObject({
      outcome: 'fail',
      error: '0 of 3 passed; quorum any needs 1',
    });
    expect(result.steps.checks!.endedAt - result.steps.checks!.startedAt).toBe(30);
  });

  it('settle: decide, quorum atLeast 2: decided when the second check passes', async () => {
    const p = parallel(
      '{ atLeast: 2 }',
      sequence(delayed(1000, OK)),
      sequence(delayed(4000, OK)),
      sequence(delayed(9000, OK)),
      'decide',
    );
    const { result } = await runVirtual(p.playbook, { actions: p.actions });
    expect(result.outcome).toBe('healthy');
    expect(result.steps.checks!.endedAt - result.steps.checks!.startedAt).toBe(4000);
    expect(p.fakes.c.abortedAt).toEqual([VIRTUAL_CLOCK_START + 4000]);
    expect(result.steps.c?.outcome).toBe('skipped');
  });

  it('settle: decide, quorum atLeast 2: decided failing once two of three have failed', async () => {
    const p = parallel(
      '{ atLeast: 2 }',
      sequence(delayed(1000, BAD)),
      sequence(delayed(9000, OK)),
      sequence(delayed(2000, BAD)),
      'decide',
    );
    const { result } = await runVirtual(p.playbook, { actions: p.actions });
    expect(result.outcome).toBe('unrecovered');
    expect(result.steps.checks).toMatchObject({
      outcome: 'fail',
      error: '0 of 3 passed; quorum at least 2 needs 2',
    });
    expect(result.steps.checks!.endedAt - result.steps.checks!.startedAt).toBe(2000);
    expect(result.steps.b?.outcome).toBe('skipped');
    expect(p.fakes.b.abortedAt).toEqual([VIRTUAL_CLOCK_START + 2000]);
  });

  it('a parallel group that fails is remediated and rechecked like a sequential one', async () => {
    const p = parallel('all', sequence(OK), sequence(BAD, OK), sequence(OK));
    const body = `checks:\n  parallel: true\n  steps:\n${['a', 'b', 'c']
      .map((id) => `    - id: ${id}\n      action: test.check.${id}\n      expect: output.ok\n`)
      .join('')}${REMEDIATE}recheck: { after: 5m }\n`;
    const { result } = await runVirtual(yamlPlaybook(body), { actions: p.actions });
    expect(result.outcome).toBe('recovered');
    expect(p.fakes.reboot.count).toBe(1);
    expect(p.fakes.b.count).toBe(2);
    expect(result.steps.checks?.visits).toBe(2);
    expect(result.durationMs).toBe(300_000);
  });
});

describe('the first-line example playbook, examples/playbooks/ec2-first-line.yaml', () => {
  const file = fileURLToPath(new URL('../../../../examples/playbooks/ec2-first-line.yaml', import.meta.url));
  const input = { instanceId: 'i-0abc12345', url: 'https://shop.example.test/health', healthCheckId: 'hc-1' };

  it('url failing once then passing: recovered after one reboot of the input instance and one Slack post', async () => {
    const result = await simulatePlaybook(await loadPlaybook(file), {
      input,
      outcomes: { url: ['fail', 'pass'] },
    });
    expect(result.outcome).toBe('recovered');
    const counts = Object.fromEntries(
      ['aws.ec2.reboot', 'slack.post', 'opsgenie.createAlert'].map((id) => [id, result.calls(id).length]),
    );
    expect(counts).toEqual({ 'aws.ec2.reboot': 1, 'slack.post': 1, 'opsgenie.createAlert': 0 });
    expect(result.calls('aws.ec2.reboot')).toEqual([{ instanceIds: ['i-0abc12345'] }]);
    expect(result.calls('slack.post')).toEqual([
      // Simulation stands in `<secret name>` for each secret; it is not a secret, so it is not redacted.
      {
        token: '<secret slackToken>',
        channel: '#ops',
        text: 'ec2-first-line: i-0abc12345 recovered after reboot',
      },
    ]);
    expect(result.calls('http.check')).toHaveLength(2);
    expect(result.durationMs).toBe(120_000);
    expect(result.steps.url).toMatchObject({ outcome: 'pass', visits: 2 });
  });
});
