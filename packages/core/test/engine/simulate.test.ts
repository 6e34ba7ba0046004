// simulatePlaybook: scripted outcomes, stand-in actions, per-attempt call records and determinism, on the
// first-line example (examples/playbooks/ec2-first-line.yaml) and small inline playbooks.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  FirstlineError,
  loadPlaybook,
  renderTrace,
  simulatePlaybook,
  VIRTUAL_CLOCK_START,
} from '@firstline/core';
import type { LoadedPlaybook, ScriptedOutcomes } from '@firstline/core';
import { createFakeAction, eventsOf, sequence, yamlPlaybook } from './support.js';

const EC2 = fileURLToPath(new URL('../../../../examples/playbooks/ec2-first-line.yaml', import.meta.url));
const input = { instanceId: 'i-0abc12345', url: 'https://shop.example.test/health', healthCheckId: 'hc-1' };
const ec2 = (): Promise<LoadedPlaybook> => loadPlaybook(EC2);

/** The error a rejected promise carries, for assertions on its code and message. */
async function rejection(promise: Promise<unknown>): Promise<FirstlineError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FirstlineError);
  return error as FirstlineError;
}

describe('simulatePlaybook: determinism', () => {
  it('the same playbook and input give the same run id and the same trace, timestamps included', async () => {
    // Retries with full jitter draw from the seeded generator, so even the delays repeat.
    const outcomes: ScriptedOutcomes = {
      url: ['throttled', 'fail', 'pass'],
      cpu: ['timeout', { value: 12 }],
    };
    const first = await simulatePlaybook(await ec2(), { input, outcomes });
    const second = await simulatePlaybook(await ec2(), { input, outcomes });
    expect(first.runId).toMatch(/^sim-[0-9a-f]{12}$/);
    expect(second.runId).toBe(first.runId);
    expect(JSON.stringify(second.trace)).toBe(JSON.stringify(first.trace));
    expect(second.durationMs).toBe(first.durationMs);
    expect(first.trace[0]).toMatchObject({ type: 'run.start', at: VIRTUAL_CLOCK_START, runId: first.runId });
    expect(eventsOf(first.trace, 'attempt.end').some((e) => e.retryInMs !== undefined)).toBe(true);
  });

  it('a run id does not change from one version to the next (FNV-1a over playbook hash, inputs and trigger)', async () => {
    // Pinned: stored simulations and tests name runs by it.
    const playbook = {
      firstline: 1,
      name: 'ids',
      inputs: { x: { type: 'string' }, n: { type: 'number', default: 3 } },
      steps: [{ id: 'a', action: 'core.log', with: { message: 'hi' } }],
    };
    expect((await simulatePlaybook(playbook, { input: { x: 'a' } })).runId).toBe('sim-766c4c9b4724');
    const trigger = { alarm: 'cpu', v: [1, 2] };
    expect((await simulatePlaybook(playbook, { input: { x: '', n: 7 }, trigger })).runId).toBe(
      'sim-b7ada4ef3165',
    );
  });

  it('a different input gives a different run id', async () => {
    const a = await simulatePlaybook(await ec2(), { input });
    const b = await simulatePlaybook(await ec2(), { input: { ...input, instanceId: 'i-0def67890' } });
    expect(b.runId).not.toBe(a.runId);
  });
});

