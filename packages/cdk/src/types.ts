import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';

/** One playbook the responder runs, and the alarms that start it. */
export interface ResponderPlaybook {
  /** The playbook's YAML file; validated at synth and bundled beside the handler. */
  file: string;
  /**
   * The name the handler knows it by (direct invocations name it; runs are named after it). Default: the
   * file's name without its extension (`ec2-first-line.yaml` → `ec2-first-line`).
   */
  name?: string;
  /**
   * CloudWatch alarm names that start it, as globs where `*` matches any run of characters (`cpu-*`,
   * `*-status-check`, `web-*-cpu`, or `*` for every alarm). Each pattern gets an EventBridge rule on
   * "CloudWatch Alarm State Change" to `ALARM`, and alarms arriving through {@link FirstlineResponderProps.topics}
   * are routed by the same patterns. None: the playbook is only started by direct invocations (or, when it
   * is the only playbook, by every alarm its topics carry).
   */
  alarms?: string[];
  /** Only alarms on a metric of this namespace (a glob, `AWS/EC2`); checked by the handler. */
  namespace?: string;
  /** Only alarms on this metric (a glob, `StatusCheckFailed*`); checked by the handler. */
  metric?: string;
  /**
   * Inputs the deployment fixes, passed to every run an alarm starts (over what the alarm offers; a direct
   * invocation gives its own `input`). They
   * are also bound into the playbook before its IAM policy is computed, so a fixed `instanceId` makes
   * `ec2:RebootInstances` allowed on that one instance instead of every instance in the region.
   */
  inputs?: Record<string, string>;
}

/**
 * HTTP routes on a Lambda function URL: Slack's approval buttons and Alertmanager webhooks. The URL
 * has no IAM auth (Slack and Alertmanager cannot sign AWS requests): each route authenticates its
 * requests itself, and an HTTP request can only reach these routes, never start a run directly.
 */
export interface ResponderHttp {
  /**
   * The Slack app's signing secret (the secret's whole string): adds `POST /slack/interactions`, where
   * Approve / Deny presses are verified, checked against the approval's Slack approvers, and decided.
   */
  slackSigningSecret?: secretsmanager.ISecret;
  /** Adds `POST /alertmanager`: webhooks authenticated by a bearer token, routed by their labels. */
  alertmanager?: {
    /** The bearer token Alertmanager sends (`http_config.authorization.credentials`), the secret's whole string. */
    tokenSecret: secretsmanager.ISecret;
    /**
     * Which alerts start which playbook: the first route whose labels all match (each a glob) wins. The
     * playbook's fixed inputs are passed, and the alert's labels the playbook declares as inputs.
     */
    routes: Array<{ playbook: string; labels: Record<string, string> }>;
  };
}

/** What a {@link FirstlineResponder} deploys. */
export interface FirstlineResponderProps {
  /** The playbooks, each with its alarm routes and fixed inputs (at least one). */
  playbooks: ResponderPlaybook[];
  /**
   * SNS topics CloudWatch alarms notify (the alarms' `alarmActions`). Each is subscribed to one SQS queue
   * (with a dead-letter queue after 5 receives) that feeds the function in batches, with partial batch
   * failures reported; the handler routes each alarm by the playbooks' `alarms` patterns.
   */
  topics?: sns.ITopic[];
  /**
   * How playbooks run. `lambda` (the default): one function runs every playbook and resumes stored runs.
   * `stepfunctions`: each playbook exported by @firstline/stepfunctions as a Step Functions state machine
   * (STANDARD), its non-native steps through one action-runner function; no resume schedule (Wait states
   * wait). Alarms reach it through EventBridge only: `topics` is refused with this engine.
   */
  engine?: 'lambda' | 'stepfunctions';
  /** An existing run-store table (it must have @firstline/store-dynamodb's schema). Default: one is created. */
  table?: dynamodb.ITable;
  /** What `cdk destroy` does to a created table (default RETAIN: the remediation history and budgets stay). */
  tableRemovalPolicy?: RemovalPolicy;
  /**
   * A Secrets Manager secret holding a JSON object of environment variables (`SLACK_TOKEN`,
   * `OPSGENIE_API_KEY`…) for the notifiers and for playbook secrets written `{ env: NAME }`; read at cold start.
   */
  environmentSecret?: secretsmanager.ISecret;
  /**
   * Customer-managed KMS keys that encrypt the SSM SecureString parameters or Secrets Manager secrets the
   * playbooks reference: `kms:Decrypt` on these keys, only through SSM or Secrets Manager. Not needed for
   * the AWS-managed keys (`aws/ssm`, `aws/secretsmanager`).
   */
  secretKeys?: kms.IKey[];
  /** Reserved concurrency of the function; unset, it shares the account's pool. */
  reservedConcurrency?: number;
  /** How long the function's logs are kept (default one month). */
  logRetention?: logs.RetentionDays;
  /** The function's timeout (default 5 minutes): waits longer than what is left suspend the run. */
  timeout?: Duration;
  /** The function's memory (default 512 MB). */
  memorySize?: number;
  /** The Node.js runtime (default Node.js 24; the bundle needs 20 or later). */
  runtime?: lambda.Runtime;
  /** Lambda engine only: the schedule that resumes runs whose waits ended (default `rate(1 minute)`). */
  resumeSchedule?: events.Schedule;
  /**
   * Lambda engine only: the handler's code, instead of @firstline/lambda's bundle with the playbooks beside it: an asset
   * holding `handler.mjs` (exporting `handler`) and `playbooks/<name>.yaml` for each playbook. Lets tests
   * skip bundling, or deploys a handler of your own.
   */
  code?: lambda.Code;
  /**
   * Lambda engine only: the prebuilt bundle to deploy (a `handler.mjs` file, staged with its source map and the
   * `chunks/<its name>/` or `chunks/` directory beside it); default @firstline/lambda's `dist/bundle/handler.mjs`.
   */
  handlerBundle?: string;
  /**
   * Step Functions engine only: the prebuilt action-runner bundle (an `action-runner.mjs` file exporting
   * `handler`, staged with its chunks as `handlerBundle` is); default @firstline/lambda's `dist/bundle/action-runner.mjs`.
   */
  runnerBundle?: string;
  /** Step Functions engine only: the action runner's code instead of the bundle (handler `action-runner.handler`). */
  runnerCode?: lambda.Code;
  /** Step Functions engine only: X-Ray tracing of the state machines (default off). */
  tracing?: boolean;
  /** Where the responder's own alarms (errors, throttles, stuck runs) notify; none: they only change state. */
  alarmTopic?: sns.ITopic;
  /** Lambda engine only: a function URL answering Slack approval buttons and Alertmanager webhooks. */
  http?: ResponderHttp;
}
