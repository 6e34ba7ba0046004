import { CfnOutput, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { mergeStatements } from '@firstline/actions-aws';
import type { IamStatement } from '@firstline/core';
import { alarmNameFilter } from './alarmPattern.js';
import {
  actionRunnerFunction,
  checkEngineProps,
  lambdaEngineFunction,
  stuckRunsMetric,
} from './engineFunctions.js';
import type { EngineParts } from './engineFunctions.js';
import { checkPlaybooks, deployError, responderActions, responderStatements } from './responderPlaybooks.js';
import type { CheckedPlaybook } from './responderPlaybooks.js';
import { runStoreTable } from './runStoreTable.js';
import { planMachines, playbookStateMachine } from './stepFunctionsEngine.js';
import type { PlaybookMachine } from './stepFunctionsEngine.js';
import type { FirstlineResponderProps } from './types.js';

/**
 * Firstline's first line, deployed: one Lambda function (@firstline/lambda's bundle) running the given
 * playbooks, validated at synth; the run-store table; an EventBridge rule per alarm-name pattern (state
 * `ALARM` only) and SNS topics through an SQS queue; a schedule resuming runs whose waits ended; a role
 * holding exactly the playbooks' `playbookPermissions` (fixed inputs bound first), the table, its log
 * group and the queues; and alarms on the function's errors and throttles and on runs stuck past their
 * deadline. The stack needs an explicit `env` (account and region): the policy names ARNs in them.
 *
 * @example
 * new FirstlineResponder(stack, 'Firstline', {
 *   playbooks: [{ file: 'playbooks/ec2-first-line.yaml', alarms: ['cpu-*'], inputs: { url: 'https://app.example.com/health' } }],
 * });
 */
export class FirstlineResponder extends Construct {
  /** The engine deployed. */
  readonly engine: 'lambda' | 'stepfunctions';
  /** The function that runs the playbooks and resumes their runs; with `stepfunctions`, the action runner. */
  readonly fn: lambda.Function;
  /** The function's execution role (no managed policies). */
  readonly role: iam.Role;
  /** The run store: runs, journal claims, leases, resource locks, remediation budgets. */
  readonly table: dynamodb.ITable;
  /** The function's log group. */
  readonly logGroup: logs.LogGroup;
  /** The playbooks, as checked at synth (names, routes, fixed inputs, statements). */
  readonly playbooks: readonly CheckedPlaybook[];
  /**
   * The statements the playbooks need, merged: exactly the function's with the Lambda engine; with
   * `stepfunctions`, split between the runner's role and the state machines' roles.
   */
  readonly playbookStatements: IamStatement[];
  /** One rule per alarm-name pattern: that alarm going to ALARM → the function (or the playbook's state machine). */
  readonly alarmRules: events.Rule[];
  /** Lambda engine: every minute (or `resumeSchedule`) → the function with `{ firstline: 'resumeDue' }`. */
  readonly resumeRule?: events.Rule;
  /** Step Functions engine: the action runner (the same function as {@link fn}). */
  readonly actionRunner?: lambda.Function;
  /** Step Functions engine: each playbook's state machine, by playbook name. */
  readonly stateMachines: Readonly<Record<string, sfn.StateMachine>> = {};
  /** Step Functions engine: each playbook's exported definition and IAM split, by playbook name. */
  readonly machines: Readonly<Record<string, PlaybookMachine>> = {};
  /** Step Functions engine: the state machines' log group. */
  readonly machineLogGroup?: logs.LogGroup;
  /** Alarm events EventBridge could not deliver, and async invocations that failed after Lambda's retries. */
  readonly deadLetterQueue: sqs.Queue;
  /** The queue SNS topics deliver to, when `topics` are given. */
  readonly alarmQueue?: sqs.Queue;
  /** Its dead-letter queue: messages the function failed five times. */
  readonly alarmQueueDeadLetters?: sqs.Queue;
  /**
   * Lambda engine: runs found still going past their deadline, plus runs a resume could not resume (a
   * log metric filter).
   */
  readonly stuckRunsMetric?: cloudwatch.Metric;
  /** With `http`: the function URL (Slack interactivity and Alertmanager webhooks post to its routes). */
  readonly functionUrl?: lambda.FunctionUrl;
  /** The responder's alarms on itself. */
  readonly alarms: {
    /** The function's (or the action runner's) Errors ≥ 1 in 5 minutes. */
    errors: cloudwatch.Alarm;
    /** The function's Throttles ≥ 1 in 5 minutes. */
    throttles: cloudwatch.Alarm;
    /** Lambda engine: a stuck run in 5 minutes. */
    stuckRuns?: cloudwatch.Alarm;
    /** Step Functions engine: a playbook's ExecutionsFailed ≥ 1 in 5 minutes, by playbook name. */
    executionsFailed?: Record<string, cloudwatch.Alarm>;
    /** Step Functions engine: a playbook's ExecutionsTimedOut ≥ 1 in 5 minutes, by playbook name. */
    executionsTimedOut?: Record<string, cloudwatch.Alarm>;
  };

  constructor(scope: Construct, id: string, props: FirstlineResponderProps) {
    super(scope, id);
    this.engine = props.engine ?? 'lambda';
    checkEngineProps(this.engine, props);
    const stack = Stack.of(this);
    if (Token.isUnresolved(stack.region) || Token.isUnresolved(stack.account))
      throw deployError(
        `the stack ${stack.stackName} needs an explicit env { account, region }: the IAM policy names ARNs in them`,
      );
    if (
      props.reservedConcurrency !== undefined &&
      !(Number.isInteger(props.reservedConcurrency) && props.reservedConcurrency >= 1)
    )
      throw deployError(`reservedConcurrency must be a whole number >= 1, got ${props.reservedConcurrency}`);

    const scopeOf = { region: stack.region, accountId: stack.account };
    this.playbooks = checkPlaybooks(props.playbooks, scopeOf);
    this.playbookStatements = responderStatements(this.playbooks);
    // Exported at synth: a refusal (E_ASL_UNSUPPORTED, naming the file and step) fails it here.
    const machines =
      this.engine === 'stepfunctions' ? planMachines(this.playbooks, responderActions(scopeOf), scopeOf) : [];
    this.machines = Object.fromEntries(machines.map((m) => [m.name, m]));
    this.table = props.table ?? runStoreTable(this, 'Runs', props.tableRemovalPolicy);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', queueProps());
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // An explicit role: the default one carries AWSLambdaBasicExecutionRole, which writes to every log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description:
        this.engine === 'lambda'
          ? `Firstline: the playbooks' permissions (${this.playbooks.map((p) => p.name).join(', ')}), the run table and the log group`
          : `Firstline action runner: the runner steps' permissions (${this.playbooks.map((p) => p.name).join(', ')}) and the log group`,
    });
    const roleStatements =
      this.engine === 'lambda'
        ? this.playbookStatements
        : mergeStatements(machines.flatMap((m) => m.runnerStatements.map((s) => structuredClone(s))));
    for (const statement of roleStatements) this.role.addToPolicy(iam.PolicyStatement.fromJson(statement));
    // The runner never touches the table: the state machines write locks and budgets themselves.
    if (this.engine === 'lambda') this.table.grantReadWriteData(this.role);
    this.logGroup.grantWrite(this.role);
    props.environmentSecret?.grantRead(this.role);
    // Exactly the HTTP routes' secrets: the signing secret and the bearer token, nothing wider.
    props.http?.slackSigningSecret?.grantRead(this.role);
    props.http?.alertmanager?.tokenSecret.grantRead(this.role);
    if (props.secretKeys?.length)
      this.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: props.secretKeys.map((key) => key.keyArn),
          conditions: {
            StringEquals: {
              'kms:ViaService': [
                `ssm.${stack.region}.amazonaws.com`,
                `secretsmanager.${stack.region}.amazonaws.com`,
              ],
            },
          },
        }),
      );

    const fiveMinutes = { period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM };
    if (this.engine === 'stepfunctions') {
      this.fn = this.actionRunner = actionRunnerFunction(this, props, this.parts());
      this.machineLogGroup = new logs.LogGroup(this, 'MachineLogs', {
        retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      const wiring = {
        runner: this.fn,
        table: this.table,
        logGroup: this.machineLogGroup,
        tracing: props.tracing ?? false,
      };
      this.stateMachines = Object.fromEntries(
        machines.map((m) => [m.name, playbookStateMachine(this, m, wiring)]),
      );
    } else this.fn = lambdaEngineFunction(this, props, this.parts());

    if (props.http && (props.http.slackSigningSecret || props.http.alertmanager)) {
      // No IAM auth: Slack and Alertmanager cannot sign AWS requests. Each route checks its own
      // credential (Slack's signature, a bearer token), and an HTTP event never starts a run by itself.
      this.functionUrl = this.fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
      new CfnOutput(this, 'FunctionUrl', {
        description:
          'Firstline HTTP routes: <url>slack/interactions (Slack interactivity), <url>alertmanager',
        value: this.functionUrl.url,
      });
    }

    this.alarmRules = this.playbooks.flatMap((playbook) =>
      playbook.alarms.map((pattern, i) => this.alarmRule(playbook, pattern, i)),
    );
    if (this.engine === 'lambda') {
      this.resumeRule = new events.Rule(this, 'ResumeRule', {
        description: 'Resume Firstline runs whose wait has ended',
        schedule: props.resumeSchedule ?? events.Schedule.rate(Duration.minutes(1)),
        // A failed resume is retried by the next one; no dead letters for it.
        targets: [
          new targets.LambdaFunction(this.fn, {
            event: events.RuleTargetInput.fromObject({ firstline: 'resumeDue' }),
            retryAttempts: 0,
          }),
        ],
      });
    }

    if (props.topics?.length) {
      this.alarmQueueDeadLetters = new sqs.Queue(this, 'AlarmQueueDeadLetters', queueProps());
      this.alarmQueue = new sqs.Queue(this, 'AlarmQueue', {
        ...queueProps(),
        retentionPeriod: Duration.days(4),
        // AWS's advice: 6× the function timeout, so a record is not redelivered while its run goes on.
        visibilityTimeout: Duration.seconds(this.fn.timeout!.toSeconds() * 6),
        deadLetterQueue: { queue: this.alarmQueueDeadLetters, maxReceiveCount: 5 },
      });
      for (const topic of props.topics)
        topic.addSubscription(new subscriptions.SqsSubscription(this.alarmQueue));
      this.fn.addEventSource(
        new sources.SqsEventSource(this.alarmQueue, { batchSize: 10, reportBatchItemFailures: true }),
      );
    }

    if (this.engine === 'lambda') this.stuckRunsMetric = stuckRunsMetric(this, this.logGroup);
    const machineAlarms = (metric: 'metricFailed' | 'metricTimedOut', what: string) =>
      Object.fromEntries(
        Object.entries(this.stateMachines).map(([name, machine]) => [
          name,
          this.selfAlarm(
            `${metric === 'metricFailed' ? 'ExecutionsFailed' : 'ExecutionsTimedOut'}Alarm-${name}`,
            machine[metric](fiveMinutes),
            `a Firstline ${name} execution ${what}`,
          ),
        ]),
      );
    const runnerOrFunction = this.engine === 'lambda' ? 'function' : 'action runner';
    this.alarms = {
      errors: this.selfAlarm(
        'ErrorsAlarm',
        this.fn.metricErrors(fiveMinutes),
        `the Firstline ${runnerOrFunction} failed`,
      ),
      throttles: this.selfAlarm(
        'ThrottlesAlarm',
        this.fn.metricThrottles(fiveMinutes),
        `the Firstline ${runnerOrFunction} was throttled`,
      ),
      ...(this.stuckRunsMetric && {
        stuckRuns: this.selfAlarm(
          'StuckRunsAlarm',
          this.stuckRunsMetric,
          'a Firstline run was still going past its deadline, or could not be resumed',
        ),
      }),
      ...(this.engine === 'stepfunctions' && {
        executionsFailed: machineAlarms('metricFailed', 'failed'),
        executionsTimedOut: machineAlarms('metricTimedOut', 'timed out'),
      }),
    };
    if (props.alarmTopic) {
      const action = new actions.SnsAction(props.alarmTopic);
      for (const alarm of allAlarms(this.alarms)) alarm.addAlarmAction(action);
    }
  }

  private parts(): EngineParts {
    const { playbooks, role, logGroup, table, deadLetterQueue } = this;
    return { playbooks, role, logGroup, table, deadLetterQueue };
  }

  private alarmRule(playbook: CheckedPlaybook, pattern: string, i: number): events.Rule {
    const alarmName = alarmNameFilter(pattern);
    const machine = this.stateMachines[playbook.name];
    // The Lambda engine's handler checks namespace and metric itself; a state machine has no such
    // check, so the rule does (on any of the alarm's metrics, where the handler reads the first).
    const metric = (glob: string | undefined) => (glob === undefined ? undefined : alarmNameFilter(glob));
    const namespace = machine && metric(playbook.namespace);
    const metricName = machine && metric(playbook.metric);
    const delivery = {
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 4,
      maxEventAge: Duration.hours(1),
    };
    return new events.Rule(this, `AlarmRule-${playbook.name}-${i}`, {
      description: `CloudWatch alarms ${pattern} going to ALARM → Firstline ${playbook.name}`,
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        // OK and INSUFFICIENT_DATA would only be ignored by the handler: not worth an invocation.
        detail: {
          ...(alarmName !== undefined && { alarmName: [alarmName] }),
          state: { value: ['ALARM'] },
          ...((namespace !== undefined || metricName !== undefined) && {
            configuration: {
              metrics: {
                metricStat: {
                  metric: {
                    ...(namespace !== undefined && { namespace: [namespace] }),
                    ...(metricName !== undefined && { name: [metricName] }),
                  },
                },
              },
            },
          }),
        },
      },
      // A state machine gets the event as it is: its first state makes the run's input of it.
      targets: [
        machine
          ? new targets.SfnStateMachine(machine, delivery)
          : new targets.LambdaFunction(this.fn, delivery),
      ],
    });
  }

  private selfAlarm(id: string, metric: cloudwatch.IMetric, description: string): cloudwatch.Alarm {
    return new cloudwatch.Alarm(this, id, {
      alarmDescription: description,
      metric,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}

function allAlarms(alarms: FirstlineResponder['alarms']): cloudwatch.Alarm[] {
  return Object.values(alarms).flatMap((entry: cloudwatch.Alarm | Record<string, cloudwatch.Alarm>) =>
    entry instanceof cloudwatch.Alarm ? [entry] : Object.values(entry),
  );
}

function queueProps(): sqs.QueueProps {
  return {
    retentionPeriod: Duration.days(14),
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  };
}
