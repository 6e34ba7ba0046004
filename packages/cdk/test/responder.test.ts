import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, test } from 'vitest';
import { awsActions, playbookPermissions } from '@firstline/actions-aws';
import { loadPlaybook } from '@firstline/core';
import type { IamStatement } from '@firstline/core';
import { RUN_PAST_DEADLINE } from '@firstline/lambda';
import { runStoreTableSchema, RUN_STORE_TTL_ATTRIBUTE } from '@firstline/store-dynamodb';
import { bindInputs, FirstlineResponder } from '../src/index.js';
import {
  ACCOUNT,
  examplePlaybook,
  fakeBundle,
  fixture,
  INSTANCE,
  list,
  REGION,
  responderStack,
} from './support.js';
import type { Json } from './support.js';

// The construct synthesized in-process and read with CDK's assertions: what CloudFormation would get.

type Resource = { Type: string; Properties: Json };

function resources(template: Template, type: string): Array<[string, Resource]> {
  return Object.entries(template.findResources(type) as Record<string, Resource>);
}

function policyStatements(template: Template): IamStatement[] {
  const policies = resources(template, 'AWS::IAM::Policy');
  expect(policies).toHaveLength(1);
  return list((policies[0]![1].Properties.PolicyDocument as { Statement: IamStatement[] }).Statement);
}

/** Statements whose actions all belong to the run store, logs, queues or the environment secret. */
const infrastructure = /^(dynamodb|logs|sqs|secretsmanager:DescribeSecret|kms):/;

function normalize(statement: IamStatement): Json {
  return {
    Action: [...list(statement.Action)].sort(),
    Resource: list(statement.Resource),
    Condition: statement.Condition,
  };
}

