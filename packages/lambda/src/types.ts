import type { AlarmTrigger, AlertmanagerAlertTrigger } from '@firstline/actions-aws/triggers';
import type {
  ActionRegistry,
  AnyActionDefinition,
  HostOptions,
  resolveSecrets,
  RunnablePlaybook,
  RunResult,
  RunStore,
} from '@firstline/core';
import type { HttpApiEvent, HttpResponse } from './http/httpEvent.js';

/**
 * Sends an alarm, or an Alertmanager alert, to a playbook: every criterion given must match. A route
 * with `labels` takes alerts only; one with `alarm`, `namespace` or `metric` alarms only; one with none
 * of them takes both.
 */
export interface Route {
  /** The playbook to run: a key of {@link LambdaHandlerOptions.playbooks}. */
  playbook: string;
  /** The alarm's name: a glob where `*` matches any run of characters (`cpu-*`), or a RegExp. */
  alarm?: string | RegExp;
  /** The alarm's metric namespace, as a glob (`AWS/EC2`, `Custom/*`). */
  namespace?: string;
  /** The alarm's metric name, as a glob (`CPUUtilization`, `StatusCheck*`). */
  metric?: string;
  /**
   * Inputs for the run, merged over the ones the alarm offers (instanceId, region, alarmName… each
   * passed only when the playbook declares it). Values returned here are always passed.
   */
  inputs?(alarm: AlarmTrigger): Record<string, unknown>;
  /**
   * Alertmanager alerts (`POST /alertmanager`): the labels the alert must carry, each a glob
   * (`alertname: 'HostDown'`, `instance: 'web-*'`). Its labels the playbook declares become inputs.
   */
  labels?: Record<string, string | RegExp>;
  /** Inputs for a run started by an alert, merged over the labels it offers. */
  alertInputs?(alert: AlertmanagerAlertTrigger): Record<string, unknown>;
}

/** A secret reference, as a playbook's `secrets:` holds them: `{ env }`, `{ ssm }` or `{ secretsManager }`. */
export type SecretReference = NonNullable<Parameters<typeof resolveSecrets>[0]>[string];

/** `POST /slack/interactions`: Slack approval buttons. */
export interface SlackHttpOptions {
  /** The Slack app's signing secret (never logged): `{ secretsManager: 'firstline/slack-signing' }`. */
  signingSecret: SecretReference;
  /**
   * How long a decision may go on with the run before Slack, which waits 3 s, is answered (default
   * 2,000 ms); the run is then stored and goes on in the invocation `scheduleWake` asks for.
   */
  answerWithinMs?: number;
  /** Also post the result to the interaction's `response_url`, replacing the buttons (default true). */
  respond?: boolean;
  /** The fetch used for `response_url` (proxies, tests). */
  fetch?: typeof globalThis.fetch;
}

/** `POST /alertmanager`: Alertmanager webhooks, routed by the handler's routes with `labels`. */
export interface AlertmanagerHttpOptions {
  /** The bearer token Alertmanager sends (`http_config.authorization.credentials`). */
  token: SecretReference;
}

/**
 * HTTP routes, answered when the function is invoked through a function URL or API Gateway. Each
 * route authenticates its requests itself (Slack's signature, a bearer token); one not configured is 404.
 */
export interface HttpOptions {
  slack?: SlackHttpOptions;
  alertmanager?: AlertmanagerHttpOptions;
  /** Larger bodies are refused with 413 (default 1 MiB). */
  maxBodyBytes?: number;
}

/** Options of {@link createLambdaHandler}. Create them at module scope: they live as long as the container. */
export interface LambdaHandlerOptions extends Pick<
  HostOptions,
  'secrets' | 'env' | 'logger' | 'clock' | 'onEvent'
