import {
  createActionRegistry,
  envSecretResolver,
  FirstlineError,
  isFirstlineError,
  resolveSecrets,
  resumeDue,
  systemClock,
} from '@firstline/core';
import type { ActionRegistry, RunResult } from '@firstline/core';
import { classifyEvent } from './classifyEvent.js';
import type { WorkItem } from './classifyEvent.js';
import { consoleLogger } from './consoleLogger.js';
import { createPlaybookCache } from './createPlaybookCache.js';
import type { PlaybookCache } from './createPlaybookCache.js';
import { invocationBudget } from './invocationBudget.js';
import { handleHttp } from './http/handleHttp.js';
import type { HttpContext } from './http/handleHttp.js';
import { isHttpEvent, readHttpRequest } from './http/httpEvent.js';
import type { HttpResponse } from './http/httpEvent.js';
import { inputsFor, routeAlert, routeEvent } from './routeEvent.js';
import type { RouteDecision } from './routeEvent.js';
import { runIdFor, startOrReplay, whenLocked } from './startOrReplay.js';
import type { RunHost } from './startOrReplay.js';
import type {
  HandlerResult,
  IgnoredEvent,
  LambdaContext,
  LambdaHandler,
  LambdaHandlerOptions,
  RunSummary,
  SecretReference,
} from './types.js';

/** How one work item ended: a run, an ignored event, and/or an error (SQS: a batch item failure). */
interface ItemOutcome {
  run?: RunSummary;
  ignored?: IgnoredEvent;
  error?: unknown;
}

/** What every item of one invocation shares. */
interface Invocation {
  host: RunHost;
  batch: boolean;
  requestId?: string;
}

/**
 * Creates the Lambda function for alarm events (EventBridge, SNS, SQS batches with partial batch
 * failure reporting), direct invocations and resume requests. Call it at module scope, with clients
 * (awsActions()) and the store created there too: a warm container reuses them, and compiles each
 * playbook once. Runs that must wait longer than the invocation has left are stored and end the
 * invocation (`suspended`); a later resume request goes on with them. With `http`, requests through a
 * function URL or API Gateway are answered too: Slack approval buttons, Alertmanager webhooks.
 *
 * @example
 * const actions = awsActions();
 * const store = dynamoRunStore({ table: process.env.FIRSTLINE_TABLE!, client: new DynamoDBClient({}) });
 * export const handler = createLambdaHandler({ playbooks: { 'ec2-first-line': './ec2.yaml' }, actions, store });
 */
