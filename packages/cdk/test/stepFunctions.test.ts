import { Template } from 'aws-cdk-lib/assertions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import validator from 'asl-validator';
import jsonata from 'jsonata';
import { describe, expect, test } from 'vitest';
import { awsActions, playbookPermissions } from '@firstline/actions-aws';
import { parseAlarmEvent } from '@firstline/actions-aws/triggers';
import { loadPlaybook } from '@firstline/core';
import type { IamStatement } from '@firstline/core';
import { exportAsl } from '@firstline/stepfunctions';
import { runAslLocally } from '../../../test/support/stepfunctions/index.js';
import type { AslDefinition } from '../../../test/support/stepfunctions/index.js';
import { bindInputs } from '../src/index.js';
import type { FirstlineResponderProps } from '../src/index.js';
import { responderActions } from '../src/responderPlaybooks.js';
import { ALARM_STATE } from '../src/stepFunctionsEngine.js';
import { ACCOUNT, examplePlaybook, fixture, INSTANCE, list, REGION, responderStack } from './support.js';
import type { Json } from './support.js';

// The Step Functions engine synthesized in-process and read with CDK's assertions.

const runnerBundle = fixture('fake-bundle/action-runner.mjs');
const scope = { region: REGION, accountId: ACCOUNT };
const ec2 = {
  file: examplePlaybook('ec2-first-line.yaml'),
  alarms: ['cpu-*'],
  inputs: { instanceId: INSTANCE, url: 'https://app.example.com/health', healthCheckId: 'hc-1' },
};
const asg = { file: examplePlaybook('asg-self-heal.yaml'), alarms: ['*-status-check'], namespace: 'AWS/EC2' };

function sfnStack(extra: Partial<FirstlineResponderProps> = {}) {
  return responderStack({
    engine: 'stepfunctions',
    handlerBundle: undefined,
    runnerBundle,
    playbooks: [ec2, asg],
    ...extra,
  });
}

type Resource = { Type: string; Properties: Json };
const resources = (template: Template, type: string) =>
  Object.entries(template.findResources(type) as Record<string, Resource>);

/** The logical id of the one resource of `type` whose id starts with `prefix`. */
function logicalId(template: Template, type: string, prefix: string): string {
  const ids = resources(template, type)
    .map(([id]) => id)
    .filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0]!;
}

/** The statements of the policy attached to the role `roleId`. */
function roleStatements(template: Template, roleId: string): IamStatement[] {
  const policies = resources(template, 'AWS::IAM::Policy').filter(([, p]) =>
    list(p.Properties.Roles as Json[]).some((r) => r.Ref === roleId),
  );
  expect(policies).toHaveLength(1);
  return list((policies[0]![1].Properties.PolicyDocument as { Statement: IamStatement[] }).Statement);
}

const LOG_DELIVERY = [
  'logs:CreateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:DescribeLogGroups',
  'logs:DescribeResourcePolicies',
  'logs:GetLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:UpdateLogDelivery',
];

/** Statements as `{ resource: sorted actions }`, resources JSON-encoded (CloudFormation tokens included). */
function byResource(statements: IamStatement[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const s of statements)
    for (const resource of list(s.Resource as unknown)) {
      const key = typeof resource === 'string' ? resource : JSON.stringify(resource);
      out[key] = [...new Set([...(out[key] ?? []), ...list(s.Action)])].sort();
    }
  return out;
}

