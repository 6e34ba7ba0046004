// runAslLocally on JSONPath definitions: aws-local-stepfunctions (with the harness's Node 20 polyfill)
// runs them, every Task state is bound to the test's handler, and no Wait or retry really waits.
import { describe, expect, it } from 'vitest';
import { runAslLocally } from '../support/stepfunctions/index.js';
import type { AslDefinition, AslTaskHandler } from '../support/stepfunctions/index.js';

const CHECK = 'arn:aws:states:::aws-sdk:ec2:describeInstanceStatus';
const REBOOT = 'arn:aws:states:::aws-sdk:ec2:rebootInstances';

/** Check → Choice → (Wait → Reboot | Healthy), with a Retry/Catch on the reboot. */
const firstLine: AslDefinition = {
  Comment: 'status check, reboot when impaired',
  StartAt: 'Check',
  States: {
    Check: {
      Type: 'Task',
      Resource: CHECK,
      Parameters: { 'InstanceIds.$': 'States.Array($.instanceId)' },
      ResultSelector: { 'status.$': '$.InstanceStatuses[0].InstanceStatus.Status' },
      ResultPath: '$.check',
      Next: 'Impaired?',
    },
    'Impaired?': {
      Type: 'Choice',
      Choices: [{ Variable: '$.check.status', StringEquals: 'impaired', Next: 'Settle' }],
      Default: 'Healthy',
    },
    Settle: { Type: 'Wait', Seconds: 300, Next: 'Reboot' },
    Reboot: {
      Type: 'Task',
      Resource: REBOOT,
      Parameters: { 'InstanceIds.$': 'States.Array($.instanceId)' },
      ResultPath: null,
      Retry: [
        {
          ErrorEquals: ['Firstline.Throttled'],
          IntervalSeconds: 2,
          BackoffRate: 3,
          MaxAttempts: 3,
          MaxDelaySeconds: 10,
          JitterStrategy: 'FULL',
        },
      ],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Escalate' }],
      Next: 'Rebooted',
    },
    Rebooted: { Type: 'Succeed' },
    Healthy: { Type: 'Pass', Result: 'healthy', ResultPath: '$.verdict', End: true },
    Escalate: { Type: 'Fail', Error: 'Firstline.Escalated', Cause: 'reboot failed' },
  },
};

/** A handler whose status check reports `status`, and whose reboot fails with `rebootErrors` in turn. */
function scripted(status: string, rebootErrors: string[] = []): AslTaskHandler {
  const errors = [...rebootErrors];
  return (_state, resource) => {
    if (resource === CHECK)
      return Promise.resolve({ InstanceStatuses: [{ InstanceStatus: { Status: status } }] });
    const name = errors.shift();
    if (name === undefined) return Promise.resolve({});
    const error = new Error(`scripted ${name}`);
    error.name = name;
    return Promise.reject(error);
  };
}

