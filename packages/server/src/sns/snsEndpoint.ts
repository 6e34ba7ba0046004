import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { CompiledPlaybook, Logger } from '@firstline/core';
import { HttpError } from '../http/httpError.js';
import type { Reply } from '../http/reply.js';
import type { RunService } from '../runs/createRunService.js';
import { declaredInputs, routeAlarm } from '../routes/serverRoute.js';
import type { ServerRoute } from '../routes/serverRoute.js';
import { SNS_HOST } from './createSnsVerifier.js';
import type { SnsMessage } from './createSnsVerifier.js';
import { alarmTrigger, parseAlarmEvent } from '@firstline/actions-aws/triggers';
import type { AlarmTrigger } from '@firstline/actions-aws/triggers';

/** What the SNS endpoint works with. */
export interface SnsContext {
  service: RunService;
  routes: readonly ServerRoute[];
  playbooks: ReadonlyMap<string, CompiledPlaybook>;
  logger: Logger;
  verify: (body: unknown) => Promise<SnsMessage>;
  /** Confirms subscriptions by GETting their SubscribeURL; undefined leaves that to an operator. */
  confirmSubscription: ((subscribeUrl: string) => Promise<void>) | undefined;
}

/**
 * The run id of one alarm state change on one playbook: the alarm and its StateChangeTime, so the
 * same change delivered twice (an SNS retry, or two subscribed topics) runs once. Without a time,
 * the SNS MessageId (stable across retries).
 */
export function alarmRunId(playbook: string, alarm: AlarmTrigger, messageId: string): string {
  const once = `${alarm.alarmArn ?? alarm.alarmName}\0${alarm.time ?? messageId}`;
  return `sns-${createHash('sha256').update(`${playbook}\0${once}`).digest('hex').slice(0, 32)}`;
}

/**
 * `POST /sns`: an SNS HTTP(S) subscription. Every message's signature is verified first (403 and
 * nothing done otherwise). A SubscriptionConfirmation is confirmed when `autoConfirm` is on (only at
 * an https SNS URL), else logged for an operator; an UnsubscribeConfirmation is logged; a
 * Notification carrying a CloudWatch alarm in ALARM state is routed to a playbook and run.
 */
export async function handleSns(ctx: SnsContext, req: IncomingMessage, body: unknown): Promise<Reply> {
  const message = await ctx.verify(body);
  const declared = req.headers['x-amz-sns-message-type'];
  if (declared !== undefined && declared !== message.Type)
    throw new HttpError(
      400,
      'E_BAD_REQUEST',
      `x-amz-sns-message-type ${String(declared)} does not match the body's Type ${message.Type}`,
    );
  const topic = message.TopicArn;
  if (message.Type === 'UnsubscribeConfirmation') {
    ctx.logger.warn(`SNS topic ${topic} unsubscribed this endpoint`, { topic });
    return { status: 200, body: { type: message.Type } };
  }
  if (message.Type === 'SubscriptionConfirmation') return confirm(ctx, message);

  const alarm = parseAlarmEvent(message);
  // Answered 200: SNS would retry anything else, and these will never become runs.
  if (!alarm) return ignored(ctx, message, 'the message is not a CloudWatch alarm notification');
  if (alarm.trigger.state !== 'ALARM')
    return ignored(ctx, message, `alarm ${alarm.trigger.alarmName} is ${alarm.trigger.state}, not ALARM`);
  const route = routeAlarm(ctx.routes, alarm.trigger);
  if (!route) return ignored(ctx, message, `no route matches alarm ${alarm.trigger.alarmName}`, 'warn');
  const compiled = ctx.playbooks.get(route.playbook)!;
  // What classifyTrigger gives this body: the trigger the CLI and the Lambda handler give it too.
  const trigger = alarmTrigger(alarm, body);
  let input: Record<string, unknown>;
  try {
    input = route.inputs ? route.inputs(trigger) : declaredInputs(compiled.document.inputs, alarm.inputs);
  } catch (error) {
    throw new HttpError(400, 'E_INPUT_INVALID', `the route's inputs() threw: ${(error as Error).message}`);
  }
  const prepared = ctx.service.prepare({
    playbook: route.playbook,
    input,
    trigger,
    runId: alarmRunId(route.playbook, alarm.trigger, message.MessageId),
  });
  const runs = await ctx.service.accept([prepared]);
  return { status: 202, body: { runs } };
}

async function confirm(ctx: SnsContext, message: SnsMessage): Promise<Reply> {
  const url = message.SubscribeURL!;
  if (!ctx.confirmSubscription) {
    ctx.logger.warn(
      `SNS topic ${message.TopicArn} asks to confirm a subscription; sns.autoConfirm is off, so confirm it yourself (aws sns confirm-subscription, or GET its SubscribeURL)`,
      { topic: message.TopicArn },
    );
    return { status: 200, body: { type: message.Type, confirmed: false } };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new HttpError(403, 'E_FORBIDDEN', 'SubscribeURL is not a URL');
  }
  if (parsed.protocol !== 'https:' || !SNS_HOST.test(parsed.hostname) || parsed.port !== '')
    throw new HttpError(
      403,
      'E_FORBIDDEN',
      `SubscribeURL ${parsed.origin} is not an https SNS URL; not confirming it`,
    );
  try {
    await ctx.confirmSubscription(parsed.href);
  } catch (error) {
    ctx.logger.error(
      `confirming the SNS subscription to ${message.TopicArn} failed: ${(error as Error).message}`,
    );
    // 5xx: SNS sends the confirmation again.
    throw new HttpError(502, 'E_INTERNAL', `confirming the subscription failed: ${(error as Error).message}`);
  }
  ctx.logger.info(`confirmed the SNS subscription to ${message.TopicArn}`, { topic: message.TopicArn });
  return { status: 200, body: { type: message.Type, confirmed: true } };
}

function ignored(
  ctx: SnsContext,
  message: SnsMessage,
  reason: string,
  level: 'info' | 'warn' = 'info',
): Reply {
  ctx.logger[level](`SNS message ${message.MessageId} ignored: ${reason}`, { topic: message.TopicArn });
  return { status: 200, body: { runs: [], ignored: reason } };
}