describe('FirstlineResponder: the IAM policy', () => {
  test("lists exactly the playbooks' actions, as playbookPermissions computes them with the fixed inputs bound", async () => {
    const playbooks = [
      {
        file: examplePlaybook('ec2-first-line.yaml'),
        alarms: ['cpu-*'],
        inputs: { instanceId: INSTANCE, url: 'https://app.example.com/health', healthCheckId: 'hc-1' },
      },
      { file: examplePlaybook('asg-self-heal.yaml'), alarms: ['*-status-check'] },
    ];
    const { stack } = responderStack({ playbooks });
    const statements = policyStatements(Template.fromStack(stack));
    const scope = { region: REGION, accountId: ACCOUNT };
    const aws = awsActions(scope);
    const expected: IamStatement[] = [];
    for (const p of playbooks)
      expected.push(
        ...playbookPermissions(
          aws,
          bindInputs((await loadPlaybook(p.file)).data as object, p.inputs ?? {}),
          scope,
        ),
      );
    const playbookActions = (s: IamStatement[]) =>
      [...new Set(s.flatMap((x) => list(x.Action)).filter((a) => !infrastructure.test(a)))].sort();
    expect(playbookActions(statements)).toEqual(playbookActions(expected));
    expect(playbookActions(statements)).toEqual([
      'autoscaling:DescribeAutoScalingInstances',
      'autoscaling:SetInstanceHealth',
      'cloudwatch:GetMetricData',
      'ec2:DescribeInstanceStatus',
      'ec2:RebootInstances',
      'route53:GetHealthCheckStatus',
    ]);
    // Statement by statement (merged across playbooks): nothing missing, nothing more.
    const playbookStatements = statements.filter((s) => !list(s.Action).every((a) => infrastructure.test(a)));
    const wanted = new Map<string, Set<string>>();
    for (const s of expected) {
      const key = JSON.stringify(list(s.Resource));
      wanted.set(key, new Set([...(wanted.get(key) ?? []), ...list(s.Action)]));
    }
    expect(
      Object.fromEntries(
        playbookStatements.map((s) => [JSON.stringify(list(s.Resource)), [...list(s.Action)].sort()]),
      ),
    ).toEqual(Object.fromEntries([...wanted].map(([key, actions]) => [key, [...actions].sort()])));
  });

  test('a fixed instanceId scopes the reboot to that instance; left to the alarm, to the region and account', () => {
    const reboot = (inputs: Record<string, string>) =>
      policyStatements(
        Template.fromStack(
          responderStack({
            playbooks: [{ file: examplePlaybook('ec2-first-line.yaml'), alarms: ['cpu-*'], inputs }],
          }).stack,
        ),
      ).find((s) => list(s.Action).includes('ec2:RebootInstances'));
    expect(reboot({ instanceId: INSTANCE })?.Resource).toBe(
      `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/${INSTANCE}`,
    );
    expect(reboot({})?.Resource).toBe(`arn:aws:ec2:${REGION}:${ACCOUNT}:instance/*`);
  });

  test('`*` only where the action has no resource-level permission (cloudwatch:GetMetricData, ec2:Describe*)', () => {
    const { stack } = responderStack();
    for (const statement of policyStatements(Template.fromStack(stack))) {
      expect(statement.Effect).toBe('Allow');
      for (const action of list(statement.Action)) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
      if (list(statement.Resource).includes('*'))
        expect(list(statement.Action)).toEqual(['cloudwatch:GetMetricData']);
    }
  });

  test('secrets: exactly the SSM parameters and Secrets Manager secrets the playbook references; kms:Decrypt only for given keys', () => {
    const { stack } = responderStack({
      playbooks: [{ file: fixture('reboot-with-secrets.yaml'), alarms: ['reboot-*'] }],
    });
    const statements = policyStatements(Template.fromStack(stack)).map(normalize);
    expect(statements).toContainEqual({
      Action: ['ssm:GetParameter'],
      Resource: [`arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/firstline/slack-token`],
      Condition: undefined,
    });
    expect(statements).toContainEqual({
      Action: ['secretsmanager:GetSecretValue'],
      Resource: [`arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:firstline/opsgenie-??????`],
      Condition: undefined,
    });
    const secretActions = statements
      .flatMap((s) => s.Action as string[])
      .filter((a) => /^(ssm|secretsmanager|kms):/.test(a));
    expect(secretActions.sort()).toEqual(['secretsmanager:GetSecretValue', 'ssm:GetParameter']);

    const keyArn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/00000000-0000-0000-0000-000000000000`;
    const keyed = responderStack((stack) => ({
      playbooks: [{ file: fixture('reboot-with-secrets.yaml'), alarms: ['reboot-*'] }],
      secretKeys: [kms.Key.fromKeyArn(stack, 'Key', keyArn)],
    }));
    expect(policyStatements(Template.fromStack(keyed.stack))).toContainEqual({
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: keyArn,
      Condition: {
        StringEquals: {
          'kms:ViaService': [`ssm.${REGION}.amazonaws.com`, `secretsmanager.${REGION}.amazonaws.com`],
        },
      },
    });
  });

  test('the environment secret (notifier keys) is readable and named to the function; no secret, no grant', () => {
    const { stack } = responderStack((s) => ({
      environmentSecret: secretsmanager.Secret.fromSecretNameV2(s, 'Env', 'firstline/notifiers'),
    }));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ FIRSTLINE_SECRET: 'firstline/notifiers' }) },
    });
    const read = policyStatements(template).find((s) =>
      list(s.Action).includes('secretsmanager:DescribeSecret'),
    );
    expect(JSON.stringify(read?.Resource)).toContain(
      `:secretsmanager:${REGION}:${ACCOUNT}:secret:firstline/notifiers-??????`,
    );
    const bare = policyStatements(Template.fromStack(responderStack().stack));
    expect(bare.flatMap((s) => list(s.Action)).filter((a) => a.startsWith('secretsmanager:'))).toEqual([]);
  });
});

describe('FirstlineResponder: routes, schedule, table, alarms', () => {
  test('an EventBridge rule per alarm pattern: state ALARM only, exact, prefix, suffix or wildcard', () => {
    const { stack, responder } = responderStack({
      playbooks: [
        {
          file: examplePlaybook('ec2-first-line.yaml'),
          alarms: ['cpu-high', 'cpu-*', 'web-*-cpu'],
          inputs: { url: 'https://app.example.com/health', healthCheckId: 'hc-1' },
        },
        { file: examplePlaybook('asg-self-heal.yaml'), alarms: ['*-status-check', '*'] },
      ],
    });
    const template = Template.fromStack(stack);
    const rules = resources(template, 'AWS::Events::Rule')
      .map(([, r]) => r.Properties)
      .filter((p) => p.EventPattern);
    expect(rules.map((r) => r.EventPattern)).toEqual(
      [
        { alarmName: ['cpu-high'] },
        { alarmName: [{ prefix: 'cpu-' }] },
        { alarmName: [{ wildcard: 'web-*-cpu' }] },
        { alarmName: [{ suffix: '-status-check' }] },
        {},
      ].map((name) => ({
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        detail: { ...name, state: { value: ['ALARM'] } },
      })),
    );
    const fnArn = stack.resolve(responder.fn.functionArn) as Json;
    const dlqArn = stack.resolve(responder.deadLetterQueue.queueArn) as Json;
    for (const rule of rules)
      expect(rule.Targets).toEqual([
        expect.objectContaining({
          Arn: fnArn,
          DeadLetterConfig: { Arn: dlqArn },
          RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 4 },
        }),
      ]);
    // The handler routes by the same patterns, with each playbook's fixed inputs.
    const variables = resources(template, 'AWS::Lambda::Function')[0]![1].Properties.Environment as {
      Variables: Record<string, string>;
    };
    expect(JSON.parse(variables.Variables.FIRSTLINE_PLAYBOOKS!)).toEqual(['ec2-first-line', 'asg-self-heal']);
    expect(JSON.parse(variables.Variables.FIRSTLINE_ROUTES!)).toEqual([
      ...['cpu-high', 'cpu-*', 'web-*-cpu'].map((alarm) => ({
        playbook: 'ec2-first-line',
        alarm,
        inputs: { url: 'https://app.example.com/health', healthCheckId: 'hc-1' },
      })),
      { playbook: 'asg-self-heal', alarm: '*-status-check', inputs: {} },
      { playbook: 'asg-self-heal', alarm: '*', inputs: {} },
    ]);
  });

  test('the resume rule: rate(1 minute) → the function with { firstline: "resumeDue" }, no retries', () => {
    const { stack, responder } = responderStack();
    const [resume] = resources(Template.fromStack(stack), 'AWS::Events::Rule')
      .map(([, r]) => r.Properties)
      .filter((p) => p.ScheduleExpression);
    expect(resume?.ScheduleExpression).toBe('rate(1 minute)');
    const [target] = resume!.Targets as Json[];
    expect(target).toMatchObject({
      Arn: stack.resolve(responder.fn.functionArn) as Json,
      RetryPolicy: { MaximumRetryAttempts: 0 },
    });
    expect(JSON.parse(target!.Input as string)).toEqual({ firstline: 'resumeDue' });
  });

  test("the function: Node.js 24 on arm64, the bundle's handler, its own log group, the table named to it", () => {
    const { stack, responder } = responderStack({ reservedConcurrency: 5 });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'handler.handler',
      Timeout: 300,
      MemorySize: 512,
      ReservedConcurrentExecutions: 5,
      LoggingConfig: { LogFormat: 'JSON', LogGroup: stack.resolve(responder.logGroup.logGroupName) as Json },
      Environment: {
        Variables: Match.objectLike({ FIRSTLINE_TABLE: stack.resolve(responder.table.tableName) as Json }),
      },
    });
  });

  test("the table is store-dynamodb's schema with TTL and point-in-time recovery, retained unless told", () => {
    const schema = runStoreTableSchema('any');
    const template = Template.fromStack(responderStack().stack);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: schema.BillingMode,
        KeySchema: schema.KeySchema,
        GlobalSecondaryIndexes: schema.GlobalSecondaryIndexes,
        TimeToLiveSpecification: { AttributeName: RUN_STORE_TTL_ATTRIBUTE, Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    });
    Template.fromStack(responderStack({ tableRemovalPolicy: RemovalPolicy.DESTROY }).stack).hasResource(
      'AWS::DynamoDB::Table',
      { DeletionPolicy: 'Delete' },
    );
  });

  test('an existing table is used, not created, and granted', () => {
    const { stack } = responderStack((s) => ({
      table: dynamodb.Table.fromTableName(s, 'Existing', 'firstline-runs'),
    }));
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ FIRSTLINE_TABLE: 'firstline-runs' }) },
    });
    const onTable = policyStatements(template).filter((s) =>
      JSON.stringify(s.Resource).includes('table/firstline-runs'),
    );
    expect(onTable.flatMap((s) => list(s.Action))).toEqual(
      expect.arrayContaining([
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:Query',
        'dynamodb:Scan',
      ]),
    );
  });

  test('SNS topics → one encrypted SQS queue with a dead-letter queue → the function, partial batch failures', () => {
    const { stack, responder } = responderStack((s) => ({
      topics: [sns.Topic.fromTopicArn(s, 'Alarms', `arn:aws:sns:${REGION}:${ACCOUNT}:cloudwatch-alarms`)],
    }));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:cloudwatch-alarms`,
      Endpoint: stack.resolve(responder.alarmQueue!.queueArn) as Json,
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 1800,
      SqsManagedSseEnabled: true,
      RedrivePolicy: {
        deadLetterTargetArn: stack.resolve(responder.alarmQueueDeadLetters!.queueArn) as Json,
        maxReceiveCount: 5,
      },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: stack.resolve(responder.alarmQueue!.queueArn) as Json,
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    // Without topics there is no queue but the dead letters.
    Template.fromStack(responderStack().stack).resourceCountIs('AWS::SQS::Queue', 1);
  });

  test('the only playbook, without alarm patterns, takes every alarm its topics deliver, with its fixed inputs', () => {
    const { stack } = responderStack((s) => ({
      playbooks: [
        { file: examplePlaybook('asg-self-heal.yaml'), namespace: 'AWS/EC2', inputs: { region: REGION } },
      ],
      topics: [sns.Topic.fromTopicArn(s, 'Alarms', `arn:aws:sns:${REGION}:${ACCOUNT}:cloudwatch-alarms`)],
    }));
    const template = Template.fromStack(stack);
    const variables = resources(template, 'AWS::Lambda::Function')[0]![1].Properties.Environment as {
      Variables: Record<string, string>;
    };
    expect(JSON.parse(variables.Variables.FIRSTLINE_ROUTES!)).toEqual([
      { playbook: 'asg-self-heal', namespace: 'AWS/EC2', inputs: { region: REGION } },
    ]);
    // No EventBridge rule but the resume rule.
    expect(resources(template, 'AWS::Events::Rule').filter(([, r]) => r.Properties.EventPattern)).toEqual([]);
  });

  test('alarms on Errors, Throttles and stuck runs (log metric filters on the lines the handler writes), to the alarm topic', () => {
    const { stack, responder } = responderStack((s) => ({
      alarmTopic: sns.Topic.fromTopicArn(s, 'Pager', `arn:aws:sns:${REGION}:${ACCOUNT}:pager`),
    }));
    const template = Template.fromStack(stack);
    const alarms = resources(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    expect(alarms).toHaveLength(3);
    for (const alarm of alarms)
      expect(alarm).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
        AlarmActions: [`arn:aws:sns:${REGION}:${ACCOUNT}:pager`],
      });
    const fnName = stack.resolve(responder.fn.functionName) as Json;
    expect(alarms.map((a) => [a.Namespace, a.MetricName, a.Dimensions])).toEqual(
      expect.arrayContaining([
        ['AWS/Lambda', 'Errors', [{ Name: 'FunctionName', Value: fnName }]],
        ['AWS/Lambda', 'Throttles', [{ Name: 'FunctionName', Value: fnName }]],
        [responder.stuckRunsMetric!.namespace, 'StuckRuns', undefined],
      ]),
    );
    const filters = resources(template, 'AWS::Logs::MetricFilter').map(([, f]) => f.Properties);
    expect(filters.map((f) => f.FilterPattern).sort()).toEqual([
      '"could not be resumed"',
      `"${RUN_PAST_DEADLINE}"`,
    ]);
    for (const filter of filters)
      expect(filter).toMatchObject({
        LogGroupName: stack.resolve(responder.logGroup.logGroupName) as Json,
        MetricTransformations: [
          {
            MetricNamespace: responder.stuckRunsMetric!.namespace,
            MetricName: 'StuckRuns',
            MetricValue: '1',
            DefaultValue: 0,
          },
        ],
      });
  });

  test('the staged asset: the bundle, its source map, its chunks, and each playbook as playbooks/<name>.yaml', async () => {
    const outdir = await mkdtemp(join(tmpdir(), 'firstline-cdk-asset-'));
    try {
      const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
      const stack = new Stack(app, 'Staged', { env: { account: ACCOUNT, region: REGION } });
      const bundleDir = join(outdir, 'bundle');
      // Laid out as @firstline/lambda's dist/bundle: each bundle's chunks in chunks/<its name>/.
      await mkdir(join(bundleDir, 'chunks/handler'), { recursive: true });
      await mkdir(join(bundleDir, 'chunks/action-runner'), { recursive: true });
      await writeFile(
        join(bundleDir, 'handler.mjs'),
        "export const handler = async () => (await import('./chunks/handler/lazy-1.mjs')).answer;\n",
      );
      await writeFile(join(bundleDir, 'handler.mjs.map'), '{}');
      await writeFile(join(bundleDir, 'chunks/handler/lazy-1.mjs'), 'export const answer = {};\n');
      await writeFile(join(bundleDir, 'chunks/action-runner/other-1.mjs'), 'export {};\n');
      new FirstlineResponder(stack, 'F', {
        playbooks: [
          { file: examplePlaybook('asg-self-heal.yaml'), alarms: ['*-status-check'] },
          { file: fixture('reboot-with-secrets.yaml'), name: 'reboot' },
        ],
        handlerBundle: join(bundleDir, 'handler.mjs'),
      });
      app.synth();
      const [fn] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')) as Array<{
        Metadata: Record<string, string>;
      }>;
      const asset = join(outdir, fn!.Metadata['aws:asset:path']!);
      expect((await readdir(asset, { recursive: true })).sort()).toEqual(
        [
          'handler.mjs',
          'handler.mjs.map',
          'chunks',
          join('chunks', 'handler'),
          join('chunks', 'handler', 'lazy-1.mjs'),
          'playbooks',
          join('playbooks', 'asg-self-heal.yaml'),
          join('playbooks', 'reboot.yaml'),
        ].sort(),
      );
      expect(await readFile(join(asset, 'playbooks', 'reboot.yaml'), 'utf8')).toBe(
        await readFile(fixture('reboot-with-secrets.yaml'), 'utf8'),
      );
    } finally {
      await rm(outdir, { recursive: true, force: true });
    }
  });

  test('the code override is deployed as given (a prebuilt asset)', () => {
    const { stack } = responderStack({ code: lambda.Code.fromInline('export const handler = () => 1;') });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Code: { ZipFile: 'export const handler = () => 1;' },
    });
  });
});

