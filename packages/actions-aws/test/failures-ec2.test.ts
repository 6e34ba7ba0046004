import {
  DescribeInstanceStatusCommand,
  RebootInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { createVirtualClock, runPlaybook } from '@firstline/core';
import { describe, expect, it } from 'vitest';
import { awsError, mocked, virtual } from './mocks.js';
import { createTestContext } from '@firstline/core/testing';
import { runStep } from './support.js';

// EC2 failure paths moto cannot produce (it never reports impairment, throttling, denials or a 500),
// with aws-sdk-client-mock standing in for AWS. Runs use a virtual clock, so polls and retry delays
// cost no real time.

describe('EC2 failures (mock EC2)', () => {
  const impaired = {
    InstanceId: 'i-0abc1234def567890',
    InstanceState: { Code: 16, Name: 'running' as const },
    SystemStatus: { Status: 'impaired' as const },
    InstanceStatus: { Status: 'ok' as const },
    Events: [
      {
        Code: 'system-reboot' as const,
        Description: 'scheduled reboot',
        NotBefore: new Date(Date.UTC(2024, 4, 2)),
      },
    ],
  };

  it('aws.ec2.status fails (verdict) when a reachability check is impaired (mock EC2)', async () => {
    const { actions, ec2 } = mocked();
    ec2.on(DescribeInstanceStatusCommand).resolves({ InstanceStatuses: [impaired] });
    const result = await runStep(actions, 'aws.ec2.status', { instanceId: impaired.InstanceId }, virtual());
    expect(result.steps.step?.outcome).toBe('fail');
    expect(result.steps.step?.error).toBe(
      'aws.ec2.status: i-0abc1234def567890 is unhealthy: state running, system status impaired, instance status ok; scheduled events: system-reboot',
    );
    expect(ec2.commandCalls(DescribeInstanceStatusCommand)[0]?.args[0].input).toEqual({
      InstanceIds: [impaired.InstanceId],
      IncludeAllInstances: true,
    });
  });

  it('aws.ec2.status passes while the checks are initializing, reporting them (mock EC2)', async () => {
    const { actions, ec2 } = mocked();
    ec2.on(DescribeInstanceStatusCommand).resolves({
      InstanceStatuses: [
        {
          ...impaired,
          SystemStatus: { Status: 'initializing' },
          InstanceStatus: { Status: 'initializing' },
          Events: [],
        },
      ],
    });
    const result = await runStep(actions, 'aws.ec2.status', { instanceId: impaired.InstanceId }, virtual());
    expect(result.output.step).toEqual({
      instanceId: impaired.InstanceId,
      state: 'running',
      systemStatus: 'initializing',
      instanceStatus: 'initializing',
      healthy: true,
    });
  });

  it('throttling is retryable as `throttled` and the retry succeeds (mock EC2)', async () => {
    const { actions, ec2 } = mocked();
    ec2
      .on(RebootInstancesCommand)
      .rejectsOnce(awsError('RequestLimitExceeded', 503, 'Request limit exceeded.'))
      .resolves({});
    const result = await runPlaybook(
      {
        firstline: 1,
        name: 'throttled',
        steps: [
          {
            id: 'reboot',
            action: 'aws.ec2.reboot',
            with: { instanceIds: ['i-0abc1234def567890'] },
            retry: { attempts: 3, delay: '5s', on: ['throttled'] },
          },
        ],
      },
      { actions, ...virtual() },
    );
    expect(result.steps.reboot).toMatchObject({ outcome: 'pass', attempts: 2 });
    const failed = result.trace.find((e) => e.type === 'attempt.end' && e.outcome === 'error');
    expect(failed).toMatchObject({
      error:
        'aws.ec2.reboot: ec2:RebootInstances failed: RequestLimitExceeded: Request limit exceeded. [HTTP 503]',
    });
    expect(ec2.commandCalls(RebootInstancesCommand)).toHaveLength(2);
  });

  it('access denied is not retried, names the code and the permission (mock EC2)', async () => {
    const { actions, ec2 } = mocked();
    ec2
      .on(RebootInstancesCommand)
      .rejects(awsError('UnauthorizedOperation', 403, 'You are not authorized to perform this operation.'));
    const result = await runPlaybook(
      {
        firstline: 1,
        name: 'denied',
        steps: [
          {
            id: 'reboot',
            action: 'aws.ec2.reboot',
            with: { instanceIds: ['i-0abc1234def567890'] },
            retry: { attempts: 3, delay: '1s', on: ['error'] },
          },
        ],
      },
      { actions, ...virtual() },
    );
    expect(result.steps.reboot).toMatchObject({ outcome: 'error', attempts: 1 });
    expect(result.steps.reboot?.error).toBe(
      "aws.ec2.reboot: ec2:RebootInstances failed: UnauthorizedOperation: You are not authorized to perform this operation. [HTTP 403] (the caller needs IAM permission ec2:RebootInstances; see the action's permissions())",
    );
  });

  const retried = (action: string, on: string[]) => ({
    firstline: 1,
    name: 'retried',
    steps: [
      {
        id: 'step',
        action,
        with: { instanceIds: ['i-0abc1234def567890'] },
        retry: { attempts: 2, delay: '1s', on },
      },
    ],
  });

  it('a 5xx on RebootInstances is never retried: AWS may have rebooted already (mock EC2)', async () => {
    const { actions, ec2 } = mocked();
    ec2.on(RebootInstancesCommand).rejectsOnce(awsError('InternalError', 500)).resolves({});
    const result = await runPlaybook(retried('aws.ec2.reboot', ['5xx', 'error']), { actions, ...virtual() });
    expect(result.steps.step).toMatchObject({ outcome: 'error', attempts: 1 });
    expect(result.steps.step?.error).toBe(
      'aws.ec2.reboot: ec2:RebootInstances failed: InternalError: InternalError (fake message) [HTTP 500]; AWS may have carried it out, so it is not retried: look before repeating it',
    );
    expect(ec2.commandCalls(RebootInstancesCommand)).toHaveLength(1);
  });

  it('a refused connection on RebootInstances is retried: nothing was sent (mock EC2)', async () => {
    const { actions, ec2 } = mocked();
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' });
    ec2.on(RebootInstancesCommand).rejectsOnce(refused).resolves({});
    const result = await runPlaybook(retried('aws.ec2.reboot', ['network']), { actions, ...virtual() });
    expect(result.steps.step).toMatchObject({ outcome: 'pass', attempts: 2 });
    expect(ec2.commandCalls(RebootInstancesCommand)).toHaveLength(2);
  });

  it('StopInstances is safe to repeat: one layer retries a 5xx, the SDK or the step (mock EC2)', async () => {
    // Clients that retry by themselves (the SDK default): what reaches the step is final.
    const sdk = mocked();
    sdk.ec2.on(StopInstancesCommand).rejectsOnce(awsError('InternalError', 500)).resolves({});
    const final = await runPlaybook(retried('aws.ec2.stop', ['5xx']), { actions: sdk.actions, ...virtual() });
    expect(final.steps.step).toMatchObject({ outcome: 'error', attempts: 1 });
    // Clients that make one attempt (maxAttempts: 1): the step's `retry:` is the retrying layer.
    const step = mocked({ maxAttempts: 1 });
    step.ec2.on(StopInstancesCommand).rejectsOnce(awsError('InternalError', 500)).resolves({});
    const again = await runPlaybook(retried('aws.ec2.stop', ['5xx']), {
      actions: step.actions,
      ...virtual(),
    });
    expect(again.steps.step).toMatchObject({ outcome: 'pass', attempts: 2 });
  });

  it('plan() reports a denied DryRun and shadow mode refuses the step (mock EC2)', async () => {
    const { actions, ec2 } = mocked();
    ec2
      .on(RebootInstancesCommand, { DryRun: true })
      .rejects(awsError('UnauthorizedOperation', 403, 'Not authorized.'));
    const reboot = actions.find((a) => a.id === 'aws.ec2.reboot')!;
    const plan = await reboot.plan!({ instanceIds: ['i-0abc1234def567890'] }, createTestContext());
    expect(plan).toEqual({
      summary: 'would reboot i-0abc1234def567890 (denied: UnauthorizedOperation: Not authorized.)',
      changes: [{ resource: 'i-0abc1234def567890 (us-east-1)', change: 'reboot' }],
      preflight: { ok: false, detail: 'denied: UnauthorizedOperation: Not authorized.' },
    });
    const result = await runStep(
      actions,
      'aws.ec2.reboot',
      { instanceIds: ['i-0abc1234def567890'] },
      {
        mode: 'shadow',
        ...virtual(),
      },
    );
    expect(result.steps.step?.error).toContain('preflight refused: denied: UnauthorizedOperation');
    // Only the DryRun call was made.
    expect(ec2.commandCalls(RebootInstancesCommand).map((c) => c.args[0].input.DryRun)).toEqual([true, true]);
  });

  it('plan() reports an unknown instance as a failed preflight (mock EC2)', async () => {
    const { actions, ec2 } = mocked();
    ec2
      .on(RebootInstancesCommand)
      .rejects(
        awsError('InvalidInstanceID.NotFound', 400, "The instance ID 'i-0abc1234def567890' does not exist"),
      );
    const plan = await actions.find((a) => a.id === 'aws.ec2.reboot')!.plan!(
      { instanceIds: ['i-0abc1234def567890'] },
      createTestContext(),
    );
    expect(plan.preflight).toEqual({
      ok: false,
      detail: "InvalidInstanceID.NotFound: The instance ID 'i-0abc1234def567890' does not exist",
    });
  });

  it('aws.ec2.waitFor times out on the run clock after its own timeout (mock EC2)', async () => {
    const { actions, ec2 } = mocked();
    ec2.on(DescribeInstanceStatusCommand).resolves({
      InstanceStatuses: [
        { ...impaired, SystemStatus: { Status: 'ok' }, InstanceStatus: { Status: 'initializing' } },
      ],
    });
    const result = await runStep(
      actions,
      'aws.ec2.waitFor',
      { instanceIds: [impaired.InstanceId], state: 'status-ok', timeout: '2m', interval: '15s' },
      { timeout: '5m', ...virtual() },
    );
    expect(result.steps.step?.error).toBe(
      'aws.ec2.waitFor: not status-ok after 2m (9 polls): i-0abc1234def567890 is running (system ok, instance initializing)',
    );
    // The instance did not get there in the time it was given: the verdict `fail`.
    expect(result.steps.step?.outcome).toBe('fail');
    expect(result.durationMs).toBe(120_000);
    expect(ec2.commandCalls(DescribeInstanceStatusCommand)).toHaveLength(9);
  });

  it("aws.ec2.waitFor stops polling when the step's timeout aborts it (mock EC2)", async () => {
    const { actions, ec2 } = mocked();
    ec2.on(DescribeInstanceStatusCommand).resolves({
      InstanceStatuses: [
        { ...impaired, SystemStatus: { Status: 'ok' }, InstanceStatus: { Status: 'initializing' } },
      ],
    });
    const clock = createVirtualClock();
    const result = await runStep(
      actions,
      'aws.ec2.waitFor',
      { instanceIds: [impaired.InstanceId], state: 'status-ok', timeout: '10m', interval: '15s' },
      { timeout: '1m', clock },
    );
    expect(result.steps.step?.outcome).toBe('timeout');
    expect(result.durationMs).toBe(60_000);
    // Polls at 0, 15, 30 and 45 s; none after the abort at 60 s, and no timer left behind.
    expect(ec2.commandCalls(DescribeInstanceStatusCommand)).toHaveLength(4);
    expect(clock.pending()).toBe(0);
  });
});
