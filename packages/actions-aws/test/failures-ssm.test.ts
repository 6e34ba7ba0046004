import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  GetAutomationExecutionCommand,
  GetParameterCommand,
  GetCommandInvocationCommand,
  InvocationDoesNotExist,
  SendCommandCommand,
  SSMClient,
  StartAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { awsSecretResolvers, clientTokenFor } from '../src/index.js';
import { awsError, mocked, virtual } from './mocks.js';
import { runStep } from './support.js';

// SSM failure paths moto cannot produce (every moto command succeeds) and the Automation API it
// lacks, with aws-sdk-client-mock standing in for AWS, on a virtual clock.

describe('SSM Run Command and Automation (mock SSM)', () => {
  it('a failed command fails the step with its exit code and stderr, after polling (mock SSM)', async () => {
    const { actions, ssm } = mocked();
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-1' } });
    ssm
      .on(GetCommandInvocationCommand)
      .rejectsOnce(new InvocationDoesNotExist({ message: 'not yet', $metadata: { httpStatusCode: 400 } }))
      .resolvesOnce({ Status: 'InProgress' })
      .resolves({
        Status: 'Failed',
        StatusDetails: 'Failed',
        ResponseCode: 2,
        StandardOutputContent: 'restarting nginx',
        StandardErrorContent:
          'Job for nginx.service failed because the control process exited with error code.',
      });
    const result = await runStep(
      actions,
      'aws.ssm.runCommand',
      { instanceId: 'i-0abc1234def567890', commands: 'systemctl restart nginx', interval: '3s' },
      virtual(),
    );
    expect(result.steps.step?.error).toBe(
      'aws.ssm.runCommand: command cmd-1 on i-0abc1234def567890 ended Failed with exit code 2; stderr: Job for nginx.service failed because the control process exited with error code.',
    );
    // The script ran on the target and failed: a verdict, `fail`, not `error`.
    expect(result.steps.step?.outcome).toBe('fail');
    expect(result.durationMs).toBe(6_000);
    expect(ssm.commandCalls(GetCommandInvocationCommand)).toHaveLength(3);
  });

  it('an allowed non-zero exit code passes (mock SSM)', async () => {
    const { actions, ssm } = mocked();
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-2' } });
    ssm
      .on(GetCommandInvocationCommand)
      .resolves({ Status: 'Failed', ResponseCode: 1, StandardOutputContent: '' });
    const result = await runStep(
      actions,
      'aws.ssm.runCommand',
      { instanceId: 'i-0abc1234def567890', commands: ['test -f /var/tmp/core'], allowExitCodes: [0, 1] },
      virtual(),
    );
    expect(result.output.step).toMatchObject({ status: 'Failed', exitCode: 1 });
  });

  it('startAutomation sends a UUID client token from the idempotency key and waits for Success (mock SSM)', async () => {
    const { actions, ssm } = mocked();
    ssm.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: 'exec-1' });
    ssm
      .on(GetAutomationExecutionCommand)
      .resolvesOnce({ AutomationExecution: { AutomationExecutionStatus: 'InProgress' } })
      .resolves({
        AutomationExecution: { AutomationExecutionStatus: 'Success', Outputs: { 'rescue.Output': ['done'] } },
      });
    const input = {
      document: 'AWSSupport-StartEC2RescueWorkflow',
      parameters: { InstanceId: ['i-0abc1234def567890'] },
    };
    const result = await runStep(actions, 'aws.ssm.startAutomation', input, { runId: 'run-1', ...virtual() });

    expect(result.output.step).toEqual({
      executionId: 'exec-1',
      status: 'Success',
      outputs: { 'rescue.Output': ['done'] },
    });
    expect(result.durationMs).toBe(10_000);
    const sent = ssm.commandCalls(StartAutomationExecutionCommand)[0]!.args[0].input;
    expect(sent).toMatchObject({ DocumentName: input.document, Parameters: input.parameters });
    expect(sent.ClientToken).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    // The same run and step give the same token (a resumed run re-attaches); another run, another token.
    await runStep(actions, 'aws.ssm.startAutomation', input, { runId: 'run-1', ...virtual() });
    await runStep(actions, 'aws.ssm.startAutomation', input, { runId: 'run-2', ...virtual() });
    const tokens = ssm.commandCalls(StartAutomationExecutionCommand).map((c) => c.args[0].input.ClientToken);
    expect(tokens[1]).toBe(tokens[0]);
    expect(tokens[2]).not.toBe(tokens[0]);
    // One token per step visit (runId:stepId:visit), whatever the attempt.
    expect(tokens[0]).toBe(clientTokenFor('run-1:step:1'));
  });

  it('startAutomation fails with the runbook failure message (mock SSM)', async () => {
    const { actions, ssm } = mocked();
    ssm.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: 'exec-2' });
    ssm.on(GetAutomationExecutionCommand).resolves({
      AutomationExecution: {
        AutomationExecutionStatus: 'Failed',
        FailureMessage:
          'Step fails when it is Poll action status for completion. Instance i-0abc1234def567890 is not managed.',
      },
    });
    const result = await runStep(
      actions,
      'aws.ssm.startAutomation',
      { document: 'AWS-RestartEC2Instance', parameters: { InstanceId: ['i-0abc1234def567890'] } },
      virtual(),
    );
    expect(result.steps.step?.error).toBe(
      'aws.ssm.startAutomation: automation AWS-RestartEC2Instance (exec-2) ended Failed: Step fails when it is Poll action status for completion. Instance i-0abc1234def567890 is not managed.',
    );
    expect(result.steps.step?.outcome).toBe('fail');
  });

  it('startAutomation gives up after its timeout, leaving the execution running (mock SSM)', async () => {
    const { actions, ssm } = mocked();
    ssm.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: 'exec-3' });
    ssm
      .on(GetAutomationExecutionCommand)
      .resolves({ AutomationExecution: { AutomationExecutionStatus: 'InProgress' } });
    const result = await runStep(
      actions,
      'aws.ssm.startAutomation',
      { document: 'AWS-RestartEC2Instance', timeout: '30m', interval: '1m' },
      { timeout: '1h', ...virtual() },
    );
    expect(result.steps.step?.error).toBe(
      'aws.ssm.startAutomation: automation AWS-RestartEC2Instance (exec-3) in us-east-1 still InProgress after 30m; it keeps running',
    );
    // Not done in the time it was given: the remediation's verdict.
    expect(result.steps.step?.outcome).toBe('fail');
    expect(result.durationMs).toBe(30 * 60_000);
  });

  it("the step's timeout aborts the request in flight through its signal (mock SSM)", async () => {
    const { actions, ssm } = mocked();
    ssm.on(StartAutomationExecutionCommand).callsFake(() => new Promise(() => undefined));
    const result = await runStep(
      actions,
      'aws.ssm.startAutomation',
      { document: 'AWS-RestartEC2Instance' },
      {
        timeout: '20s',
        ...virtual(),
      },
    );
    expect(result.steps.step?.outcome).toBe('timeout');
    const options = (ssm.send.getCall(0).args as unknown[])[1] as { abortSignal?: AbortSignal } | undefined;
    expect(options?.abortSignal?.aborted).toBe(true);
  });
});

