// The general form end to end: transitions, `end:`, falling off the end, maxVisits loops, waits, polls and
// parallel steps, live with counting fakes on a virtual clock, or simulated with scripted outcomes.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPlaybook, simulatePlaybook, VIRTUAL_CLOCK_START } from '@firstline/core';
import type { ActionDefinition, ActionKind } from '@firstline/core';
import { createFakeAction, delayed, eventsOf, HANG, runVirtual, sequence, yamlPlaybook } from './support.js';
import type { FakeAction, FakeBehaviour } from './support.js';

const OK = { ok: true };
const BAD = { ok: false };

/** Fake actions by id suffix: `test.step.<name>`, probes unless listed as remediations. */
function fakes<K extends string>(
  behaviours: Record<K, FakeBehaviour>,
  kinds: Partial<Record<K, ActionKind>> = {},
): Record<K, FakeAction> & { actions: ActionDefinition[] } {
  const made = {} as Record<K, FakeAction>;
  for (const name of Object.keys(behaviours) as K[])
    made[name] = createFakeAction(`test.step.${name}`, kinds[name] ?? 'probe', behaviours[name]);
  return { ...made, actions: Object.values<FakeAction>(made).map((f) => f.action) };
}

const step = (id: string, extra = '') =>
  `  - id: ${id}\n    action: test.step.${id}\n    expect: output.ok\n${extra ? `${extra}\n` : ''}`;