/** A CloudWatch alarm event as EventBridge delivers it: one metric on one instance. */
const event = {
  version: '0',
  id: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
  'detail-type': 'CloudWatch Alarm State Change',
  source: 'aws.cloudwatch',
  account: ACCOUNT,
  time: '2026-12-06T20:00:00Z',
  region: REGION,
  resources: [`arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:cpu-web-1`],
  detail: {
    alarmName: 'cpu-web-1',
    state: { value: 'ALARM', reason: 'Threshold Crossed', timestamp: '2026-12-06T20:00:00.000+0000' },
    previousState: { value: 'OK', reason: 'fine', timestamp: '2026-12-06T19:00:00.000+0000' },
    configuration: {
      metrics: [
        {
          id: 'm1',
          metricStat: {
            metric: {
              namespace: 'AWS/EC2',
              name: 'CPUUtilization',
              dimensions: { InstanceId: 'i-0abc1234' },
            },
            period: 60,
            stat: 'Average',
          },
          returnData: true,
        },
      ],
    },
  },
};
describe("FirstlineResponder engine 'stepfunctions': the state machines", () => {
  test('one STANDARD state machine per playbook: the exported definition after the alarm state, runner and table substituted', async () => {
    const { stack } = sfnStack();
    const template = Template.fromStack(stack);
    const machines = resources(template, 'AWS::StepFunctions::StateMachine');
    expect(machines).toHaveLength(2);
    const runnerId = logicalId(template, 'AWS::Lambda::Function', 'FirstlineActionRunner');
    const tableId = logicalId(template, 'AWS::DynamoDB::Table', 'FirstlineRuns');
    for (const [file, prefix, substitutions] of [
      [
        ec2.file,
        'FirstlineMachineec2firstline',
        { ActionRunnerArn: { 'Fn::GetAtt': [runnerId, 'Arn'] }, FirstlineTable: { Ref: tableId } },
      ],
      [asg.file, 'FirstlineMachineasgselfheal', { ActionRunnerArn: { 'Fn::GetAtt': [runnerId, 'Arn'] } }],
    ] as const) {
      const id = logicalId(template, 'AWS::StepFunctions::StateMachine', prefix);
      const props = machines.find(([machineId]) => machineId === id)![1].Properties;
      expect(props.StateMachineType).toBe('STANDARD');
      expect(props.DefinitionSubstitutions).toEqual(substitutions);
      expect(props.LoggingConfiguration).toMatchObject({ Level: 'ERROR', IncludeExecutionData: true });
      const definition = JSON.parse(props.DefinitionString as string) as {
        StartAt: string;
        States: Record<string, Json>;
      };
      const exported = exportAsl(await loadPlaybook(file), { actions: responderActions(scope) }).definition;
      // What is deployed, alarm state included, is valid Amazon States Language.
      const checked = validator(structuredClone(definition), { checkArn: false, checkPaths: true });
      expect(checked.errors, checked.errorsText('\n')).toEqual([]);
      expect(definition.StartAt).toBe(ALARM_STATE);
      expect(definition.States[ALARM_STATE]).toMatchObject({ Type: 'Pass', Next: exported.StartAt });
      const { [ALARM_STATE]: _alarm, ...rest } = definition.States;
      expect({ ...definition, StartAt: exported.StartAt, States: rest }).toEqual(exported);
    }
  });

  test('no resume schedule, no stuck-runs filters; alarms on each machine and on the runner', () => {
    const { stack, responder } = sfnStack();
    const template = Template.fromStack(stack);
    for (const [, machine] of resources(template, 'AWS::StepFunctions::StateMachine'))
      expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: false });
    expect(responder.resumeRule).toBeUndefined();
    expect(responder.stuckRunsMetric).toBeUndefined();
    template.resourceCountIs('AWS::Logs::MetricFilter', 0);
    expect(responder.actionRunner).toBe(responder.fn);
    expect(Object.keys(responder.stateMachines)).toEqual(['ec2-first-line', 'asg-self-heal']);
    const alarms = resources(template, 'AWS::CloudWatch::Alarm').map(([, a]) => [
      a.Properties.Namespace,
      a.Properties.MetricName,
    ]);
    expect(alarms.sort()).toEqual(
      [
        ['AWS/Lambda', 'Errors'],
        ['AWS/Lambda', 'Throttles'],
        ['AWS/States', 'ExecutionsFailed'],
        ['AWS/States', 'ExecutionsFailed'],
        ['AWS/States', 'ExecutionsTimedOut'],
        ['AWS/States', 'ExecutionsTimedOut'],
      ].sort(),
    );
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'action-runner.handler',
      Architectures: ['arm64'],
    });
  });
});

