// runAslOnMoto: an all-AWS JSONPath definition (status check → Auto Scaling health) runs on moto's
// Step Functions with native `aws-sdk:` Tasks, and moto shows the instance marked Unhealthy. The same
// definition runs locally too, with the same path, so the two interpreters can be compared.
import {
  AutoScalingClient,
  DescribeAutoScalingInstancesCommand,
  SetInstanceHealthCommand,
} from '@aws-sdk/client-auto-scaling';
import { DescribeInstanceStatusCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { DescribeInstanceStatusCommandInput } from '@aws-sdk/client-ec2';
import type { SetInstanceHealthCommandInput } from '@aws-sdk/client-auto-scaling';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createOneInstanceGroup, runAslLocally, runAslOnMoto } from '../support/stepfunctions/index.js';
import type { AslDefinition } from '../support/stepfunctions/index.js';

const endpoint = inject('motoEndpoint');
if (!endpoint) console.warn('!! moto_server missing: SKIPPING the Step Functions harness tests on moto');

const REGION = 'us-east-1';
const client = {
  endpoint,
  region: REGION,
  credentials: { accessKeyId: 'fake-access-key', secretAccessKey: 'fake-secret-key' },
  maxAttempts: 1,
};

/** Seed 2's shape, all AWS: describe the instance's status, then mark it Unhealthy in its group. */
const statusThenUnhealthy: AslDefinition = {
  Comment: 'status check, then Auto Scaling replaces the instance',
  StartAt: 'Status check',
  States: {
    'Status check': {
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:ec2:describeInstanceStatus',
      // aws-sdk integrations take the API's own (PascalCase) parameter names.
      Parameters: { 'InstanceIds.$': 'States.Array($.instanceId)', IncludeAllInstances: true },
      ResultSelector: {
        'state.$': '$.InstanceStatuses[0].InstanceState.Name',
        'status.$': '$.InstanceStatuses[0].InstanceStatus.Status',
      },
      ResultPath: '$.check',
      Next: 'Running?',
    },
    'Running?': {
      Type: 'Choice',
      Choices: [{ Variable: '$.check.state', StringEquals: 'running', Next: 'Mark unhealthy' }],
      Default: 'Not running',
    },
    'Mark unhealthy': {
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:autoscaling:setInstanceHealth',
      Parameters: {
        'InstanceId.$': '$.instanceId',
        HealthStatus: 'Unhealthy',
        ShouldRespectGracePeriod: false,
      },
      ResultPath: null,
      Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 1 }],
      Next: 'Replaced',
    },
    Replaced: { Type: 'Succeed' },
    'Not running': { Type: 'Fail', Error: 'Firstline.NotRunning', Cause: 'the instance is not running' },
  },
};

describe.skipIf(!endpoint)('runAslOnMoto (moto Step Functions, aws-sdk Tasks)', () => {
  const ec2 = new EC2Client(client);
  const autoScaling = new AutoScalingClient(client);
  let instanceId = '';

  beforeAll(async () => {
    instanceId = await createOneInstanceGroup(ec2, autoScaling, 'harness-web');
  });

  afterAll(() => {
    ec2.destroy();
    autoScaling.destroy();
  });

  it('describes the instance status, then marks the instance Unhealthy: moto shows it Unhealthy', async () => {
    const before = await autoScaling.send(
      new DescribeAutoScalingInstancesCommand({ InstanceIds: [instanceId] }),
    );
    expect(before.AutoScalingInstances![0]!.HealthStatus).toMatch(/^healthy$/i);

    const result = await runAslOnMoto(statusThenUnhealthy, { instanceId }, { endpoint });
    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      output: { instanceId, check: { state: 'running', status: 'ok' } },
    });
    expect(result.history).toEqual([
      { name: 'Status check', type: 'Task' },
      { name: 'Running?', type: 'Choice' },
      { name: 'Mark unhealthy', type: 'Task' },
      { name: 'Replaced', type: 'Succeed' },
    ]);

    const after = await autoScaling.send(
      new DescribeAutoScalingInstancesCommand({ InstanceIds: [instanceId] }),
    );
    expect(after.AutoScalingInstances![0]!.HealthStatus).toMatch(/^unhealthy$/i);
  });

  it('the local interpreter, its Tasks bound to the same SDK calls, takes the same path to the same output', async () => {
    // The local run's handler makes the aws-sdk integration's call itself (parameters as given).
    const local = await runAslLocally(
      statusThenUnhealthy,
      { instanceId },
      {
        taskHandler: async (_state, resource, input) => {
          if (resource.endsWith(':ec2:describeInstanceStatus')) {
            const { $metadata: _, ...out } = await ec2.send(
              new DescribeInstanceStatusCommand(input as DescribeInstanceStatusCommandInput),
            );
            return out;
          }
          await autoScaling.send(new SetInstanceHealthCommand(input as SetInstanceHealthCommandInput));
          return {};
        },
      },
    );
    const onMoto = await runAslOnMoto(statusThenUnhealthy, { instanceId }, { endpoint });
    expect(local.status).toBe('SUCCEEDED');
    expect({ status: local.status, output: local.output, history: local.history }).toEqual({
      status: onMoto.status,
      output: onMoto.output,
      history: onMoto.history,
    });
    expect(local.calls.map((c) => c.input)).toEqual([
      { InstanceIds: [instanceId], IncludeAllInstances: true },
      { InstanceId: instanceId, HealthStatus: 'Unhealthy', ShouldRespectGracePeriod: false },
    ]);
    // moto's history yields the same calls: state, resource ARN, parameters.
    expect(onMoto.calls).toEqual(local.calls);
  });

  it('an aws-sdk Task that fails reaches the Catch; moto names the error after the service', async () => {
    const failing: AslDefinition = {
      StartAt: 'Mark unhealthy',
      States: {
        'Mark unhealthy': {
          ...statusThenUnhealthy.States['Mark unhealthy']!,
          Retry: [],
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Escalate' }],
        },
        Replaced: { Type: 'Succeed' },
        Escalate: { Type: 'Pass', End: true },
      },
    };
    const result = await runAslOnMoto(failing, { instanceId: 'i-0000000000000dead' }, { endpoint });
    expect(result.status).toBe('SUCCEEDED');
    // moto's name for any client error of the service: `<service>.<service>Exception` (AWS names the
    // exception itself), so a definition meant for moto catches States.ALL or States.TaskFailed.
    expect(result.output).toMatchObject({
      error: {
        Error: 'autoscaling.autoscalingException',
        Cause: expect.stringMatching(/does not exist/) as unknown,
      },
    });
    expect(result.history.map((s) => s.name)).toEqual(['Mark unhealthy', 'Escalate']);
  });

  it('refuses a JSONata definition: moto runs JSONPath only', async () => {
    await expect(
      runAslOnMoto(
        { QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
        {},
        { endpoint },
      ),
    ).rejects.toMatchObject({ code: 'E_INPUT_INVALID' });
  });
});