describe('simulatePlaybook: scripted outcomes', () => {
  it('unscripted steps pass: every check once, healthy, nothing remediated or notified', async () => {
    const result = await simulatePlaybook(await ec2(), { input });
    expect(result.outcome).toBe('healthy');
    expect(
      ['http.check', 'aws.route53.healthCheckStatus', 'aws.cloudwatch.metric'].map(
        (id) => result.calls(id).length,
      ),
    ).toEqual([1, 1, 1]);
    expect(result.calls('aws.ec2.reboot')).toEqual([]);
    expect(result.calls('slack.post')).toEqual([]);
    // A forced pass does not evaluate cpu's `expect` over a missing output.
    expect(result.steps.cpu).toMatchObject({ outcome: 'pass', attempts: 1 });
    expect(result.calls('http.check')).toEqual([
      { url: 'https://shop.example.test/health', expectStatus: 200, maxLatency: '2s' },
    ]);
  });

  it('an output object is judged by `expect`: cpu at 95 fails output.value < 90', async () => {
    const stuck = await simulatePlaybook(await ec2(), { input, outcomes: { cpu: { value: 95 } } });
    expect(stuck.outcome).toBe('unrecovered');
    expect(stuck.steps.cpu).toMatchObject({
      outcome: 'fail',
      output: { value: 95 },
      error: 'expected output.value < 90',
      visits: 2,
    });
    expect(stuck.calls('aws.ec2.reboot')).toHaveLength(1);
    expect(stuck.calls('opsgenie.createAlert')).toEqual([
      { message: 'i-0abc12345 still unhealthy after reboot', alias: 'i-0abc12345' },
    ]);

    const cooled = await simulatePlaybook(await ec2(), {
      input,
      outcomes: { cpu: [{ value: 95 }, { value: 40 }] },
    });
    expect(cooled.outcome).toBe('recovered');
    expect(cooled.steps.cpu).toMatchObject({ outcome: 'pass', output: { value: 40 } });
    expect(cooled.output.cpu).toEqual({ value: 40 });
  });

  it('calls() lists one input per attempt, retries included', async () => {
    // defaults.retry: 3 attempts on throttled and timeout, 2s exponential with full jitter.
    const result = await simulatePlaybook(await ec2(), {
      input,
      outcomes: { url: ['throttled', 'throttled', 'pass'] },
    });
    expect(result.outcome).toBe('healthy');
    expect(result.calls('http.check')).toHaveLength(3);
    expect(new Set(result.calls('http.check').map((c) => JSON.stringify(c))).size).toBe(1);
    expect(result.steps.url).toMatchObject({ outcome: 'pass', attempts: 3, visits: 1 });
    const ends = eventsOf(result.trace, 'attempt.end').filter((e) => e.step === 'url');
    expect(ends.map((e) => [e.attempt, e.outcome])).toEqual([
      [1, 'error'],
      [2, 'error'],
      [3, 'pass'],
    ]);
    const [d1, d2] = ends.map((e) => e.retryInMs);
    expect(d1).toBeGreaterThanOrEqual(0);
    expect(d1).toBeLessThan(2000);
    expect(d2).toBeGreaterThanOrEqual(0);
    expect(d2).toBeLessThan(4000);
    expect(ends[2]?.retryInMs).toBeUndefined();
    expect(result.durationMs).toBe(d1! + d2!);
  });

  it('a failure not in retry.on is not retried: one call, and a check that could not run is inconclusive', async () => {
    const result = await simulatePlaybook(await ec2(), { input, outcomes: { url: ['5xx', 'pass'] } });
    expect(result.outcome).toBe('inconclusive');
    expect(result.calls('http.check')).toHaveLength(1);
    expect(result.calls('aws.ec2.reboot')).toHaveLength(0);
    const first = eventsOf(result.trace, 'step.end').find((e) => e.step === 'url');
    expect(first).toMatchObject({ outcome: 'error', attempts: 1 });
  });

  it("'timeout' makes the attempt take exactly the step's timeout in virtual time", async () => {
    const body = `timeout: 10m
steps:
  - id: slow
    action: test.slow.call
    timeout: 45s
    on: { timeout: late }
  - id: fine
    end: healthy
  - id: late
    end: too_slow
`;
    const result = await simulatePlaybook(yamlPlaybook(body), { outcomes: { slow: 'timeout' } });
    expect(result.outcome).toBe('too_slow');
    expect(result.steps.slow).toMatchObject({
      outcome: 'timeout',
      attempts: 1,
      error: 'no answer within 45s',
    });
    expect(result.steps.slow!.endedAt - result.steps.slow!.startedAt).toBe(45_000);
    expect(eventsOf(result.trace, 'attempt.end')).toEqual([
      expect.objectContaining({ step: 'slow', outcome: 'timeout', durationMs: 45_000 }),
    ]);
    expect(result.durationMs).toBe(45_000);
  });

  it("'timeout' on a retried step costs each attempt its timeout plus the delays between", async () => {
    // cpu: 20s timeout, 3 attempts on timeout; a check that timed out could not run: inconclusive.
    const result = await simulatePlaybook(await ec2(), { input, outcomes: { cpu: 'timeout' } });
    expect(result.outcome).toBe('inconclusive');
    const ends = eventsOf(result.trace, 'attempt.end').filter((e) => e.step === 'cpu');
    expect(ends).toHaveLength(3);
    expect(ends.every((e) => e.outcome === 'timeout' && e.durationMs === 20_000)).toBe(true);
    const delays = ends.reduce((sum, e) => sum + (e.retryInMs ?? 0), 0);
    expect(result.durationMs).toBe(3 * 20_000 + delays);
  });

  it('never calls an action’s run, even when real actions are given', async () => {
    const probe = createFakeAction('test.slow.call', 'probe', sequence({ real: true }));
    const body = `steps:\n  - id: slow\n    action: test.slow.call\n`;
    const result = await simulatePlaybook(yamlPlaybook(body), {
      actions: [probe.action],
      outcomes: { slow: { scripted: 1 } },
    });
    expect(result.outcome).toBe('healthy');
    expect(probe.count).toBe(0);
    expect(result.output.slow).toEqual({ scripted: 1 });
    expect(result.calls('test.slow.call')).toEqual([{}]);
  });

  it('an outcome for a step id the playbook does not have is E_SIMULATION, naming it and the real ids', async () => {
    const error = await rejection(simulatePlaybook(await ec2(), { input, outcomes: { uurl: 'fail' } }));
    expect(error.code).toBe('E_SIMULATION');
    expect(error.message).toContain('outcomes.uurl: no step with this id runs an action');
    const known = /\(steps that do: ([^)]*)\)/.exec(error.message)?.[1]?.split(', ');
    expect(known).toEqual(expect.arrayContaining(['url', 'route53', 'cpu', 'reboot']));
    expect(known).not.toContain('recheck');
  });

  it('an outcome for a step that runs no action (the recheck wait) is refused, not silently ignored', async () => {
    const error = await rejection(simulatePlaybook(await ec2(), { input, outcomes: { recheck: 'fail' } }));
    expect(error.code).toBe('E_SIMULATION');
    expect(error.message).toContain('outcomes.recheck: no step with this id runs an action');
  });

  it('a scripted value that is not an outcome or an output object is E_SIMULATION', async () => {
    const bad = { url: ['fail', 'flaky'] } as unknown as ScriptedOutcomes;
    const error = await rejection(simulatePlaybook(await ec2(), { input, outcomes: bad }));
    expect(error.code).toBe('E_SIMULATION');
    expect(error.message).toContain('outcomes.url[1]: "flaky" is not pass, fail, error, timeout');
    const empty = await rejection(simulatePlaybook(await ec2(), { input, outcomes: { url: [] } }));
    expect(empty.code).toBe('E_SIMULATION');
    expect(empty.message).toContain('outcomes.url: the list is empty');
    const none = await rejection(
      simulatePlaybook(await ec2(), { input, outcomes: { url: null } as unknown as ScriptedOutcomes }),
    );
    expect(none.code).toBe('E_SIMULATION');
  });
});