describe('runAslLocally (JSONPath, aws-local-stepfunctions)', () => {
  it('runs Task → Choice → Pass with the effective Parameters handed to the handler', async () => {
    const result = await runAslLocally(
      firstLine,
      { instanceId: 'i-0abc1234' },
      { taskHandler: scripted('ok') },
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ instanceId: 'i-0abc1234', check: { status: 'ok' }, verdict: 'healthy' });
    expect(result.history).toEqual([
      { name: 'Check', type: 'Task' },
      { name: 'Impaired?', type: 'Choice' },
      { name: 'Healthy', type: 'Pass' },
    ]);
    expect(result.calls).toEqual([
      { state: 'Check', resource: CHECK, input: { InstanceIds: ['i-0abc1234'] } },
    ]);
  });

  it('takes the impaired branch: a 300 s Wait passes no real time', async () => {
    const started = performance.now();
    const result = await runAslLocally(
      firstLine,
      { instanceId: 'i-0abc1234' },
      { taskHandler: scripted('impaired') },
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(result.history.map((s) => s.name)).toEqual(['Check', 'Impaired?', 'Settle', 'Reboot', 'Rebooted']);
    expect(result.waits).toEqual([{ state: 'Settle', seconds: 300 }]);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('retries a handler error by its name, records the backoff it asks for, then succeeds', async () => {
    const result = await runAslLocally(
      firstLine,
      { instanceId: 'i-0abc1234' },
      { taskHandler: scripted('impaired', ['Firstline.Throttled', 'Firstline.Throttled']) },
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(result.calls.filter((c) => c.state === 'Reboot').map((c) => c.error)).toEqual([
      'Firstline.Throttled',
      'Firstline.Throttled',
      undefined,
    ]);
    // 2 s, then 2 × 3 = 6 s (FULL jitter: these are the upper bounds); none of it waited for real.
    expect(result.retries).toEqual([
      { state: 'Reboot', error: 'Firstline.Throttled', attempt: 1, delayMs: 2_000 },
      { state: 'Reboot', error: 'Firstline.Throttled', attempt: 2, delayMs: 6_000 },
    ]);
  });

  it('exhausts the retrier, then the Catch routes to a Fail state', async () => {
    const throttled = Array.from({ length: 4 }, () => 'Firstline.Throttled');
    const result = await runAslLocally(
      firstLine,
      { instanceId: 'i-0abc1234' },
      { taskHandler: scripted('impaired', throttled) },
    );
    expect(result.status).toBe('FAILED');
    expect(result).toMatchObject({ error: 'Firstline.Escalated', cause: 'reboot failed' });
    expect(result.retries.map((r) => r.delayMs)).toEqual([2_000, 6_000, 10_000]); // capped by MaxDelaySeconds
    expect(result.history.map((s) => s.name).slice(-2)).toEqual(['Reboot', 'Escalate']);
  });

  it('an error no retrier or catcher names fails the execution with that name', async () => {
    const result = await runAslLocally(
      { StartAt: 'Only', States: { Only: { Type: 'Task', Resource: REBOOT, End: true } } },
      {},
      { taskHandler: scripted('ok', ['Firstline.AccessDenied']) },
    );
    expect(result).toMatchObject({
      status: 'FAILED',
      error: 'Firstline.AccessDenied',
      cause: 'scripted Firstline.AccessDenied',
    });
  });

  it('binds same-named Task states in different Parallel branches apart, by their Resource', async () => {
    const branch = (resource: string) => ({
      StartAt: 'Probe',
      States: { Probe: { Type: 'Task', Resource: resource, End: true } },
    });
    const twice: AslDefinition = {
      StartAt: 'Both',
      States: { Both: { Type: 'Parallel', Branches: [branch(CHECK), branch(REBOOT)], End: true } },
    };
    const taskHandler: AslTaskHandler = (state, resource) => Promise.resolve({ state, resource });
    // Step Functions wants state names unique across the whole machine, and so does asl-validator…
    await expect(runAslLocally(twice, {}, { taskHandler })).rejects.toThrow(/DUPLICATE_STATE_NAMES/);
    // …but unvalidated, each branch's "Probe" still reaches the handler with its own Resource.
    const result = await runAslLocally(twice, { n: 1 }, { taskHandler, validate: false });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual([
      { state: 'Probe', resource: CHECK },
      { state: 'Probe', resource: REBOOT },
    ]);
    expect(result.history.filter((s) => s.name === 'Probe')).toHaveLength(2);
  });

  it('stops a definition that loops forever once it passes maxSteps', async () => {
    const loop: AslDefinition = {
      StartAt: 'Again',
      States: {
        Again: { Type: 'Pass', Next: 'Done?' },
        'Done?': {
          Type: 'Choice',
          Choices: [{ Variable: '$.done', IsPresent: true, Next: 'Done' }],
          Default: 'Again',
        },
        Done: { Type: 'Succeed' },
      },
    };
    const result = await runAslLocally(loop, {}, { maxSteps: 50 });
    expect(result.status).toBe('ABORTED');
    expect(result.error).toBe('Harness.MaxSteps');
    expect(result.history.length).toBeGreaterThan(50);
  });

  it('refuses a Task state without a handler instead of calling AWS', async () => {
    await expect(runAslLocally(firstLine, {})).rejects.toMatchObject({ code: 'E_INPUT_INVALID' });
  });

  it('rejects a definition asl-validator finds invalid', async () => {
    const broken = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } };
    await expect(runAslLocally(broken, {})).rejects.toThrow(/invalid/);
  });

  it('binds the Task states of a Map item processor, once per item', async () => {
    const result = await runAslLocally(
      {
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            ItemsPath: '$.ids',
            ItemSelector: { 'id.$': '$$.Map.Item.Value' },
            ItemProcessor: {
              StartAt: 'Reboot',
              States: { Reboot: { Type: 'Task', Resource: REBOOT, End: true } },
            },
            End: true,
          },
        },
      },
      { ids: ['i-1', 'i-2'] },
      { handlers: { Reboot: (_state, _resource, input) => Promise.resolve({ done: input }) } },
    );
    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      output: [{ done: { id: 'i-1' } }, { done: { id: 'i-2' } }],
    });
    expect(result.calls.map((c) => c.input)).toEqual([{ id: 'i-1' }, { id: 'i-2' }]);
  });

  it('a handler that never answers is stopped by the time limit', async () => {
    const result = await runAslLocally(
      { StartAt: 'T', States: { T: { Type: 'Task', Resource: REBOOT, End: true } } },
      {},
      { taskHandler: () => new Promise(() => undefined), timeLimitMs: 50 },
    );
    expect(result).toMatchObject({ status: 'ABORTED', error: 'Harness.TimeLimit' });
  });

  it('reports the time a SecondsPath or TimestampPath Wait stands for', async () => {
    const result = await runAslLocally(
      {
        StartAt: 'Backoff',
        States: {
          Backoff: { Type: 'Wait', SecondsPath: '$.backoff.seconds', Next: 'Until' },
          Until: { Type: 'Wait', TimestampPath: '$.at', End: true },
        },
      },
      { backoff: { seconds: 45 }, at: '2026-01-01T00:00:00Z' },
    );
    expect(result.waits).toEqual([
      { state: 'Backoff', seconds: 45 },
      { state: 'Until', timestamp: '2026-01-01T00:00:00Z' },
    ]);
  });
});