export function createLambdaHandler(options: LambdaHandlerOptions): LambdaHandler {
  const registry = isRegistry(options.actions) ? options.actions : createActionRegistry(options.actions);
  const cache = createPlaybookCache(options.playbooks, registry);
  checkOptions(options, cache.names);
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? consoleLogger;
  const marginMs = options.marginMs ?? 10_000;
  const slackSecret =
    options.http?.slack && secretOnce('slackSigningSecret', options.http.slack.signingSecret);
  const alertmanagerToken =
    options.http?.alertmanager && secretOnce('alertmanagerToken', options.http.alertmanager.token);

  /** Resolves a secret reference on first use, once per container (again after a failure). */
  function secretOnce(name: string, ref: SecretReference): () => Promise<string> {
    let value: Promise<string> | undefined;
    const resolvers = { env: envSecretResolver(options.env), ...options.secrets };
    return () => {
      value ??= resolveSecrets({ [name]: ref }, { resolvers }).then((values) => values[name]!);
      value.catch(() => (value = undefined));
      return value;
    };
  }

  const handler = async (event: unknown, context?: LambdaContext) => {
    if (isHttpEvent(event)) return answerHttp(event, context);
    const classified = (() => {
      try {
        return classifyEvent(event);
      } catch (error) {
        // E_EVENT_UNKNOWN, or E_DATA_LIMIT / E_UNSAFE_KEY for an event over core's DATA_LIMITS.
        logger.error(errorMessage(error), { code: isFirstlineError(error) ? error.code : 'E_EVENT_UNKNOWN' });
        throw error;
      }
    })();
    const { host, budget } = hostFor(context);
    try {
      if (classified.kind === 'resume') return await resume(host);
      const invocation: Invocation = {
        host,
        batch: classified.batch,
        ...(context?.awsRequestId && { requestId: context.awsRequestId }),
      };
      const outcomes = await Promise.all(classified.items.map((item) => settle(item, invocation)));
      const result: HandlerResult = {
        runs: outcomes.flatMap((o) => (o.run ? [o.run] : [])),
        ignored: outcomes.flatMap((o) => (o.ignored ? [o.ignored] : [])),
      };
      const failed = classified.items.flatMap((item, i) => {
        const error = outcomes[i]!.error;
        return error === undefined ? [] : [{ item, error }];
      });
      if (failed.length)
        result.failed = failed.map(({ item, error }) => ({
          ...(item.messageId && { messageId: item.messageId }),
          error: errorMessage(error),
        }));
      if (classified.batch)
        return {
          ...result,
          batchItemFailures: failed.map(({ item }) => ({ itemIdentifier: item.messageId! })),
        };
      // Not a batch: failing the invocation is how Lambda retries it (async) or tells the caller (sync).
      if (failed.length) throw asError(failed[0]!.error);
      return result;
    } finally {
      budget.done();
    }
  };
  return handler as LambdaHandler;

  /** The host every run of an invocation shares, and the invocation's time budget. */
  function hostFor(context: LambdaContext | undefined) {
    const budget = invocationBudget(clock, context, marginMs);
    const host: RunHost = {
      actions: registry,
      store: options.store,
      clock,
      logger,
      ...(options.secrets && { secrets: options.secrets }),
      ...(options.env && { env: options.env }),
      ...(options.onEvent && { onEvent: options.onEvent }),
      ...(budget.suspendBefore !== undefined && { suspendBefore: budget.suspendBefore }),
      ...(budget.suspend && { suspend: budget.suspend }),
      // Core's default grace (10 s) is the whole default margin: a side effect in flight at the margin
      // would leave no time to store the run before Lambda stops the invocation.
      suspendGraceMs: Math.floor(marginMs / 2),
    };
    return { host, budget };
  }

  /** An HTTP request: the configured routes answer it; runs it starts share the invocation's budget. */
  async function answerHttp(event: unknown, context: LambdaContext | undefined): Promise<HttpResponse> {
    const { host, budget } = hostFor(context);
    const invocation: Invocation = {
      host,
      batch: false,
      ...(context?.awsRequestId && { requestId: context.awsRequestId }),
    };
    const http = options.http ?? {};
    const ctx: HttpContext = {
      options: http,
      logger,
      ...(http.slack && {
        slack: {
          options: http.slack,
          signingSecret: slackSecret!,
          host,
          store: options.store,
          clock,
          logger,
          wake,
        },
      }),
      ...(http.alertmanager && {
        alertmanager: {
          token: alertmanagerToken!,
          runItems: (items) => Promise.all(items.map((item) => settle(item, invocation))),
        },
      }),
    };
    try {
      return await handleHttp(readHttpRequest(event), ctx);
    } finally {
      budget.done();
    }
  }

  /** Runs one item, turning any error into an outcome, and logs what happened. */
  async function settle(item: WorkItem, invocation: Invocation): Promise<ItemOutcome> {
    const fields = item.messageId ? { messageId: item.messageId } : {};
    let outcome: ItemOutcome;
    try {
      outcome = await handleItem(item, invocation);
    } catch (error) {
      outcome = { error };
    }
    if (outcome.run) logger.info(`run ${outcome.run.runId}: ${outcome.run.outcome}`, { ...outcome.run });
    if (outcome.ignored) logger.info(outcome.ignored.reason, { ...outcome.ignored });
    if (outcome.error !== undefined)
      logger.error(errorMessage(outcome.error), { ...fields, ...errorCode(outcome.error) });
    return outcome;
  }

  async function handleItem(item: WorkItem, invocation: Invocation): Promise<ItemOutcome> {
    if (item.type === 'invalid') return { error: item.error };
    const messageId = item.messageId ? { messageId: item.messageId } : {};
    if (item.type === 'direct') {
      const { playbook, input, runId, mode } = item.request;
      const { trigger } = item;
      const compiled = await cache.get(playbook);
      const dedup = item.dedupId ?? (invocation.requestId && `invoke-${invocation.requestId}`);
      const id = runId ?? (dedup ? runIdFor(compiled.name, dedup) : undefined);
      return finish(
        compiled,
        await startOrReplay(
          compiled,
          {
            ...(input !== undefined && { input }),
            trigger,
            ...(mode && { mode }),
            ...(id !== undefined && { runId: id }),
          },
          invocation.host,
        ),
        invocation,
        messageId,
      );
    }
    const decision: RouteDecision =
      item.type === 'alert'
        ? routeAlert(item.trigger, options.routes, cache.names)
        : routeEvent(item.parsed, options.routes, cache.names);
    const name =
      item.type === 'alert'
        ? (item.trigger.labels.alertname ?? item.trigger.fingerprint)
        : item.parsed.trigger.alarmName;
    if ('ignored' in decision)
      return { ignored: { kind: decision.ignored, reason: decision.reason, alarm: name, ...messageId } };
    const compiled = await cache.get(decision.playbook);
    const input = inputsFor(decision, Object.keys(compiled.document.inputs ?? {}));
    const started = await startOrReplay(
      compiled,
      {
        input,
        trigger: item.trigger,
        ...(item.dedupId && { runId: runIdFor(compiled.name, item.dedupId) }),
      },
      invocation.host,
    );
    return finish(compiled, started, invocation, messageId);
  }

  /** Summarizes a run; schedules its wake-up; asks SQS to redeliver a queued run that found the lock held. */
  async function finish(
    compiled: Awaited<ReturnType<PlaybookCache['get']>>,
    started: Awaited<ReturnType<typeof startOrReplay>>,
    invocation: Invocation,
    messageId: { messageId?: string },
  ): Promise<ItemOutcome> {
    const run = {
      ...summarize(started.result, compiled.name),
      ...(started.replayed && { replayed: true as const }),
      ...messageId,
    };
    const error = await wake(started.result);
    if (error !== undefined) return { run, error };
    const skip = started.result.skipped;
    if (invocation.batch && skip?.reason === 'lock' && whenLocked(compiled) === 'queue')
      return {
        run,
        error: new FirstlineError(
          'E_RUN_BUSY',
          `the lock on ${skip.key} is held by run ${skip.holder}: left in the queue for redelivery`,
        ),
      };
    return { run };
  }

  /** Schedules the invocation that resumes a suspended run; resolves to the error when that fails. */
  async function wake(result: RunResult): Promise<unknown> {
    if (result.outcome !== 'suspended' || !options.scheduleWake) return undefined;
    // A run stopped mid-way for lack of time has no wake time: it is due at once.
    const at = result.suspended?.wakeAt ?? clock.now();
    try {
      await options.scheduleWake({ runId: result.runId, at });
      return undefined;
    } catch (error) {
      return new FirstlineError(
        'E_STORE',
        `run ${result.runId} is stored, but scheduling its wake-up at ${new Date(at).toISOString()} failed: ${errorMessage(error)}`,
        { cause: error },
      );
    }
  }

  async function resume(host: RunHost): Promise<HandlerResult> {
    const began = clock.now();
    const due = await resumeDue(host);
    const runs: RunSummary[] = [];
    const failed: NonNullable<HandlerResult['failed']> = [];
    for (const result of due.resumed) {
      const run = summarize(result, playbookOf(result));
      logger.info(`resumed run ${run.runId}: ${run.outcome}`, { ...run });
      // Still not over when its deadline passed: nothing resumed it in time (the resume rule failing, the
      // function throttled). One line per such run, with a stable marker a log metric filter can count.
      const deadline = deadlineOf(result);
      if (deadline !== undefined && deadline < began)
        logger.warn(`run ${run.runId} was still going ${began - deadline} ms past its deadline`, {
          event: RUN_PAST_DEADLINE,
          runId: run.runId,
          playbook: run.playbook,
          overdueMs: began - deadline,
        });
      runs.push(run);
      // Not thrown: a retried resume request would find the run not due and schedule nothing. The
      // rate rule (or the next resume request after its wake time) still finds it in the store.
      const error = await wake(result);
      if (error === undefined) continue;
      logger.error(errorMessage(error), { runId: run.runId });
      failed.push({ runId: run.runId, error: errorMessage(error) });
    }
    for (const failure of due.failed)
      logger.error(`run ${failure.runId} could not be resumed: ${failure.error}`);
    if (due.busy.length) logger.info(`runs resumed elsewhere right now: ${due.busy.join(', ')}`);
    return {
      runs: [],
      ignored: [],
      resumed: { runs, busy: due.busy, failed: due.failed },
      ...(failed.length > 0 && { failed }),
    };
  }
}

