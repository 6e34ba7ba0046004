// Shared helpers for the handler tests: fixtures (this package's and actions-aws's AWS documentation
// samples), Lambda contexts, a clock that can be moved forward, events for a given instance, and
// actions that count or record their calls.
import { readFileSync } from 'node:fs';
import type { AnyActionDefinition, Clock, Logger } from '@firstline/core';

type Json = Record<string, unknown>;

/** A JSON fixture: `aws:<name>` reads actions-aws's test/fixtures (shared samples), anything else this package's. */
export function fixture<T = Json>(name: string): T {
  const url = name.startsWith('aws:')
    ? new URL(`../../actions-aws/test/fixtures/${name.slice(4)}`, import.meta.url)
    : new URL(`./fixtures/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}

/** A fixture file's path, for handlers given playbooks by path. */
export const fixturePath = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).pathname;

/** The Lambda context the handler reads: `ms` left in the invocation. */
export function lambdaContext(ms: number, awsRequestId = 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef') {
  return { getRemainingTimeInMillis: () => ms, awsRequestId };
}

/** The wall clock shifted by a settable amount: real timers (AWS calls take real time), movable "now". */
export interface ShiftedClock extends Clock {
  /** Moves this clock's time forward by `ms`. */
  jump(ms: number): void;
}

/** A {@link ShiftedClock} starting `shiftMs` ahead of the wall clock. */
export function createShiftedClock(shiftMs = 0): ShiftedClock {
  let shift = shiftMs;
  return {
    now: () => Date.now() + shift,
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    jump(ms) {
      shift += ms;
    },
  };
}

/** The EventBridge alarm sample, retargeted: this instance, region and event id. */
export function eventBridgeAlarm(instanceId: string, id: string, region = 'us-east-1'): Json {
  const event = fixture('aws:eventbridge-alarm.json');
  const text = JSON.stringify(event)
    .replaceAll('i-0abc1234def567890', instanceId)
    .replaceAll('eu-west-1', region)
    .replaceAll('c4c1c1c9-6542-e61b-6ef0-8c4d36933a92', id);
  return JSON.parse(text) as Json;
}

/** An SQS record whose body is `body` (an object is sent as its JSON, as SQS delivers it). */
export function sqsRecord(messageId: string, body: unknown): Json {
  const sample = (fixture('sqs-sns-alarm.json').Records as Json[])[0]!;
  return { ...sample, messageId, body: typeof body === 'string' ? body : JSON.stringify(body) };
}

/** The SNS HTTP notification sample carrying the alarm for this instance, with this SNS MessageId. */
export function snsNotification(instanceId: string, messageId: string): Json {
  const sns = fixture('aws:sns-http-notification.json');
  return {
    ...sns,
    MessageId: messageId,
    Message: String(sns.Message).replaceAll('i-0abc1234def567890', instanceId),
  };
}

/** The actions with `id` wrapped to count its calls (the real action still runs). */
export function countCalls(
  actions: Iterable<AnyActionDefinition>,
  id: string,
): { actions: AnyActionDefinition[]; calls: () => number } {
  let calls = 0;
  const wrapped = [...actions].map((action) =>
    action.id === id
      ? {
          ...action,
          run: (input: unknown, ctx: Parameters<AnyActionDefinition['run']>[1]) => {
            calls++;
            return action.run(input, ctx) as Promise<unknown>;
          },
        }
      : action,
  );
  return { actions: wrapped, calls: () => calls };
}

/** A notify action that records each input (the stand-in for Slack and OpsGenie, which moto has not). */
export { recordingNotify } from '../../actions-aws/test/support.js';

/** A logger that keeps every line, for asserting what the handler logged. */
export function recordingLogger(): Logger & {
  lines: Array<{ level: string; message: string; fields?: Json }>;
} {
  const lines: Array<{ level: string; message: string; fields?: Json }> = [];
  const log = (level: string) => (message: string, fields?: Json) => {
    lines.push({ level, message, ...(fields && { fields }) });
  };
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