describe('FirstlineResponder: what fails synth, and how', () => {
  test('a bad playbook: its file:line:col, code and message, as E_PLAYBOOK_INVALID', () => {
    const file = fixture('bad.yaml');
    expect(() => responderStack({ playbooks: [{ file, alarms: ['x'] }] })).toThrow(
      expect.objectContaining({
        code: 'E_PLAYBOOK_INVALID',
        message: `${file}:7:13 E_UNKNOWN_ACTION no action "aws.ec2.rebot" is registered; did you mean "aws.ec2.reboot"?`,
      }),
    );
  });

  test.each<[string, () => unknown, string, string]>([
    [
      'a missing file',
      () => responderStack({ playbooks: [{ file: fixture('nowhere.yaml') }] }),
      'E_READ',
      'nowhere.yaml',
    ],
    ['no playbooks', () => responderStack({ playbooks: [] }), 'E_DEPLOY_CONFIG', 'playbooks is empty'],
    [
      'an input the playbook does not declare',
      () =>
        responderStack({
          playbooks: [{ file: examplePlaybook('asg-self-heal.yaml'), inputs: { url: 'x' } }],
        }),
      'E_DEPLOY_CONFIG',
      'inputs url are not declared',
    ],
    [
      'a fixed input of the wrong shape',
      () =>
        responderStack({
          playbooks: [{ file: examplePlaybook('asg-self-heal.yaml'), inputs: { instanceId: 'web-1' } }],
        }),
      'E_INPUT_INVALID',
      'instanceId',
    ],
    [
      'two playbooks of one name',
      () =>
        responderStack({
          playbooks: [
            { file: examplePlaybook('asg-self-heal.yaml') },
            { file: examplePlaybook('asg-self-heal.yaml') },
          ],
        }),
      'E_DEPLOY_CONFIG',
      'two playbooks are named asg-self-heal',
    ],
    [
      'a name the bundle cannot file',
      () => responderStack({ playbooks: [{ file: examplePlaybook('asg-self-heal.yaml'), name: '../x' }] }),
      'E_DEPLOY_CONFIG',
      'must be letters, digits',
    ],
    [
      'another engine',
      () => responderStack({ engine: 'ecs' as 'lambda' }),
      'E_DEPLOY_CONFIG',
      "use 'lambda' or 'stepfunctions'",
    ],
    [
      'a zero reserved concurrency',
      () => responderStack({ reservedConcurrency: 0 }),
      'E_DEPLOY_CONFIG',
      'reservedConcurrency',
    ],
    [
      'routes over the environment Lambda allows',
      () =>
        responderStack({
          playbooks: [
            {
              file: examplePlaybook('asg-self-heal.yaml'),
              alarms: Array.from({ length: 120 }, (_, i) => `a-rather-long-alarm-name-prefix-${i}-*`),
            },
          ],
        }),
      'E_DEPLOY_CONFIG',
      'over 3000',
    ],
    [
      'a missing bundle',
      () => responderStack({ handlerBundle: fixture('nope.mjs') }),
      'E_DEPLOY_CONFIG',
      'nope.mjs does not exist',
    ],
  ])('%s', (_, make, code, message) => {
    expect(make).toThrow(expect.objectContaining({ code }));
    expect(make).toThrow(message);
  });

  test('a stack without an explicit account and region', () => {
    const app = new App();
    const stack = new Stack(app, 'Agnostic');
    expect(
      () =>
        new FirstlineResponder(stack, 'F', {
          playbooks: [{ file: examplePlaybook('asg-self-heal.yaml') }],
          handlerBundle: fakeBundle,
        }),
    ).toThrow(
      expect.objectContaining({
        code: 'E_DEPLOY_CONFIG',
        message: expect.stringContaining('explicit env') as string,
      }),
    );
  });
});