describe('general form: transitions', () => {
  it('passing steps go to the next one in the list and falling off the end is healthy', async () => {
    const f = fakes({ a: sequence(OK), b: sequence(OK), c: sequence(OK) });
    const { result } = await runVirtual(yamlPlaybook(`steps:\n${step('a')}${step('b')}${step('c')}`), {
      actions: f.actions,
    });
    expect(result.outcome).toBe('healthy');
    expect(eventsOf(result.trace, 'step.start').map((e) => e.step)).toEqual(['a', 'b', 'c']);
    expect([f.a.count, f.b.count, f.c.count]).toEqual([1, 1, 1]);
    expect(eventsOf(result.trace, 'decision').map((e) => e.message)).toEqual([
      'the last step passed: healthy',
    ]);
  });

  it('`on.pass`, `on.fail` and `next:` jump over steps', async () => {
    const body = `steps:\n${step('a', '    on: { pass: c, fail: b }')}${step('b', '    next: d')}${step('c')}${step('d')}`;
    const passing = fakes({ a: sequence(OK), b: sequence(OK), c: sequence(OK), d: sequence(OK) });
    const { result } = await runVirtual(yamlPlaybook(body), { actions: passing.actions });
    expect(result.outcome).toBe('healthy');
    expect(eventsOf(result.trace, 'step.start').map((e) => e.step)).toEqual(['a', 'c', 'd']);
    expect(passing.b.count).toBe(0);
    expect(result.steps.b).toBeUndefined();

    const failing = fakes({ a: sequence(BAD), b: sequence(OK), c: sequence(OK), d: sequence(OK) });
    const other = await runVirtual(yamlPlaybook(body), { actions: failing.actions });
    expect(other.result.outcome).toBe('healthy');
    expect(eventsOf(other.result.trace, 'step.start').map((e) => e.step)).toEqual(['a', 'b', 'd']);
    expect(failing.c.count).toBe(0);
  });

  const routed = `steps:
${step('a', '    on: { fail: on-fail, error: on-error, timeout: on-timeout }\n    timeout: 10s')}  - id: tail
    end: fell_through
  - id: on-fail
    end: was_fail
  - id: on-error
    end: was_error
  - id: on-timeout
    end: was_timeout
`;

  it.each([
    ['fail', sequence(BAD), 'was_fail'],
    ['error', sequence(new Error('boom')), 'was_error'],
    ['timeout', sequence(HANG), 'was_timeout'],
  ])(
    'a step ending %s follows its `on:` handler to an `end:` with a custom outcome',
    async (outcome, b, end) => {
      const f = fakes({ a: b });
      const { result } = await runVirtual(yamlPlaybook(routed), { actions: f.actions });
      expect(result.outcome).toBe(end);
      expect(result.steps.a?.outcome).toBe(outcome);
      expect(f.a.count).toBe(1);
      expect(eventsOf(result.trace, 'run.end')).toEqual([expect.objectContaining({ outcome: end })]);
      expect(result.durationMs).toBe(outcome === 'timeout' ? 10_000 : 0);
    },
  );

  it('passing goes to the next step: here an `end:` step', async () => {
    const f = fakes({ a: sequence(OK) });
    const { result } = await runVirtual(yamlPlaybook(routed), { actions: f.actions });
    expect(result.outcome).toBe('fell_through');
  });

  const partial = `steps:\n${step('a', '    on: { error: handled }\n    timeout: 5s')}  - id: handled\n    end: handled\n`;

  it.each([
    ['fail', sequence(BAD)],
    ['timeout', sequence(HANG)],
  ])(
    'a step ending %s with no handler for it fails the run (timeout does not fall back to error)',
    async (outcome, b) => {
      const f = fakes({ a: b });
      const { result } = await runVirtual(yamlPlaybook(partial), { actions: f.actions });
      expect(result.outcome).toBe('failed');
      expect(result.steps.a?.outcome).toBe(outcome);
    },
  );

  it('the handled outcome of the same step follows its handler', async () => {
    const f = fakes({ a: sequence(new Error('boom')) });
    const { result } = await runVirtual(yamlPlaybook(partial), { actions: f.actions });
    expect(result.outcome).toBe('handled');
  });

  it('falling off the end after a remediation passed is recovered', async () => {
    const f = fakes(
      { probe: sequence(BAD), fix: sequence({}), verify: sequence(OK) },
      { fix: 'remediation' },
    );
    const body = `steps:
${step('probe', '    on: { fail: fix, pass: done }')}  - id: done
    end: healthy
  - id: fix
    action: test.step.fix
    when: inputs.allowed
${step('verify')}inputs:
  allowed: { type: boolean, default: true }
`;
    const { result } = await runVirtual(yamlPlaybook(body), { actions: f.actions });
    expect(result.outcome).toBe('recovered');
    expect(f.fix.count).toBe(1);
    expect(eventsOf(result.trace, 'decision').map((e) => e.message)).toContain(
      'the last step passed after a remediation: recovered',
    );
    // A remediation skipped by `when` did not remediate anything: the same path is healthy.
    const skipped = await runVirtual(yamlPlaybook(body), { actions: f.actions, input: { allowed: false } });
    expect(skipped.result.steps.fix?.outcome).toBe('skipped');
    expect(skipped.result.outcome).toBe('healthy');
    expect(f.fix.count).toBe(1);
  });

  it('a parallel step routes a failed quorum through on.fail', async () => {
    const f = fakes({
      x: sequence(delayed(1000, OK)),
      y: sequence(delayed(2000, BAD)),
      z: sequence(delayed(30_000, OK)),
      fix: sequence({}),
    });
    const inner = (id: string) =>
      `      - id: ${id}\n        action: test.step.${id}\n        expect: output.ok\n`;
    const body = `steps:
  - id: group
    parallel: true
    quorum: all
    steps:
${inner('x')}${inner('y')}${inner('z')}    on: { fail: fix }
  - id: ok
    end: all_good
  - id: fix
    action: test.step.fix
`;
    const { result } = await runVirtual(yamlPlaybook(body), { actions: f.actions });
    expect(result.outcome).toBe('healthy');
    expect(eventsOf(result.trace, 'step.start').map((e) => e.step)).toEqual(['group', 'x', 'y', 'z', 'fix']);
    expect(result.steps.group).toMatchObject({ outcome: 'fail', error: '1 of 3 passed; quorum all needs 3' });
    expect(result.steps.group!.endedAt - result.steps.group!.startedAt).toBe(2000);
    expect(result.steps.z?.outcome).toBe('skipped');
    expect(f.z.abortedAt).toEqual([VIRTUAL_CLOCK_START + 2000]);
    expect(f.fix.count).toBe(1);

    const passing = fakes({ x: sequence(OK), y: sequence(OK), z: sequence(OK), fix: sequence({}) });
    const again = await runVirtual(yamlPlaybook(body), { actions: passing.actions });
    expect(again.result.outcome).toBe('all_good');
    expect(passing.fix.count).toBe(0);
  });
});