describe('simulatePlaybook: virtual time and the timeline', () => {
  it('a playbook with 30 minutes of waits finishes with 30 virtual minutes on its clock', async () => {
    const body = `timeout: 1h
steps:
  - id: first
    wait: 10m
  - id: probe
    action: test.metric.get
  - id: second
    wait: 15m
  - id: third
    wait: 5m
`;
    const result = await simulatePlaybook(yamlPlaybook(body));
    expect(result.outcome).toBe('healthy');
    expect(result.durationMs).toBeGreaterThanOrEqual(30 * 60_000);
    expect(result.durationMs).toBe(30 * 60_000);
    expect(result.steps.probe?.startedAt).toBe(VIRTUAL_CLOCK_START + 10 * 60_000);
    expect(eventsOf(result.trace, 'run.end')).toEqual([
      expect.objectContaining({ at: VIRTUAL_CLOCK_START + 30 * 60_000, durationMs: 30 * 60_000 }),
    ]);
  });

  it('renders as a text timeline naming every step and the outcome', async () => {
    const result = await simulatePlaybook(await ec2(), { input, outcomes: { url: ['fail', 'pass'] } });
    const text = renderTrace(result.trace);
    for (const word of ['url', 'route53', 'cpu', 'reboot', 'recheck', 'slack.post', 'recovered'])
      expect(text).toContain(word);
    expect(text.endsWith('\n')).toBe(true);
    const lines = renderTrace(result.trace, { format: 'jsonl' }).trimEnd().split('\n');
    expect(lines).toHaveLength(result.trace.length);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ type: 'run.end', outcome: 'recovered' });
  });
});
