// runAslLocally on JSONata definitions (the harness's own interpreter: aws-local-stepfunctions has no
// JSONata): Arguments/Output/Assign, $states.input/result/errorOutput, Choice Conditions, Wait,
// Parallel and Map with scoped variables, Retry on a custom error name then Catch, and the bounds.
import { describe, expect, it } from 'vitest';
import { runAslLocally } from '../support/stepfunctions/index.js';
import type { AslDefinition, AslTaskHandler } from '../support/stepfunctions/index.js';

const CHECK = 'arn:aws:states:::aws-sdk:ec2:describeInstanceStatus';
const REBOOT = 'arn:aws:states:::aws-sdk:ec2:rebootInstances';
const NOTIFY = 'arn:aws:states:::sns:publish';

/** Task → Choice → Wait → Parallel (two branches reading a variable) → Pass, recording a path. */
const firstLine: AslDefinition = {
  QueryLanguage: 'JSONata',
  StartAt: 'Check',
  States: {
    Check: {
      Type: 'Task',
      Resource: CHECK,
      Arguments: { InstanceIds: ['{% $states.input.instanceId %}'] },
      Assign: {
        instanceId: '{% $states.input.instanceId %}',
        status: '{% $states.result.InstanceStatuses[0].InstanceStatus.Status %}',
        path: ['check'],
      },
      Output: '{% $states.input %}',
      Next: 'Impaired?',
    },
    'Impaired?': {
      Type: 'Choice',
      Choices: [
        {
          Condition: "{% $status = 'impaired' %}",
          Assign: { path: "{% $append($path, 'impaired') %}" },
          Next: 'Settle',
        },
      ],
      Default: 'Healthy',
      Assign: { path: "{% $append($path, 'healthy') %}" },
    },
    Settle: {
      Type: 'Wait',
      Seconds: '{% $states.input.settleSeconds ? $states.input.settleSeconds : 300 %}',
      Next: 'Remediate',
    },
    Remediate: {
      Type: 'Parallel',
      Arguments: { id: '{% $instanceId %}' },
      Branches: [
        {
          StartAt: 'Reboot',
          States: {
            Reboot: {
              Type: 'Task',
              Resource: REBOOT,
              Arguments: { InstanceIds: ['{% $states.input.id %}'] },
              // Assigned inside the branch: not visible after the Parallel state.
              Assign: { rebooted: true },
              Output: { rebooted: '{% $states.input.id %}' },
              End: true,
            },
          },
        },
        {
          StartAt: 'Tell',
          States: {
            Tell: {
              Type: 'Task',
              Resource: NOTIFY,
              Arguments: { Message: "{% 'rebooting ' & $instanceId & ' (' & $status & ')' %}" },
              End: true,
            },
          },
        },
      ],
      Assign: { path: "{% $append($path, 'remediated') %}" },
      Output: { branches: '{% $states.result %}', path: '{% $path %}', leaked: '{% $exists($rebooted) %}' },
      Next: 'Done',
    },
    Healthy: { Type: 'Pass', Output: { path: '{% $path %}' }, End: true },
    Done: {
      Type: 'Pass',
      Output: { path: '{% $path %}', branches: '{% $states.input.branches %}' },
      End: true,
    },
  },
};

/** A status check reporting `status`, a reboot failing with `rebootErrors` in turn, a notifier that echoes. */
function scripted(status: string, rebootErrors: string[] = []): AslTaskHandler {
  const errors = [...rebootErrors];
  return (_state, resource, input) => {
    if (resource === CHECK)
      return Promise.resolve({ InstanceStatuses: [{ InstanceStatus: { Status: status } }] });
    if (resource === NOTIFY) return Promise.resolve({ MessageId: 'msg-1', echo: input });
    const name = errors.shift();
    if (name === undefined) return Promise.resolve({});
    const error = new Error(`scripted ${name}`);
    error.name = name;
    return Promise.reject(error);
  };
}

