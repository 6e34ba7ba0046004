import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { Route53Client } from '@aws-sdk/client-route-53';
import { SSMClient } from '@aws-sdk/client-ssm';
import { defineAction, loadPlaybook, validatePlaybook } from '@firstline/core';
import type { ActionDefinition, IamStatement } from '@firstline/core';
import { createTestContext } from '@firstline/core/testing';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsStub } from 'aws-sdk-client-mock';
import { describe, expect, it, vi } from 'vitest';
import { AWS_ACTION_IDS, awsActions, playbookPermissions } from '../src/index.js';

// permissions(input) of every action checked against the commands its run() really sends (captured
// by client mocks): each command's IAM action (<service prefix>:<command name minus "Command">) must be
// granted on the resource the command names, and nothing else may be granted.
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const INSTANCE = 'i-0abc1234def567890';

// `any` here: each stub's type is tied to its own client, and the test treats them alike.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyStub = AwsStub<any, any, any>;

function setup(override: Record<string, unknown> = {}) {
  const clients = {
    ec2: new EC2Client({ region: REGION }),
    route53: new Route53Client({ region: REGION }),
    ssm: new SSMClient({ region: REGION }),
    cloudWatch: new CloudWatchClient({ region: REGION }),
    autoScaling: new AutoScalingClient({ region: REGION }),
  };
  const stubs: Array<[string, AnyStub]> = [
    ['ec2', mockClient(clients.ec2) as AnyStub],
    ['route53', mockClient(clients.route53) as AnyStub],
    ['ssm', mockClient(clients.ssm) as AnyStub],
    ['cloudwatch', mockClient(clients.cloudWatch) as AnyStub],
    ['autoscaling', mockClient(clients.autoScaling) as AnyStub],
  ];
  const answers: Record<string, unknown> = {
    DescribeInstancesCommand: {
      Reservations: [{ Instances: [{ InstanceId: INSTANCE, State: { Name: 'running' } }] }],
    },
    DescribeInstanceStatusCommand: {
      InstanceStatuses: [
        {
          InstanceId: INSTANCE,
          InstanceState: { Name: 'running' },
          SystemStatus: { Status: 'ok' },
          InstanceStatus: { Status: 'ok' },
        },
      ],
    },
    GetHealthCheckStatusCommand: {
      HealthCheckObservations: [{ Region: 'us-east-1', StatusReport: { Status: 'Success: 200' } }],
    },
    SendCommandCommand: { Command: { CommandId: 'cmd-1' } },
    GetCommandInvocationCommand: { Status: 'Success', ResponseCode: 0 },
    StartAutomationExecutionCommand: { AutomationExecutionId: 'exec-1' },
    GetAutomationExecutionCommand: { AutomationExecution: { AutomationExecutionStatus: 'Success' } },
    DescribeAlarmsCommand: { MetricAlarms: [{ AlarmName: 'NetworkInAlarm', StateValue: 'OK' }] },
    DescribeAutoScalingInstancesCommand: {
      AutoScalingInstances: [
        { InstanceId: INSTANCE, AutoScalingGroupName: 'web-asg', HealthStatus: 'HEALTHY' },
      ],
    },
  };
  Object.assign(answers, override);
  // Answer by command name, whatever the client.
  for (const [, stub] of stubs)
    stub.send.callsFake((command: { constructor: { name: string } }) =>
      Promise.resolve(answers[command.constructor.name] ?? {}),
    );
  const actions = awsActions({ region: REGION, accountId: ACCOUNT, clients });
  const sent = () =>
    stubs.flatMap(([prefix, stub]) =>
      stub.send.getCalls().map((call) => {
        const command = call.args[0] as { constructor: { name: string }; input: Record<string, unknown> };
        return {
          action: `${prefix}:${command.constructor.name.replace(/Command$/, '')}`,
          input: command.input,
        };
      }),
    );
  return { actions, sent };
}