> {
  /**
   * The playbooks by name: compiled, loaded or plain data, or a file path (or file URL) read once.
   * Each is compiled once per container, on first use.
   */
  playbooks: Record<string, RunnablePlaybook | string>;
  /** The actions the playbooks name; create the clients (awsActions()) at module scope, outside the handler. */
  actions: ActionRegistry | Iterable<AnyActionDefinition>;
  /** Where runs are kept between invocations; shared by every concurrent invocation (dynamoRunStore). */
  store: RunStore;
  /** First match wins. Without routes, a single playbook takes every alarm; with several, alarms are unrouted. */
  routes?: Route[];
  /**
   * Milliseconds kept free at the end of an invocation: runs suspend (stored) before it (default 10,000).
   * A remediation or notification in flight then gets half of it to end; the other half stores the run.
   */
  marginMs?: number;
  /** Called for each run that suspended on a wait: schedule an invocation at `at` (an EventBridge Scheduler one-shot). */
  scheduleWake?(wake: { runId: string; at: number }): Promise<void>;
  /** HTTP routes for a function URL or API Gateway: Slack approval buttons, Alertmanager webhooks. */
  http?: HttpOptions;
}

/** The part of the Lambda context the handler reads. */
export interface LambdaContext {
  /** Milliseconds left before Lambda stops the invocation. */
  getRemainingTimeInMillis(): number;
  /** The invocation's id; names the run of a direct invocation that gives no runId. */
  awsRequestId?: string;
}

/** A direct invocation: run one playbook with these inputs (`aws lambda invoke`, a Step Functions task). */
export interface DirectInvocation {
  /** The playbook's name, a key of {@link LambdaHandlerOptions.playbooks}. */
  playbook: string;
  /** The playbook's inputs. */
  input?: Record<string, unknown>;
  /**
   * The event behind the run, classified as every host does (`classifyTrigger`): an alarm event here
   * gives the run the alarm's `trigger`; anything else `{ kind: 'unknown', raw }`. Without one the run's
   * trigger is `{ kind: 'direct', playbook, raw: <this invocation> }`.
   */
  trigger?: unknown;
  /** Names the run; invoking again with the same id returns (or resumes) that run instead of starting another. */
  runId?: string;
  /** `live` (default) or `shadow` (probes only; remediations and notifications are planned). */
  mode?: 'live' | 'shadow';
}

/** What the handler reports about one run it started, resumed or found already finished. */
export interface RunSummary {
  runId: string;
  /** The playbook's name. */
  playbook: string;
  /** The run's outcome, `suspended` while it waits in the store. */
  outcome: string;
  /** Set for a suspended run: why, and when its wait ends (clock ms). */
  suspended?: RunResult['suspended'];
  /** Set for a skipped run: the lock or budget that said no. */
  skipped?: RunResult['skipped'];
  /** True when the run already existed (a redelivered message): it was resumed, or its stored outcome returned. */
  replayed?: true;
  /** The SQS message or event that started it. */
  messageId?: string;
}

/** An event the handler received and deliberately did not act on. */
export interface IgnoredEvent {
  /** `state`: the alarm is OK or INSUFFICIENT_DATA; `unrouted`: no route (or default playbook) takes it. */
  kind: 'state' | 'unrouted';
  /** A plain sentence, also logged. */
  reason: string;
  alarm?: string;
  messageId?: string;
}

/** What one invocation did. JSON-serializable; holds no secret values. */
export interface HandlerResult {
  /** Runs started (or replayed) by alarm events and direct invocations. */
  runs: RunSummary[];
  /** Events that started nothing, and why. */
  ignored: IgnoredEvent[];
  /** For a resume request: the waiting runs resumed, those busy elsewhere, and those that failed to resume. */
  resumed?: {
    runs: RunSummary[];
    busy: string[];
    failed: Array<{ runId: string; error: string }>;
  };
  /**
   * Items that failed to start or persist (SQS reports them as batch item failures), and resumed runs
   * whose wake-up could not be scheduled.
   */
  failed?: Array<{ messageId?: string; runId?: string; error: string }>;
}

/** The partial batch response SQS reads when the event source mapping has ReportBatchItemFailures. */
export interface SQSBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

/** What the handler answers an event of type `E`: an HTTP answer to an HTTP request, else the summary. */
export type HandlerAnswer<E> = 0 extends 1 & E
  ? HandlerResult | (HandlerResult & SQSBatchResponse)
  : E extends HttpApiEvent
    ? HttpResponse
    : HandlerResult | (HandlerResult & SQSBatchResponse);

/**
 * The Lambda function: an SQS batch returns its batch item failures alongside the summary; an HTTP
 * request (function URL, API Gateway) gets an HTTP answer (typed so when the event is an {@link HttpApiEvent}).
 */
export type LambdaHandler = <E = unknown>(event: E, context?: LambdaContext) => Promise<HandlerAnswer<E>>;