describe("FirstlineResponder engine 'stepfunctions': the roles", () => {
  test("each state machine's role: invoke the runner, its native tasks' statements, the table only when it locks or budgets, log delivery", () => {
    const { stack } = sfnStack();
    const template = Template.fromStack(stack);
    const runnerArn = {
      'Fn::GetAtt': [logicalId(template, 'AWS::Lambda::Function', 'FirstlineActionRunner'), 'Arn'],
    };
    const tableArn = { 'Fn::GetAtt': [logicalId(template, 'AWS::DynamoDB::Table', 'FirstlineRuns'), 'Arn'] };
    const machineRole = (prefix: string) =>
      (
        resources(template, 'AWS::StepFunctions::StateMachine').find(([id]) => id.startsWith(prefix))![1]
          .Properties.RoleArn as { 'Fn::GetAtt': [string, string] }
      )['Fn::GetAtt'][0];
    expect(byResource(roleStatements(template, machineRole('FirstlineMachineec2firstline')))).toEqual({
      [JSON.stringify(runnerArn)]: ['lambda:InvokeFunction'],
      [`arn:aws:ec2:${REGION}:${ACCOUNT}:instance/${INSTANCE}`]: ['ec2:RebootInstances'],
      [JSON.stringify(tableArn)]: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem'],
      '*': LOG_DELIVERY,
    });
    // asg-self-heal: native status and mark-unhealthy, no lock or budget.
    expect(byResource(roleStatements(template, machineRole('FirstlineMachineasgselfheal')))).toEqual({
      [JSON.stringify(runnerArn)]: ['lambda:InvokeFunction'],
      // The playbook's region is an input: `*`, as the Lambda engine's policy has it.
      [`arn:aws:autoscaling:*:${ACCOUNT}:autoScalingGroup:*:autoScalingGroupName/*`]: [
        'autoscaling:SetInstanceHealth',
      ],
      '*': [...LOG_DELIVERY, 'autoscaling:DescribeAutoScalingInstances', 'ec2:DescribeInstanceStatus'].sort(),
    });
  });

  test("the runner's role: its steps' statements (notifications and region fallbacks included), never the table; with the machines', exactly the Lambda engine's", async () => {
    const { stack, responder } = sfnStack();
    const template = Template.fromStack(stack);
    const runner = roleStatements(template, logicalId(template, 'AWS::IAM::Role', 'FirstlineRole'));
    const playbookActions = (statements: IamStatement[]) =>
      [...new Set(statements.flatMap((s) => list(s.Action)))]
        .filter((a) => !/^(logs|lambda|dynamodb):/.test(a))
        .sort();
    // ec2-first-line reboots natively; asg-self-heal's steps may fall back to the runner for another region.
    expect(playbookActions(runner)).toEqual([
      'autoscaling:DescribeAutoScalingInstances',
      'autoscaling:SetInstanceHealth',
      'cloudwatch:GetMetricData',
      'ec2:DescribeInstanceStatus',
      'route53:GetHealthCheckStatus',
    ]);
    expect(runner.flatMap((s) => list(s.Action)).filter((a) => a.startsWith('dynamodb:'))).toEqual([]);
    const machines = Object.values(responder.machines).flatMap((m) => m.machineStatements);
    const aws = awsActions(scope);
    const lambdaEngine: IamStatement[] = [];
    for (const p of [ec2, asg])
      lambdaEngine.push(
        ...playbookPermissions(
          aws,
          bindInputs((await loadPlaybook(p.file)).data as object, 'inputs' in p ? p.inputs : {}),
          scope,
        ),
      );
    expect(byResource([...runner.filter((s) => !/^logs:/.test(list(s.Action)[0]!)), ...machines])).toEqual(
      byResource(lambdaEngine),
    );
  });

  test('a playbook with secrets: the runner reads them, the state machine does not', () => {
    const { stack, responder } = sfnStack({
      playbooks: [{ file: fixture('reboot-with-secrets.yaml'), inputs: { instanceId: INSTANCE } }],
    });
    const template = Template.fromStack(stack);
    const runner = roleStatements(template, logicalId(template, 'AWS::IAM::Role', 'FirstlineRole'));
    expect(runner.flatMap((s) => list(s.Action))).toEqual(
      expect.arrayContaining(['ssm:GetParameter', 'secretsmanager:GetSecretValue']),
    );
    expect(
      responder.machines['reboot-with-secrets']!.machineStatements.flatMap((s) => list(s.Action)),
    ).toEqual(['ec2:RebootInstances']);
  });
});