describe('secret resolver failures (mock SSM, mock Secrets Manager)', () => {
  const ssm = new SSMClient({ region: 'us-east-1' });
  const secretsManager = new SecretsManagerClient({ region: 'us-east-1' });
  const resolvers = awsSecretResolvers({ region: 'us-east-1', clients: { ssm, secretsManager } });

  it('access denied throws with the code and the reference, never a value (mock SSM)', async () => {
    const mock = mockClient(ssm);
    mock
      .on(GetParameterCommand)
      .rejects(awsError('AccessDeniedException', 400, 'User is not authorized to perform ssm:GetParameter'));
    await expect(resolvers.ssm({ ssm: '/firstline/ssh/private-key' }, { name: 'sshKey' })).rejects.toThrow(
      'ssm:GetParameter /firstline/ssh/private-key in us-east-1 failed: AccessDeniedException: User is not authorized to perform ssm:GetParameter',
    );
    mock.restore();
  });

  it('a binary secret is refused without its bytes (mock Secrets Manager)', async () => {
    const mock = mockClient(secretsManager);
    mock
      .on(GetSecretValueCommand)
      .resolves({ SecretBinary: new TextEncoder().encode('fake-binary-secret-789') });
    const error = await resolvers
      .secretsManager({ secretsManager: 'firstline/blob' }, { name: 'blob' })
      .catch((e: unknown) => e as Error);
    expect((error as Error).message).toBe(
      'Secrets Manager secret firstline/blob is binary; only SecretString secrets can be referenced',
    );
    mock.restore();
  });
});
