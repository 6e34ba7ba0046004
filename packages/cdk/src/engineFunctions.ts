import { Duration, Names } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { RUN_PAST_DEADLINE } from '@firstline/lambda';
import { handlerCode, runnerCode } from './handlerCode.js';
import { deployError } from './responderPlaybooks.js';
import type { CheckedPlaybook } from './responderPlaybooks.js';
import type { FirstlineResponderProps } from './types.js';

// The two engines' functions (the Lambda engine's handler, the Step Functions engine's action runner),
// the Lambda engine's stuck-runs metric, and which props belong to which engine.

/** Room for FIRSTLINE_ROUTES within Lambda's 4 KB of environment variables, the others' share kept. */
const ROUTES_LIMIT = 3_000;

/** The log line the handler writes when a resume finds a run still going and it cannot resume it. */
const RESUME_FAILED = 'could not be resumed';

/** What a responder's function is made with. */
export interface EngineParts {
  playbooks: readonly CheckedPlaybook[];
  role: iam.IRole;
  logGroup: logs.ILogGroup;
  table: dynamodb.ITable;
  deadLetterQueue: sqs.IQueue;
}

/** The Lambda engine's stuck-runs metric, from two log metric filters on the function's log group. */
export function stuckRunsMetric(scope: Construct, logGroup: logs.ILogGroup): cloudwatch.Metric {
  const metricNamespace = `Firstline/${Names.uniqueId(scope)}`;
  for (const [filterId, term] of [
    ['RunsPastDeadline', RUN_PAST_DEADLINE],
    ['RunsNotResumed', RESUME_FAILED],
  ] as const)
    new logs.MetricFilter(scope, filterId, {
      logGroup,
      filterPattern: logs.FilterPattern.allTerms(term),
      metricNamespace,
      metricName: 'StuckRuns',
      metricValue: '1',
      defaultValue: 0,
    });
  return new cloudwatch.Metric({
    namespace: metricNamespace,
    metricName: 'StuckRuns',
    statistic: cloudwatch.Stats.SUM,
    period: Duration.minutes(5),
  });
}

/** What both engines' functions share: runtime, size, timeout (5 min unless given), role, logs, concurrency. */
function functionBasics(props: FirstlineResponderProps, parts: EngineParts) {
  return {
    runtime: props.runtime ?? lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: props.memorySize ?? 512,
    timeout: props.timeout ?? Duration.minutes(5),
    role: parts.role,
    logGroup: parts.logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
    ...(props.reservedConcurrency !== undefined && {
      reservedConcurrentExecutions: props.reservedConcurrency,
    }),
  };
}

/** The Step Functions engine's action runner: @firstline/lambda's runner bundle, no playbooks beside it. */
export function actionRunnerFunction(
  scope: Construct,
  props: FirstlineResponderProps,
  parts: EngineParts,
): lambda.Function {
  return new lambda.Function(scope, 'ActionRunner', {
    description: `Firstline action runner: the steps of ${parts.playbooks.map((p) => p.name).join(', ')} that are not native tasks`,
    code: props.runnerCode ?? runnerCode(props.runnerBundle),
    handler: 'action-runner.handler',
    // A runner step's Task waits its step's timeout + 5 s; the function must outlast the longest.
    ...functionBasics(props, parts),
    environment: {
      ...(props.environmentSecret && { FIRSTLINE_SECRET: props.environmentSecret.secretName }),
      NODE_OPTIONS: '--enable-source-maps',
    },
  });
}

/** The function URL routes' secrets, as the references the bundle reads (FIRSTLINE_*_REF). */
function httpEnvironment(props: FirstlineResponderProps): Record<string, string> {
  const ref = (secret: { secretArn: string }) => JSON.stringify({ secretsManager: secret.secretArn });
  const { slackSigningSecret, alertmanager } = props.http ?? {};
  return {
    ...(slackSigningSecret && { FIRSTLINE_SLACK_SIGNING_SECRET_REF: ref(slackSigningSecret) }),
    ...(alertmanager && { FIRSTLINE_ALERTMANAGER_TOKEN_REF: ref(alertmanager.tokenSecret) }),
  };
}