describe('general form: loops and maxVisits', () => {
  it('a goto loop runs its body once more than the goto’s maxVisits, then falls through', async () => {
    const f = fakes({ probe: sequence(BAD), after: sequence(OK) });
    const body = `steps:
${step('probe', '    on: { fail: again }')}  - id: again
    goto: probe
    maxVisits: 3
${step('after')}`;
    const { result } = await runVirtual(yamlPlaybook(body), { actions: f.actions });
    expect(result.outcome).toBe('healthy');
    expect(f.probe.count).toBe(4);
    expect(f.after.count).toBe(1);
    expect(result.steps.probe).toMatchObject({ outcome: 'fail', visits: 4 });
    expect(result.steps.again).toMatchObject({ outcome: 'skipped', visits: 3 });
    expect(result.steps.again?.error).toContain('maxVisits 3');
    const skips = eventsOf(result.trace, 'decision').filter((e) => e.message.includes('maxVisits'));
    expect(skips).toEqual([expect.objectContaining({ step: 'again' })]);
  });

  it('an action step past its maxVisits is skipped and the run goes on with the step after it', async () => {
    const f = fakes({ a: sequence(OK), after: sequence(OK) });
    const body = `steps:
${step('a', '    maxVisits: 2')}  - id: back
    goto: a
    maxVisits: 5
${step('after')}`;
    const { result } = await runVirtual(yamlPlaybook(body), { actions: f.actions });
    expect(result.outcome).toBe('healthy');
    // a runs twice; each later arrival at a is skipped onto `back` until back itself is used up.
    expect(f.a.count).toBe(2);
    expect(f.after.count).toBe(1);
    expect(result.steps.a).toMatchObject({ outcome: 'skipped', visits: 2 });
    expect(result.steps.back).toMatchObject({ outcome: 'skipped', visits: 5 });
    const skipped = eventsOf(result.trace, 'decision')
      .filter((e) => e.message.includes('maxVisits'))
      .map((e) => e.step);
    expect(skipped).toEqual(['a', 'a', 'a', 'a', 'back']);
  });

  it('network-latency-rescue with the alarm always on: three rescues, then reopen and unrecovered', async () => {
    const file = fileURLToPath(
      new URL('../../../../examples/playbooks/network-latency-rescue.yaml', import.meta.url),
    );
    const result = await simulatePlaybook(await loadPlaybook(file), {
      input: { instanceId: 'i-0abc12345' },
      outcomes: { latency: { state: 'ALARM' }, 'open-issue': { number: 42 } },
    });
    expect(result.outcome).toBe('unrecovered');
    // recheck (maxVisits 2) jumps back twice, so the loop body runs three times.
    expect(result.calls('aws.cloudwatch.alarmState')).toHaveLength(3);
    expect(result.calls('github.createIssue')).toHaveLength(3);
    expect(result.calls('aws.ssm.startAutomation')).toHaveLength(3);
    expect(result.calls('aws.ssm.startAutomation')[0]).toEqual({
      document: 'AWSSupport-StartEC2RescueWorkflow',
      parameters: { InstanceId: ['i-0abc12345'] },
    });
    expect(result.calls('github.reopenIssue')).toEqual([
      expect.objectContaining({ repo: 'acme/ops', number: 42 }),
    ]);
    expect(result.steps.latency).toMatchObject({ outcome: 'pass', visits: 3 });
    expect(result.steps.settle).toMatchObject({ outcome: 'pass', visits: 3 });
    expect(result.steps.recheck).toMatchObject({ outcome: 'skipped', visits: 2 });
    expect(result.steps.reopen).toMatchObject({ outcome: 'pass', visits: 1 });
    expect(eventsOf(result.trace, 'wait.start')).toHaveLength(3);
    expect(result.durationMs).toBe(3 * 120_000);
    expect(eventsOf(result.trace, 'step.start').map((e) => e.step)).toEqual([
      ...Array<string[]>(3).fill(['latency', 'open-issue', 'rescue', 'settle']).flat(),
      'reopen',
    ]);
    expect(eventsOf(result.trace, 'wait.end').map((e) => e.step)).toEqual(['settle', 'settle', 'settle']);
  });

  it('network-latency-rescue with the alarm cleared at once ends recovered via `done`', async () => {
    const file = fileURLToPath(
      new URL('../../../../examples/playbooks/network-latency-rescue.yaml', import.meta.url),
    );
    const result = await simulatePlaybook(await loadPlaybook(file), {
      input: { instanceId: 'i-0abc12345' },
      outcomes: { latency: { state: 'OK' } },
    });
    expect(result.outcome).toBe('recovered');
    expect(result.calls('aws.ssm.startAutomation')).toHaveLength(0);
    expect(result.steps.latency).toMatchObject({ outcome: 'fail', error: "expected output.state = 'ALARM'" });
  });
});