describe("FirstlineResponder engine 'stepfunctions': the routes", () => {
  test("each alarm rule targets its playbook's state machine with the event as is, namespace and metric filtered by the rule", () => {
    const { stack } = sfnStack();
    const template = Template.fromStack(stack);
    const rules = resources(template, 'AWS::Events::Rule');
    expect(rules).toHaveLength(2);
    for (const [alarmName, machinePrefix, metric] of [
      [{ prefix: 'cpu-' }, 'FirstlineMachineec2firstline', undefined],
      [{ suffix: '-status-check' }, 'FirstlineMachineasgselfheal', { namespace: ['AWS/EC2'] }],
    ] as const) {
      const rule = rules.find(([, r]) =>
        JSON.stringify((r.Properties.EventPattern as Json).detail).includes(JSON.stringify(alarmName)),
      )![1].Properties;
      expect(rule.EventPattern).toEqual({
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        detail: {
          alarmName: [alarmName],
          state: { value: ['ALARM'] },
          ...(metric && { configuration: { metrics: { metricStat: { metric } } } }),
        },
      });
      const [target] = rule.Targets as Json[];
      expect(target!.Arn).toEqual({
        Ref: logicalId(template, 'AWS::StepFunctions::StateMachine', machinePrefix),
      });
      expect(target!.Input).toBeUndefined();
      expect(target!.InputTransformer).toBeUndefined();
      expect(target!.RoleArn).toBeDefined();
    }
    // EventBridge's roles (one per state machine) may start those two state machines, nothing else.
    const eventsRoles = resources(template, 'AWS::IAM::Role')
      .filter(([, r]) =>
        JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('events.amazonaws.com'),
      )
      .map(([id]) => id);
    expect(byResource(eventsRoles.flatMap((id) => roleStatements(template, id)))).toEqual(
      Object.fromEntries(
        ['FirstlineMachineec2firstline', 'FirstlineMachineasgselfheal'].map((prefix) => [
          JSON.stringify({ Ref: logicalId(template, 'AWS::StepFunctions::StateMachine', prefix) }),
          ['states:StartExecution'],
        ]),
      ),
    );
  });

  test("the alarm state gives { inputs, trigger } as the Lambda engine's parseAlarmEvent and routing give them", async () => {
    const { responder } = sfnStack();
    const state = responder.machines['ec2-first-line']!.definition.States[ALARM_STATE] as { Output: string };
    const run = (input: unknown) =>
      jsonata(state.Output.slice(2, -2)).evaluate({}, { states: { input } }) as Promise<Json>;
    const parsed = parseAlarmEvent(event)!;
    const declared = ['instanceId', 'url', 'healthCheckId', 'region'];
    const { time: _time, ...trigger } = parsed.trigger;
    const result = await run(event);
    // What the alarm offers that the playbook declares, then the fixed inputs over it.
    expect(result.inputs).toEqual({
      ...Object.fromEntries(Object.entries(parsed.inputs).filter(([k]) => declared.includes(k))),
      ...ec2.inputs,
    });
    expect(result.inputs).toMatchObject({ instanceId: INSTANCE, region: REGION });
    expect(result.trigger).toEqual({ ...trigger, time: event.time });

    // Left to the alarm, the instance comes from its one InstanceId dimension; two instances name none.
    const open = sfnStack({ playbooks: [{ file: ec2.file, alarms: ['cpu-*'] }] }).responder;
    const openState = open.machines['ec2-first-line']!.definition.States[ALARM_STATE] as { Output: string };
    const runOpen = (input: unknown) =>
      jsonata(openState.Output.slice(2, -2)).evaluate({}, { states: { input } }) as Promise<Json>;
    expect((await runOpen(event)).inputs).toEqual({ instanceId: 'i-0abc1234', region: REGION });
    const two = structuredClone(event);
    two.detail.configuration.metrics.push({
      ...two.detail.configuration.metrics[0]!,
      id: 'm2',
      metricStat: {
        ...two.detail.configuration.metrics[0]!.metricStat,
        metric: { namespace: 'AWS/EC2', name: 'CPUUtilization', dimensions: { InstanceId: 'i-0def5678' } },
      },
    });
    expect(parseAlarmEvent(two)!.inputs.instanceId).toBeUndefined();
    expect((await runOpen(two)).inputs).toEqual({ region: REGION });

    // A direct StartExecution input passes as it is.
    const direct = { inputs: { instanceId: 'i-0fedcba9' }, trigger: { type: 'manual' } };
    expect(await run(direct)).toEqual(direct);
  });
});