/** The Lambda engine: one function, @firstline/lambda's bundle, routes in its environment. */
export function lambdaEngineFunction(
  scope: Construct,
  props: FirstlineResponderProps,
  parts: EngineParts,
): lambda.Function {
  const only = parts.playbooks.length === 1;
  const routes = parts.playbooks.flatMap((playbook) => {
    const route = (alarm?: string) => ({
      playbook: playbook.name,
      ...(alarm !== undefined && { alarm }),
      ...(playbook.namespace !== undefined && { namespace: playbook.namespace }),
      ...(playbook.metric !== undefined && { metric: playbook.metric }),
      inputs: playbook.inputs,
    });
    // The only playbook, with no alarm patterns, takes every alarm its topics deliver: one route
    // without a name, so its fixed inputs still reach its runs.
    if (playbook.alarms.length === 0) return only ? [route()] : [];
    return playbook.alarms.map(route);
  });
  const names = new Set(parts.playbooks.map((p) => p.name));
  const alertRoutes = (props.http?.alertmanager?.routes ?? []).map((route, i) => {
    if (!names.has(route.playbook))
      throw deployError(
        `http.alertmanager.routes[${i}] names playbook ${JSON.stringify(route.playbook)}, not one of ${[...names].join(', ')}`,
      );
    const playbook = parts.playbooks.find((p) => p.name === route.playbook)!;
    return { playbook: route.playbook, labels: route.labels, inputs: playbook.inputs };
  });
  // Alert routes first: alarm routes never take alerts, and a catch-all alarm route would take both.
  routes.unshift(...alertRoutes);
  const routesJson = JSON.stringify(routes);
  // Lambda refuses more than 4 KB of environment variables in all: fail the synth, not the deploy.
  if (routesJson.length > ROUTES_LIMIT)
    throw deployError(
      `the routes (alarm patterns and fixed inputs) take ${routesJson.length} characters of environment, over ${ROUTES_LIMIT}: use fewer patterns (a wider glob) or fewer fixed inputs`,
    );
  return new lambda.Function(scope, 'Handler', {
    description: `Firstline: runs ${parts.playbooks.map((p) => p.name).join(', ')} when their alarms fire`,
    code: props.code ?? handlerCode(parts.playbooks, props.handlerBundle),
    handler: 'handler.handler',
    // Waits longer than what is left of an invocation suspend the run; the resume rule goes on later.
    ...functionBasics(props, parts),
    deadLetterQueue: parts.deadLetterQueue,
    retryAttempts: 2,
    environment: {
      FIRSTLINE_TABLE: parts.table.tableName,
      FIRSTLINE_PLAYBOOKS: JSON.stringify(parts.playbooks.map((p) => p.name)),
      FIRSTLINE_ROUTES: routesJson,
      ...(props.environmentSecret && { FIRSTLINE_SECRET: props.environmentSecret.secretName }),
      ...httpEnvironment(props),
      NODE_OPTIONS: '--enable-source-maps',
    },
  });
}

/** Props that only one engine uses, refused with the other: a silently ignored prop deploys a surprise. */
const ENGINE_ONLY: Record<'lambda' | 'stepfunctions', Array<keyof FirstlineResponderProps>> = {
  lambda: ['code', 'handlerBundle', 'resumeSchedule', 'topics', 'http'],
  stepfunctions: ['runnerBundle', 'runnerCode', 'tracing'],
};

/** Refuses an unknown engine, and props of the other engine (E_DEPLOY_CONFIG). */
export function checkEngineProps(engine: string, props: FirstlineResponderProps): void {
  if (engine !== 'lambda' && engine !== 'stepfunctions')
    throw deployError(`engine ${JSON.stringify(engine)} is not supported: use 'lambda' or 'stepfunctions'`);
  const other = engine === 'lambda' ? 'stepfunctions' : 'lambda';
  const given = ENGINE_ONLY[other].filter((key) => props[key] !== undefined);
  if (given.length > 0)
    throw deployError(
      `${given.join(', ')} ${given.length === 1 ? 'is' : 'are'} for engine '${other}', not '${engine}'` +
        (given.includes('topics')
          ? ": the Step Functions engine takes alarms through EventBridge only (the playbooks' alarms patterns)"
          : ''),
    );
}