describe('general form: waits and polls', () => {
  it('a fixed wait advances virtual time by exactly its duration', async () => {
    const f = fakes({ a: sequence(OK), b: sequence(OK) });
    const body = `steps:\n${step('a')}  - id: pause\n    wait: 7m30s\n${step('b')}`;
    const { result, clock } = await runVirtual(yamlPlaybook(body), { actions: f.actions });
    expect(result.outcome).toBe('healthy');
    expect(result.durationMs).toBe(450_000);
    expect(clock.now()).toBe(VIRTUAL_CLOCK_START + 450_000);
    expect(result.steps.b!.startedAt - result.steps.a!.endedAt).toBe(450_000);
    expect(result.steps.pause).toMatchObject({ outcome: 'pass', startedAt: VIRTUAL_CLOCK_START });
    expect(eventsOf(result.trace, 'wait.start')).toEqual([
      expect.objectContaining({ step: 'pause', durationMs: 450_000, until: VIRTUAL_CLOCK_START + 450_000 }),
    ]);
    expect(f.b.contexts[0]?.clock.now()).toBe(VIRTUAL_CLOCK_START + 450_000);
  });

  // Regression: the first step's input is made before the run's services are bound; its deadline
  // was once computed from time 0, so a leading wait ended at once and a leading poll after one poll.
  it('a wait as the very first step waits its full duration', async () => {
    const f = fakes({ b: sequence(OK) });
    const body = `steps:\n  - id: pause\n    wait: 10m\n${step('b')}`;
    const { result } = await runVirtual(yamlPlaybook(body), { actions: f.actions });
    expect(result.durationMs).toBe(600_000);
    expect(f.b.contexts[0]?.clock.now()).toBe(VIRTUAL_CLOCK_START + 600_000);
    expect(eventsOf(result.trace, 'wait.start')).toEqual([
      expect.objectContaining({ step: 'pause', durationMs: 600_000, until: VIRTUAL_CLOCK_START + 600_000 }),
    ]);
  });

  it('wait until as the very first step polls until its own deadline', async () => {
    const body = `steps:
  - id: settle
    wait: { until: output.value < 90, step: cpu, every: 10s, timeout: 1m }
    on: { timeout: hot }
  - id: done
    end: healthy
  - id: hot
    end: still_hot
  - id: cpu
    action: test.metric.get
`;
    const result = await simulatePlaybook(yamlPlaybook(body), { outcomes: { cpu: { value: 99 } } });
    expect(result.outcome).toBe('still_hot');
    expect(result.steps.settle).toMatchObject({ outcome: 'timeout', attempts: 7 });
    expect(result.calls('test.metric.get')).toHaveLength(7);
    expect(result.durationMs).toBe(60_000);
  });

  const polling = (on = '') => `steps:
  - id: cpu
    action: test.metric.get
    with: { metric: cpu }
  - id: cooled
    wait: { until: output.value < 90, step: cpu, every: 20s, timeout: 1m }
${on}  - id: after
    action: test.metric.get
    with: { metric: after }
`;

  it('wait until passes on the third poll after exactly two intervals', async () => {
    const result = await simulatePlaybook(yamlPlaybook(polling()), {
      // The first value is cpu's own step; the poll then reads 97, 93, 40.
      outcomes: { cpu: [{ value: 99 }, { value: 97 }, { value: 93 }, { value: 40 }] },
    });
    expect(result.outcome).toBe('healthy');
    expect(result.steps.cooled).toMatchObject({ outcome: 'pass', attempts: 3 });
    expect(result.steps.cooled!.endedAt - result.steps.cooled!.startedAt).toBe(40_000);
    expect(result.steps.cpu).toMatchObject({ outcome: 'pass', output: { value: 40 } });
    expect(result.calls('test.metric.get')).toEqual([
      ...Array<unknown>(4).fill({ metric: 'cpu' }),
      { metric: 'after' },
    ]);
    expect(result.durationMs).toBe(40_000);
  });

  it('wait until that never holds times out at its deadline and follows on.timeout', async () => {
    const body = `${polling('    on: { timeout: gave-up }\n')}  - id: fine\n    end: healthy\n  - id: gave-up\n    end: still_hot\n`;
    const result = await simulatePlaybook(yamlPlaybook(body), { outcomes: { cpu: { value: 99 } } });
    expect(result.outcome).toBe('still_hot');
    // Polls at 0s, 20s, 40s and 60s: the last one is at the deadline.
    expect(result.steps.cooled).toMatchObject({
      outcome: 'timeout',
      attempts: 4,
      error: 'output.value < 90 did not hold within 1m (4 polls)',
    });
    expect(result.steps.cooled!.endedAt - result.steps.cooled!.startedAt).toBe(60_000);
    expect(result.calls('test.metric.get')).toHaveLength(5);
  });

  it('wait until that times out with no on.timeout fails the run', async () => {
    const result = await simulatePlaybook(yamlPlaybook(polling()), { outcomes: { cpu: { value: 99 } } });
    expect(result.outcome).toBe('failed');
    expect(result.steps.cooled?.outcome).toBe('timeout');
    expect(result.steps.after).toBeUndefined();
    expect(result.durationMs).toBe(60_000);
  });

  it('wait until polls a live probe on the virtual clock', async () => {
    const cpu = createFakeAction(
      'test.metric.get',
      'probe',
      sequence({ value: 99 }, { value: 95 }, { value: 91 }, { value: 10 }),
    );
    const body = polling().replace('every: 20s', 'every: 15s');
    const { result } = await runVirtual(yamlPlaybook(body), { actions: [cpu.action] });
    expect(result.outcome).toBe('healthy');
    expect(result.steps.cooled!.endedAt - result.steps.cooled!.startedAt).toBe(30_000);
    expect(cpu.contexts.map((ctx) => ctx.stepId)).toEqual(['cpu', 'cpu', 'cpu', 'cpu', 'after']);
  });
});