const inputs: Record<(typeof AWS_ACTION_IDS)[number], Record<string, unknown>> = {
  'aws.ec2.describe': { tags: { kind: 'object4' } },
  'aws.ec2.status': { instanceId: INSTANCE },
  'aws.ec2.reboot': { instanceIds: [INSTANCE] },
  'aws.ec2.stop': { instanceIds: [INSTANCE], force: true },
  'aws.ec2.start': { instanceIds: [INSTANCE] },
  'aws.ec2.waitFor': { instanceIds: [INSTANCE], state: 'status-ok' },
  'aws.route53.healthCheckStatus': { healthCheckId: 'abcdef01-2345-6789-abcd-ef0123456789' },
  'aws.ssm.runCommand': { instanceId: INSTANCE, commands: ['uptime'] },
  'aws.ssm.startAutomation': {
    document: 'AWS-RestartEC2Instance',
    parameters: { InstanceId: [INSTANCE], AutomationAssumeRole: [`arn:aws:iam::${ACCOUNT}:role/automation`] },
    onAbort: 'stop',
  },
  'aws.cloudwatch.alarmState': { alarmName: 'NetworkInAlarm' },
  'aws.cloudwatch.metric': { namespace: 'AWS/EC2', metric: 'CPUUtilization' },
  'aws.cloudwatch.setAlarmState': { alarmName: 'NetworkInAlarm', state: 'OK' },
  'aws.autoscaling.setInstanceHealth': { instanceId: INSTANCE, healthStatus: 'Unhealthy' },
};