describe('runAslLocally (JSONata, harness interpreter)', () => {
  it('Task → Choice → Wait → Parallel: Arguments, Assign variables, $states.result, a path', async () => {
    const started = performance.now();
    const result = await runAslLocally(
      firstLine,
      { instanceId: 'i-0abc1234' },
      { taskHandler: scripted('impaired') },
    );
    expect(result).toMatchObject({ status: 'SUCCEEDED' });
    expect(result.output).toEqual({
      // Done reads $path after the Parallel's Assign added 'remediated'.
      path: ['check', 'impaired', 'remediated'],
      branches: [
        { rebooted: 'i-0abc1234' },
        { MessageId: 'msg-1', echo: { Message: 'rebooting i-0abc1234 (impaired)' } },
      ],
    });
    expect(result.history).toEqual([
      { name: 'Check', type: 'Task' },
      { name: 'Impaired?', type: 'Choice' },
      { name: 'Settle', type: 'Wait' },
      { name: 'Remediate', type: 'Parallel' },
      { name: 'Reboot', type: 'Task' },
      { name: 'Tell', type: 'Task' },
      { name: 'Done', type: 'Pass' },
    ]);
    expect(result.calls.map((c) => [c.state, c.input])).toEqual([
      ['Check', { InstanceIds: ['i-0abc1234'] }],
      ['Reboot', { InstanceIds: ['i-0abc1234'] }],
      ['Tell', { Message: 'rebooting i-0abc1234 (impaired)' }],
    ]);
    expect(result.waits).toEqual([{ state: 'Settle', seconds: 300 }]);
    expect(performance.now() - started).toBeLessThan(5_000); // the 300 s Wait did not wait
  });

  it('Output and Assign see the variables from before the state; a branch variable stays in its branch', async () => {
    const result = await runAslLocally(
      {
        ...firstLine,
        States: {
          ...firstLine.States,
          Done: { Type: 'Pass', Output: '{% $states.input %}', End: true },
        },
      },
      { instanceId: 'i-0abc1234', settleSeconds: 30 },
      { taskHandler: scripted('impaired') },
    );
    expect(result.output).toMatchObject({ path: ['check', 'impaired'], leaked: false });
    expect(result.waits).toEqual([{ state: 'Settle', seconds: 30 }]);
  });

  it('takes the Default with the state-level Assign', async () => {
    const result = await runAslLocally(
      firstLine,
      { instanceId: 'i-0abc1234' },
      { taskHandler: scripted('ok') },
    );
    expect(result.output).toEqual({ path: ['check', 'healthy'] });
    expect(result.history.map((s) => s.name)).toEqual(['Check', 'Impaired?', 'Healthy']);
  });

  const retrying: AslDefinition = {
    QueryLanguage: 'JSONata',
    StartAt: 'Reboot',
    States: {
      Reboot: {
        Type: 'Task',
        Resource: REBOOT,
        Arguments: { InstanceIds: ['{% $states.input.id %}'] },
        Retry: [
          {
            ErrorEquals: ['Firstline.Throttled'],
            IntervalSeconds: 1,
            BackoffRate: 2,
            MaxAttempts: 2,
            JitterStrategy: 'FULL',
          },
          { ErrorEquals: ['States.TaskFailed'], MaxAttempts: 0 },
        ],
        Catch: [
          {
            ErrorEquals: ['States.ALL'],
            Assign: { failure: '{% $states.errorOutput %}' },
            Output: { id: '{% $states.input.id %}', error: '{% $states.errorOutput.Error %}' },
            Next: 'Escalate',
          },
        ],
        Output: { rebooted: true },
        End: true,
      },
      Escalate: { Type: 'Fail', Error: "{% 'Escalated.' & $failure.Error %}", Cause: '{% $failure.Cause %}' },
    },
  };

  it('retries a custom error name with backoff (no real waiting), then succeeds', async () => {
    const result = await runAslLocally(
      retrying,
      { id: 'i-1' },
      { taskHandler: scripted('ok', ['Firstline.Throttled', 'Firstline.Throttled']) },
    );
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { rebooted: true } });
    expect(result.retries).toEqual([
      { state: 'Reboot', error: 'Firstline.Throttled', attempt: 1, delayMs: 1_000 },
      { state: 'Reboot', error: 'Firstline.Throttled', attempt: 2, delayMs: 2_000 },
    ]);
    expect(result.calls).toHaveLength(3);
  });

  it('exhausts the retrier, then Catch hands $states.errorOutput to Output and Assign', async () => {
    const result = await runAslLocally(
      retrying,
      { id: 'i-1' },
      {
        taskHandler: scripted(
          'ok',
          Array.from({ length: 3 }, () => 'Firstline.Throttled'),
        ),
      },
    );
    expect(result).toMatchObject({
      status: 'FAILED',
      error: 'Escalated.Firstline.Throttled',
      cause: 'scripted Firstline.Throttled',
    });
    expect(result.retries).toHaveLength(2);
    expect(result.history.map((s) => s.name)).toEqual(['Reboot', 'Escalate']);
  });

  it('States.TaskFailed with MaxAttempts 0 does not retry; the Catch still catches', async () => {
    const result = await runAslLocally(
      retrying,
      { id: 'i-1' },
      { taskHandler: scripted('ok', ['Firstline.AccessDenied']) },
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'Escalated.Firstline.AccessDenied' });
    expect(result.retries).toEqual([]);
  });

  it('Map runs its item processor per item with ItemSelector and $states.context.Map.Item', async () => {
    const result = await runAslLocally(
      {
        QueryLanguage: 'JSONata',
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            Items: '{% $states.input.ids %}',
            ItemSelector: {
              id: '{% $states.context.Map.Item.Value %}',
              n: '{% $states.context.Map.Item.Index %}',
            },
            MaxConcurrency: 1,
            ItemProcessor: {
              StartAt: 'Reboot',
              States: {
                Reboot: { Type: 'Task', Resource: REBOOT, Output: '{% $states.input %}', End: true },
              },
            },
            End: true,
          },
        },
      },
      { ids: ['i-1', 'i-2'] },
      { taskHandler: scripted('ok') },
    );
    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      output: [
        { id: 'i-1', n: 0 },
        { id: 'i-2', n: 1 },
      ],
    });
    expect(result.calls.map((c) => c.input)).toEqual([
      { id: 'i-1', n: 0 },
      { id: 'i-2', n: 1 },
    ]);
  });

  it('an expression that returns nothing is States.QueryEvaluationError', async () => {
    const result = await runAslLocally(
      {
        QueryLanguage: 'JSONata',
        StartAt: 'P',
        States: { P: { Type: 'Pass', Output: { x: '{% $states.input.missing %}' }, End: true } },
      },
      {},
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError' });
    expect(result.cause).toMatch(/States\.P\.Output\.x/);
  });

  it('no matching choice and no Default is States.NoChoiceMatched', async () => {
    const result = await runAslLocally(
      {
        QueryLanguage: 'JSONata',
        StartAt: 'C',
        States: {
          C: { Type: 'Choice', Choices: [{ Condition: '{% false %}', Next: 'Done' }] },
          Done: { Type: 'Succeed' },
        },
      },
      {},
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.NoChoiceMatched' });
  });

  it('stops a definition that loops forever once it passes maxSteps', async () => {
    const result = await runAslLocally(
      {
        QueryLanguage: 'JSONata',
        StartAt: 'Again',
        States: {
          Again: { Type: 'Wait', Seconds: 60, Next: 'Done?' },
          'Done?': {
            Type: 'Choice',
            Choices: [{ Condition: '{% $exists($states.input.done) %}', Next: 'Done' }],
            Default: 'Again',
          },
          Done: { Type: 'Succeed' },
        },
      },
      {},
      { maxSteps: 100 },
    );
    expect(result).toMatchObject({ status: 'ABORTED', error: 'Harness.MaxSteps' });
    expect(result.history).toHaveLength(101);
  });

  it('a handler that never answers is stopped by the time limit', async () => {
    const result = await runAslLocally(
      {
        QueryLanguage: 'JSONata',
        StartAt: 'T',
        States: { T: { Type: 'Task', Resource: REBOOT, End: true } },
      },
      {},
      { taskHandler: () => new Promise(() => undefined), timeLimitMs: 50 },
    );
    expect(result).toMatchObject({ status: 'ABORTED', error: 'Harness.TimeLimit' });
  });

  it('refuses a JSONPath state inside a JSONata definition', async () => {
    await expect(
      runAslLocally(
        {
          QueryLanguage: 'JSONata',
          StartAt: 'P',
          States: { P: { Type: 'Pass', QueryLanguage: 'JSONPath', End: true } },
        },
        {},
      ),
    ).rejects.toMatchObject({ code: 'E_INPUT_INVALID' });
  });

  it('validates a JSONata definition with asl-validator: a JSONPath field in a JSONata state is refused', async () => {
    const mixed: AslDefinition = {
      QueryLanguage: 'JSONata',
      StartAt: 'P',
      States: { P: { Type: 'Pass', Parameters: { a: 1 }, End: true } },
    };
    await expect(runAslLocally(mixed, {})).rejects.toThrow(/SCHEMA_VALIDATION_FAILED/);
  });

  it('a failing branch fails its Parallel, whose Catch takes over; the sibling branch stops at its next state', async () => {
    const result = await runAslLocally(
      {
        QueryLanguage: 'JSONata',
        StartAt: 'Both',
        States: {
          Both: {
            Type: 'Parallel',
            Branches: [
              {
                StartAt: 'Reboot',
                States: { Reboot: { Type: 'Task', Resource: REBOOT, End: true } },
              },
              {
                StartAt: 'Tell',
                States: {
                  Tell: { Type: 'Task', Resource: NOTIFY, Next: 'Tell again' },
                  'Tell again': { Type: 'Task', Resource: NOTIFY, End: true },
                },
              },
            ],
            Catch: [{ ErrorEquals: ['Firstline.AccessDenied'], Next: 'Escalate' }],
            End: true,
          },
          Escalate: { Type: 'Pass', End: true },
        },
      },
      {},
      {
        taskHandler: async (state, resource, input) => {
          // The notifier answers a turn of the event loop later, after the reboot has failed.
          if (resource === NOTIFY) await new Promise((resolve) => setImmediate(resolve));
          return scripted('ok', ['Firstline.AccessDenied'])(state, resource, input);
        },
      },
    );
    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      output: { Error: 'Firstline.AccessDenied', Cause: 'scripted Firstline.AccessDenied' },
    });
    expect(result.calls.map((c) => c.state)).toEqual(['Reboot', 'Tell']);
    expect(result.history.map((s) => s.name)).toEqual(['Both', 'Reboot', 'Tell', 'Escalate']);
  });

  it("has Step Functions' JSONata functions ($partition, $range, $parse, $hash) and not $eval", async () => {
    const pass = (output: unknown): AslDefinition => ({
      QueryLanguage: 'JSONata',
      StartAt: 'P',
      States: { P: { Type: 'Pass', Output: output, End: true } },
    });
    const result = await runAslLocally(
      pass({
        parts: '{% $partition([1, 2, 3], 2) %}',
        range: '{% $range(0, 6, 3) %}',
        parsed: '{% $parse(\'{"a": 1}\') %}',
        hash: "{% $hash('abc', 'SHA-256') %}",
      }),
      {},
    );
    expect(result.output).toEqual({
      parts: [[1, 2], [3]],
      range: [0, 3, 6],
      parsed: { a: 1 },
      hash: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    });
    const evaluated = await runAslLocally(pass("{% $eval('1 + 1') %}"), {});
    expect(evaluated).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError' });
  });

  it('a Wait whose Seconds expression is no integer fails with States.QueryEvaluationError', async () => {
    const result = await runAslLocally(
      {
        QueryLanguage: 'JSONata',
        StartAt: 'W',
        States: { W: { Type: 'Wait', Seconds: "{% 'soon' %}", End: true } },
      },
      {},
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError' });
  });
});
