import { readFileSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { awsActions, playbookPermissions } from '@firstline/actions-aws';
import { netActions } from '@firstline/actions-net';
import { compilePlaybook, parsePlaybook, prepareInputs } from '@firstline/core';
import type { IamStatement, Playbook } from '@firstline/core';
import { notifiers } from '@firstline/notifiers';
import { bindInputs } from './bindInputs.js';
import { firstlineBundle } from './bundledCode.js';
import { runStoreTable } from './runStoreTable.js';

/** What {@link FirstlineStack} deploys: one playbook, for one instance, in the stack's region. */
export interface FirstlineStackProps extends StackProps {
  /** The instance the CPU alarm watches; the only one the function may remediate. */
  instanceId: string;
  /** The playbook (YAML) the function runs; bundled beside the handler. */
  playbookFile: string;
  /** Inputs every run gets besides `instanceId` and `region`, which come from the alarm (e.g. url). */
  inputs?: Record<string, string>;
  /** Secrets Manager secret (name) whose JSON keys become env vars for `{ env: … }` secrets; read at cold start. */
  secretName?: string;
  /**
   * What the alarm watches: `cpu` (default; seed 5), average CPUUtilization over two 5-minute periods,
   * or `statusCheck` (seed 2), StatusCheckFailed over two 1-minute periods.
   */
  alarmOn?: 'cpu' | 'statusCheck';
  /** The CPUUtilization (%) that puts a `cpu` alarm in ALARM (default 90, where ec2-first-line's check fails). */
  cpuThreshold?: number;
  /** Reserved concurrency of the function; unset, it shares the account's pool. */
  reservedConcurrency?: number;
  /** How long the function's logs are kept (default one month). */
  logRetention?: logs.RetentionDays;
}

/**
 * The single-region piece of seed scenario 5: a CPUUtilization alarm on one instance → an EventBridge
 * rule → a Lambda that runs a Firstline playbook, with runs, locks and budgets in DynamoDB, and a
 * rate(1 minute) rule that resumes runs whose waits outlived an invocation. The function's role holds
 * the playbook's own permissions(), the table's and its log group's, and nothing else.
 */
export class FirstlineStack extends Stack {
  /** The function that runs the playbook. */
  readonly fn: lambda.Function;
  /** The function's execution role. */
  readonly role: iam.Role;
  /** The run store (runs, journal claims, leases, resource locks, remediation budgets). */
  readonly table: dynamodb.Table;
  /** The alarm whose ALARM state starts a run. */
  readonly alarm: cloudwatch.Alarm;
  /** Alarm state changes to ALARM → the function. */
  readonly alarmRule: events.Rule;
  /** Every minute → the function with `{ firstline: 'resumeDue' }`. */
  readonly resumeRule: events.Rule;
  /** Events the function could not take (after Lambda's and EventBridge's retries). */
  readonly deadLetterQueue: sqs.Queue;
  /** The statements playbookPermissions() gave for this deployment, as added to the role. */
  readonly playbookStatements: IamStatement[];

  constructor(scope: Construct, id: string, props: FirstlineStackProps) {
    super(scope, id, props);
    const region = this.region;
    const accountId = this.account;
    if (Token.isUnresolved(region) || Token.isUnresolved(accountId))
      throw new Error(
        'FirstlineStack needs an explicit env { account, region }: the IAM policy names ARNs in them',
      );

    // Validated with every action the handler installs, so a broken playbook fails `cdk synth`, not
    // the first incident; the inputs this deployment fixes are checked against its `inputs:` too.
    const playbookFile = resolve(props.playbookFile);
    const playbook = parsePlaybook(readFileSync(playbookFile), { file: playbookFile });
    const aws = awsActions({ region, accountId });
    compilePlaybook(playbook, { actions: [...aws, ...netActions(), ...notifiers()] });
    const document = playbook.data as Playbook;
    const name = basename(playbookFile, extname(playbookFile));
    const inputs = props.inputs ?? {};
    const fixed = declaredOnly(document, { instanceId: props.instanceId, region, ...inputs });
    prepareInputs(document, fixed);

    this.table = runStoreTable(this, 'Runs');

    const cpu = (props.alarmOn ?? 'cpu') === 'cpu';
    const alarmName = `firstline-${name}-${props.instanceId}-${cpu ? 'cpu' : 'status-check'}`;
    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      alarmName,
      alarmDescription: `${props.instanceId} ${cpu ? 'is busy' : 'fails its status checks'}: Firstline runs ${name} on it.`,
      metric: new cloudwatch.Metric({
        namespace: 'AWS/EC2',
        metricName: cpu ? 'CPUUtilization' : 'StatusCheckFailed',
        dimensionsMap: { InstanceId: props.instanceId },
        statistic: cpu ? cloudwatch.Stats.AVERAGE : cloudwatch.Stats.MAXIMUM,
        period: cpu ? Duration.minutes(5) : Duration.minutes(1),
      }),
      threshold: cpu ? (props.cpuThreshold ?? 90) : 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      // A stopped instance reports nothing; that is not a reason to act on it.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // An explicit role: the default one carries AWSLambdaBasicExecutionRole, which writes to every log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Firstline ${name}: the playbook's permissions(), its run table and its log group`,
    });
    this.playbookStatements = playbookPermissions(aws, bindInputs(document, fixed), {
      region,
      accountId,
    });
    for (const statement of this.playbookStatements)
      this.role.addToPolicy(iam.PolicyStatement.fromJson(statement));
    this.table.grantReadWriteData(this.role);
    logGroup.grantWrite(this.role);
    const secret = props.secretName
      ? secretsmanager.Secret.fromSecretNameV2(this, 'Secret', props.secretName)
      : undefined;
    secret?.grantRead(this.role);

    this.fn = new lambda.Function(this, 'Handler', {
      description: `Firstline: runs ${name} on ${props.instanceId} when ${alarmName} fires`,
      // @firstline/lambda's bundle, configured by the variables below; the playbook beside it.
      code: firstlineBundle(playbookFile, name),
      handler: 'handler.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      // Waits longer than what is left of an invocation suspend the run; the resume rule goes on later.
      timeout: Duration.minutes(5),
      role: this.role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 2,
      ...(props.reservedConcurrency !== undefined && {
        reservedConcurrentExecutions: props.reservedConcurrency,
      }),
      environment: {
        FIRSTLINE_TABLE: this.table.tableName,
        FIRSTLINE_PLAYBOOK: name,
        FIRSTLINE_ALARM: this.alarm.alarmName,
        FIRSTLINE_INPUTS: JSON.stringify(inputs),
        ...(props.secretName !== undefined && { FIRSTLINE_SECRET: props.secretName }),
        NODE_OPTIONS: '--enable-source-maps',
      },
    });

    this.alarmRule = new events.Rule(this, 'AlarmRule', {
      description: `${alarmName} going to ALARM → Firstline ${name}`,
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        resources: [this.alarm.alarmArn],
        // OK and INSUFFICIENT_DATA would only be ignored by the handler: not worth an invocation.
        detail: { state: { value: ['ALARM'] } },
      },
      targets: [
        new targets.LambdaFunction(this.fn, {
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: 4,
          maxEventAge: Duration.hours(1),
        }),
      ],
    });

    this.resumeRule = new events.Rule(this, 'ResumeRule', {
      description: `Resume Firstline ${name} runs whose wait has ended`,
      schedule: events.Schedule.rate(Duration.minutes(1)),
      // A failed resume is retried by the next minute's; no dead letters for it.
      targets: [
        new targets.LambdaFunction(this.fn, {
          event: events.RuleTargetInput.fromObject({ firstline: 'resumeDue' }),
          retryAttempts: 0,
        }),
      ],
    });

    new CfnOutput(this, 'FunctionName', { value: this.fn.functionName });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'AlarmName', { value: this.alarm.alarmName });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.deadLetterQueue.queueUrl });
  }
}

// The alarm gives every playbook `instanceId` and `region`; a playbook that takes no `region` input
// must not be handed one.
function declaredOnly(document: Playbook, values: Record<string, string>): Record<string, string> {
  const declared = new Set(Object.keys(document.inputs ?? {}));
  return Object.fromEntries(Object.entries(values).filter(([key]) => declared.has(key)));
}