/** The ARN a command acts on, as AWS evaluates it; '*' for APIs without resource-level permissions. */
function resourcesOf(action: string, input: Record<string, unknown>): string[] {
  const arn = (service: string, rest: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${rest}`;
  switch (action) {
    case 'ec2:RebootInstances':
    case 'ec2:StopInstances':
    case 'ec2:StartInstances':
      return (input.InstanceIds as string[]).map((id) => arn('ec2', `instance/${id}`));
    case 'ssm:SendCommand':
      return [
        `arn:aws:ssm:${REGION}::document/${String(input.DocumentName)}`,
        ...(input.InstanceIds as string[]).map((id) => arn('ec2', `instance/${id}`)),
      ];
    case 'route53:GetHealthCheckStatus':
      return [`arn:aws:route53:::healthcheck/${String(input.HealthCheckId)}`];
    case 'ssm:StartAutomationExecution':
      return [arn('ssm', `automation-definition/${String(input.DocumentName)}:$DEFAULT`)];
    case 'ssm:GetAutomationExecution':
    case 'ssm:StopAutomationExecution':
      return [arn('ssm', `automation-execution/${String(input.AutomationExecutionId)}`)];
    case 'cloudwatch:DescribeAlarms':
      return (input.AlarmNames as string[]).map((name) => arn('cloudwatch', `alarm:${name}`));
    case 'cloudwatch:SetAlarmState':
      return [arn('cloudwatch', `alarm:${String(input.AlarmName)}`)];
    case 'autoscaling:SetInstanceHealth':
      return [
        arn(
          'autoscaling',
          'autoScalingGroup:0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b:autoScalingGroupName/web-asg',
        ),
      ];
    default:
      return ['*'];
  }
}

/** IAM's wildcard matching: `*` any run of characters, `?` one character. */
function grants(pattern: string, resource: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(resource);
}

function allows(statements: IamStatement[], action: string, resource: string): boolean {
  return statements.some(
    (s) =>
      s.Effect === 'Allow' &&
      s.Action.includes(action) &&
      (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).some((r) =>
        resource === '*' ? r === '*' : grants(r, resource),
      ),
  );
}

// Calls made only when the step is stopped while the action waits (CancelCommand,
// StopAutomationExecution): these actions run a second time, kept waiting by these answers, and stopped.
const keptWaiting: Partial<Record<(typeof AWS_ACTION_IDS)[number], Record<string, unknown>>> = {
  'aws.ssm.runCommand': { GetCommandInvocationCommand: { Status: 'InProgress' } },
  'aws.ssm.startAutomation': {
    GetAutomationExecutionCommand: { AutomationExecution: { AutomationExecutionStatus: 'InProgress' } },
  },
};

/** What `id` sends when stopped mid-wait: run, wait for its first pause, abort, collect. */
async function callsWhenStopped(id: (typeof AWS_ACTION_IDS)[number]) {
  const { actions, sent } = setup(keptWaiting[id]);
  const ctx = createTestContext();
  const { clock } = ctx;
  const running = actions
    .find((a) => a.id === id)!
    .run(inputs[id], ctx)
    .catch((e: unknown) => e);
  await vi.waitFor(() => expect(clock.pending()).toBe(1));
  ctx.abort();
  expect(await running).toBeInstanceOf(Error);
  return sent();
}

describe('permissions() match the commands each action sends (mock clients)', () => {
  it('covers every action', () => {
    expect(
      setup()
        .actions.map((a) => a.id)
        .sort(),
    ).toEqual([...AWS_ACTION_IDS].sort());
  });

  for (const id of AWS_ACTION_IDS) {
    it(`${id}: grants exactly what run() calls, on the resources it names`, async () => {
      const { actions, sent } = setup();
      const action = actions.find((a) => a.id === id)!;
      await action.run(inputs[id], createTestContext());
      const calls = [...sent(), ...(keptWaiting[id] ? await callsWhenStopped(id) : [])];
      expect(calls.length).toBeGreaterThan(0);
      const statements = action.permissions!(inputs[id]);
      for (const call of calls)
        for (const resource of resourcesOf(call.action, call.input))
          expect(allows(statements, call.action, resource), `${call.action} on ${resource}`).toBe(true);
      // Least privilege: nothing granted that run() did not use (PassRole is AWS's check on the role it passes).
      const used = new Set(calls.map((c) => c.action));
      const granted = statements.flatMap((s) => s.Action).filter((a) => a !== 'iam:PassRole');
      expect(granted.filter((a) => !used.has(a))).toEqual([]);
    });
  }

  it('aws.ssm.startAutomation grants iam:PassRole on the runbook role it is given', () => {
    const { actions } = setup();
    const statements = actions.find((a) => a.id === 'aws.ssm.startAutomation')!.permissions!(
      inputs['aws.ssm.startAutomation'],
    );
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: `arn:aws:iam::${ACCOUNT}:role/automation`,
    });
  });

  it('grants CancelCommand / StopAutomationExecution only where the step stops what it started', () => {
    const { actions } = setup();
    const granted = (id: string, input: Record<string, unknown>) =>
      actions.find((a) => a.id === id)!.permissions!(input).flatMap((s) => s.Action);
    const command = inputs['aws.ssm.runCommand'];
    expect(granted('aws.ssm.runCommand', command)).toContain('ssm:CancelCommand');
    expect(granted('aws.ssm.runCommand', { ...command, onAbort: 'leave' })).not.toContain(
      'ssm:CancelCommand',
    );
    const { onAbort: _stop, ...automation } = inputs['aws.ssm.startAutomation'];
    expect(granted('aws.ssm.startAutomation', automation)).not.toContain('ssm:StopAutomationExecution');
  });

  it('writes the partition and `*` when region and account are unknown', () => {
    const actions = awsActions({ env: {} });
    const reboot = actions.find((a) => a.id === 'aws.ec2.reboot')!;
    expect(reboot.permissions!({ instanceIds: [INSTANCE] })).toEqual([
      { Effect: 'Allow', Action: ['ec2:RebootInstances'], Resource: `arn:aws:ec2:*:*:instance/${INSTANCE}` },
    ]);
    expect(reboot.permissions!({ instanceIds: [INSTANCE], region: 'cn-north-1' })).toEqual([
      {
        Effect: 'Allow',
        Action: ['ec2:RebootInstances'],
        Resource: `arn:aws-cn:ec2:cn-north-1:*:instance/${INSTANCE}`,
      },
    ]);
  });
});

describe('planPermissions() grant what plan() reads, read-only (shadow mode)', () => {
  for (const id of AWS_ACTION_IDS) {
    it(`${id}: plan() calls are granted; a DryRun preflight by permissions(), every other read by planPermissions()`, async () => {
      const { actions, sent } = setup();
      const action = actions.find((a) => a.id === id)!;
      if (action.plan === undefined) return expect('planPermissions' in action).toBe(false);
      await action.plan(inputs[id], createTestContext());
      const calls = sent();
      const reads = calls.filter((c) => c.input.DryRun !== true);
      const planned = action.planPermissions?.(inputs[id]) ?? [];
      for (const call of reads)
        for (const resource of resourcesOf(call.action, call.input))
          expect(allows(planned, call.action, resource), `${call.action} on ${resource}`).toBe(true);
      for (const call of calls.filter((c) => c.input.DryRun === true))
        for (const resource of resourcesOf(call.action, call.input))
          expect(allows(action.permissions!(inputs[id]), call.action, resource)).toBe(true);
      const read = new Set(reads.map((c) => c.action));
      expect(planned.flatMap((s) => s.Action).filter((a) => !read.has(a))).toEqual([]);
    });
  }
});

describe('playbookPermissions', () => {
  it('unions the steps of a playbook with templates as `*`, plus its secrets', async () => {
    const playbook = await loadPlaybook(
      fileURLToPath(new URL('./fixtures/reboot-by-tag.yaml', import.meta.url)),
    );
    const policy = playbookPermissions(awsActions({ env: {} }), {
      ...(playbook.data as object),
      secrets: {
        sshKey: { ssm: '/firstline/ssh/private-key' },
        apiKey: { secretsManager: 'firstline/opsgenie', key: 'apiKey' },
      },
    });
    expect(policy).toEqual([
      { Effect: 'Allow', Action: ['ec2:DescribeInstanceStatus', 'ec2:DescribeInstances'], Resource: '*' },
      { Effect: 'Allow', Action: ['ec2:RebootInstances'], Resource: 'arn:aws:ec2:*:*:instance/*' },
      {
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: 'arn:aws:secretsmanager:*:*:secret:firstline/opsgenie-??????',
      },
      {
        Effect: 'Allow',
        Action: ['ssm:GetParameter'],
        Resource: 'arn:aws:ssm:*:*:parameter/firstline/ssh/private-key',
      },
    ]);
  });
});

describe('playbookPermissions with a whole list templated, and in shadow mode', () => {
  const playbook = {
    checks: [{ id: 'alarm', action: 'aws.cloudwatch.alarmState', with: { alarmName: 'web-5xx' } }],
    remediate: [
      { id: 'reboot', action: 'aws.ec2.reboot', with: { instanceIds: '{{ inputs.instanceIds }}' } },
      { id: 'quiet', action: 'aws.cloudwatch.setAlarmState', with: { alarmName: 'web-5xx', state: 'OK' } },
    ],
  };

  it('a list given as one {{ }} is every resource of its type, not a crash', () => {
    expect(playbookPermissions(awsActions({ env: {} }), playbook)).toContainEqual({
      Effect: 'Allow',
      Action: ['ec2:RebootInstances'],
      Resource: 'arn:aws:ec2:*:*:instance/*',
    });
  });

  it('{ shadow: true }: the probe and the plan reads, no call that changes anything', () => {
    const shadow = playbookPermissions(awsActions({ env: {} }), playbook, {}, { shadow: true });
    expect(shadow).toEqual([
      {
        Effect: 'Allow',
        Action: ['cloudwatch:DescribeAlarms'],
        Resource: 'arn:aws:cloudwatch:*:*:alarm:web-5xx',
      },
    ]);
  });
});

// The example playbooks were written against stand-in schemas; the real actions must accept them.
const examples = fileURLToPath(new URL('../../../examples/playbooks/', import.meta.url));
const exampleFiles = await readdir(examples).catch(() => [] as string[]);

describe.skipIf(exampleFiles.length === 0)('the example playbooks', () => {
  const aws = awsActions({ region: REGION });
  const ids = new Set(aws.map((a) => a.id));

  for (const file of exampleFiles.filter((f) => f.endsWith('.yaml') && !f.endsWith('.scenarios.yaml'))) {
    it(`${file} validates with the real AWS actions`, async () => {
      const playbook = await loadPlaybook(`${examples}${file}`);
      // Other packages' actions are stood in by permissive definitions: only ours are under test.
      const others = [...JSON.stringify(playbook.data).matchAll(/"action":"([^"]+)"/g)]
        .map((m) => m[1]!)
        .filter((id, i, all) => !ids.has(id) && all.indexOf(id) === i && !id.startsWith('core.'))
        .map((id): ActionDefinition =>
          defineAction({
            id,
            kind: /^(slack|opsgenie|github)\./.test(id) ? 'notify' : 'probe',
            description: 'stand-in',
            input: { type: 'object' },
            run: () => Promise.resolve({}),
          }),
        );
      const result = validatePlaybook(playbook, { actions: [...aws, ...others] });
      expect(result.issues).toEqual([]);
    });
  }
});