describe("FirstlineResponder engine 'stepfunctions': the deployed definition, run", () => {
  // The template's definition on the repository's local ASL interpreter (test/support/stepfunctions),
  // started by an EventBridge alarm event as the rule delivers it. Its Tasks are fakes, named so: the
  // native reboot and the runner's Slack post answer as AWS and the runner would.
  test('an alarm event starts the run: the instance from its dimension reaches the native reboot', async () => {
    const { stack } = sfnStack({
      playbooks: [{ file: fixture('reboot-with-secrets.yaml'), alarms: ['cpu-*'] }],
    });
    const [[, machine]] = resources(Template.fromStack(stack), 'AWS::StepFunctions::StateMachine') as [
      [string, Resource],
    ];
    const definition = JSON.parse(machine.Properties.DefinitionString as string) as AslDefinition;
    const run = (input: unknown) =>
      runAslLocally(definition, input, {
        taskHandler: (_state, resource) =>
          Promise.resolve(
            resource === 'arn:aws:states:::lambda:invoke'
              ? { Payload: { outcome: 'pass', output: { ok: true } }, StatusCode: 200 }
              : {},
          ),
        context: { Execution: { Name: 'run-1', StartTime: '2026-12-06T20:00:01.000Z' } },
      });
    const rebootsOf = (result: Awaited<ReturnType<typeof run>>) =>
      result.calls
        .filter((c) => c.resource === 'arn:aws:states:::aws-sdk:ec2:rebootInstances')
        .map((c) => c.input);
    const fromAlarm = await run(event);
    expect(fromAlarm.status).toBe('SUCCEEDED');
    expect(fromAlarm.output).toMatchObject({ outcome: 'rebooted' });
    expect(rebootsOf(fromAlarm)).toEqual([{ InstanceIds: ['i-0abc1234'] }]);
    // The runner's call carries the secret's reference, never a value.
    const slack = fromAlarm.calls.find((c) => c.resource === 'arn:aws:states:::lambda:invoke')!;
    expect(JSON.stringify(slack.input)).toContain('/firstline/slack-token');

    const direct = await run({ inputs: { instanceId: 'i-0fedcba98' } });
    expect(rebootsOf(direct)).toEqual([{ InstanceIds: ['i-0fedcba98'] }]);
  });
});

describe("FirstlineResponder engine 'stepfunctions': what fails synth", () => {
  test('a playbook Step Functions cannot run: E_ASL_UNSUPPORTED naming the file and step', () => {
    const file = fixture('linear-retry.yaml');
    const make = () => sfnStack({ playbooks: [{ file }] });
    expect(make).toThrow(expect.objectContaining({ code: 'E_ASL_UNSUPPORTED' }));
    expect(make).toThrow(`${file}: step "reboot": retry.backoff: linear`);
    // The Lambda engine runs it.
    expect(() => responderStack({ playbooks: [{ file }] })).not.toThrow();
  });

  test.each<[string, Partial<FirstlineResponderProps>, string]>([
    [
      'SNS topics',
      { topics: [] as sns.ITopic[] },
      "topics is for engine 'lambda', not 'stepfunctions': the Step Functions engine takes alarms through EventBridge only",
    ],
    [
      'the handler bundle',
      { handlerBundle: fixture('fake-bundle/handler.mjs') },
      'handlerBundle is for engine',
    ],
    ['a missing runner bundle', { runnerBundle: fixture('nope.mjs') }, 'runnerBundle'],
  ])('%s: E_DEPLOY_CONFIG', (_, extra, message) => {
    const make = () => sfnStack(extra);
    expect(make).toThrow(expect.objectContaining({ code: 'E_DEPLOY_CONFIG' }));
    expect(make).toThrow(message);
  });

  test('tracing: X-Ray on every state machine', () => {
    const template = Template.fromStack(sfnStack({ tracing: true }).stack);
    for (const [, machine] of resources(template, 'AWS::StepFunctions::StateMachine'))
      expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: true });
  });

  test('runner props with the Lambda engine: E_DEPLOY_CONFIG', () => {
    expect(() => responderStack({ runnerBundle, tracing: true })).toThrow(
      "runnerBundle, tracing are for engine 'stepfunctions', not 'lambda'",
    );
  });
});