function summarize(result: RunResult, playbook: string): RunSummary {
  return {
    runId: result.runId,
    playbook,
    outcome: result.outcome,
    ...(result.suspended && { suspended: result.suspended }),
    ...(result.skipped && { skipped: result.skipped }),
  };
}

/**
 * The `event` field of the warning the handler logs for each run a resume request finds still going
 * after its deadline: count it with a CloudWatch Logs metric filter (`@firstline/cdk` alarms on it).
 */
export const RUN_PAST_DEADLINE = 'firstline.runPastDeadline';

/** The run's deadline (clock ms), from its first trace event. */
function deadlineOf(result: RunResult): number | undefined {
  for (const event of result.trace) if (event.type === 'run.start') return event.deadline;
  return undefined;
}

/** The playbook's name, from the run's first trace event. */
function playbookOf(result: RunResult): string {
  for (const event of result.trace) if (event.type === 'run.start') return event.playbook;
  return 'unknown';
}

function checkOptions(options: LambdaHandlerOptions, names: readonly string[]): void {
  const problems: string[] = [];
  if (names.length === 0) problems.push('playbooks is empty');
  for (const [i, route] of (options.routes ?? []).entries())
    if (!names.includes(route.playbook))
      problems.push(
        `routes[${i}] names playbook ${JSON.stringify(route.playbook)}, which is not in playbooks`,
      );
  const margin = options.marginMs;
  if (margin !== undefined && !(Number.isFinite(margin) && margin >= 0))
    problems.push(`marginMs must be a finite number >= 0, got ${margin}`);
  const maxBody = options.http?.maxBodyBytes;
  if (maxBody !== undefined && !(Number.isInteger(maxBody) && maxBody > 0))
    problems.push(`http.maxBodyBytes must be a whole number > 0, got ${maxBody}`);
  const answerWithin = options.http?.slack?.answerWithinMs;
  if (answerWithin !== undefined && !(Number.isFinite(answerWithin) && answerWithin >= 0))
    problems.push(`http.slack.answerWithinMs must be a finite number >= 0, got ${answerWithin}`);
  for (const [i, route] of (options.routes ?? []).entries())
    if (route.labels !== undefined && (route.alarm ?? route.namespace ?? route.metric) !== undefined)
      problems.push(`routes[${i}] has labels and alarm criteria: a route takes alerts or alarms, not both`);
  if (problems.length)
    throw new FirstlineError('E_HANDLER_CONFIG', `createLambdaHandler: ${problems.join('; ')}`);
}

function isRegistry(actions: LambdaHandlerOptions['actions']): actions is ActionRegistry {
  return typeof (actions as Partial<ActionRegistry>).checkInput === 'function';
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function errorCode(error: unknown): { code?: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? { code } : {};
}
