import { alarmTrigger, classifyTrigger, parseAlarmEvent } from '@firstline/actions-aws/triggers';
import type {
  AlertmanagerAlertTrigger,
  CloudWatchAlarmTrigger,
  ParsedAlarmEvent,
  Trigger,
} from '@firstline/actions-aws/triggers';
import { checkDataShape, DATA_LIMITS, FirstlineError, isFirstlineError, isRunId } from '@firstline/core';
import type { DirectInvocation } from './types.js';

/** One thing to act on: an alarm, a direct invocation, or a payload that is neither (with why). */
export type WorkItem = (
  | {
      type: 'alarm';
      parsed: ParsedAlarmEvent;
      /** The run's `trigger`: what `classifyTrigger` gives for this record, as in every other host. */
      trigger: CloudWatchAlarmTrigger;
      /** Stable across redeliveries of this notification: names its run. */
      dedupId?: string;
    }
  | {
      type: 'direct';
      request: DirectInvocation;
      /** The run's `trigger`: the invocation's own, classified, or `direct` when it carries none. */
      trigger: Trigger;
      dedupId?: string;
    }
  | {
      type: 'alert';
      /** One alert of an Alertmanager webhook (`POST /alertmanager`). */
      trigger: AlertmanagerAlertTrigger;
      /** Its fingerprint and startsAt: one firing of the alert, however often it is sent. */
      dedupId: string;
    }
  | { type: 'invalid'; error: FirstlineError }
) & {
  /** The SQS message id (batch item failures name it), or the SNS / EventBridge id. */
  messageId?: string;
};

/** What an invocation asks for. */
export type ClassifiedEvent =
  | { kind: 'resume' }
  | { kind: 'items'; batch: false; items: WorkItem[] }
  | { kind: 'items'; batch: true; items: Array<WorkItem & { messageId: string }> };

type Json = Record<string, unknown>;

/** The shapes the handler accepts, for the E_EVENT_UNKNOWN message. */
export const ACCEPTED_EVENTS =
  'an EventBridge "CloudWatch Alarm State Change" event, an SNS notification or an SQS batch carrying ' +
  'CloudWatch alarm JSON, a direct invocation { playbook, input?, trigger?, runId? }, or a resume ' +
  "request (an EventBridge Scheduled Event, or { firstline: 'resumeDue' })";

/** An E_EVENT_UNKNOWN error: says what the payload looked like (its keys, never its values) and what is accepted. */
export function unknownEvent(what: string): FirstlineError {
  return new FirstlineError('E_EVENT_UNKNOWN', `${what}; the Firstline handler accepts ${ACCEPTED_EVENTS}`);
}

/**
 * Sorts a Lambda event into what to do. Throws E_EVENT_UNKNOWN for a payload of no accepted shape,
 * E_DATA_LIMIT / E_UNSAFE_KEY for one over core's DATA_LIMITS or holding a prototype key; inside an
 * SQS batch a bad record becomes an `invalid` item instead, so only it is reported failed.
 */
export function classifyEvent(event: unknown): ClassifiedEvent {
  checkDataShape(event, DATA_LIMITS, 'event');
  const data = asObject(event);
  if (!data) throw unknownEvent(`the event is ${describe(event)}, not an object`);
  if (isResume(data)) return { kind: 'resume' };
  if (Array.isArray(data.Records)) {
    const records = data.Records.map(asObject);
    // Each record's trigger sees the event holding only that record (the event itself when it holds
    // one): what `classifyTrigger` gives the same event in the CLI or the server.
    const view = (record: Json): Json => (records.length === 1 ? data : { ...data, Records: [record] });
    if (records.length > 0 && records.every((r) => r?.eventSource === 'aws:sqs'))
      return { kind: 'items', batch: true, items: (records as Json[]).map((r) => sqsItem(r, view(r))) };
    if (records.length > 0 && records.every((r) => asObject(r?.Sns)))
      return { kind: 'items', batch: false, items: (records as Json[]).map((r) => snsItem(r, view(r))) };
    throw unknownEvent(
      records.length === 0
        ? 'the event has an empty Records list'
        : `the event's Records are not all SQS messages or all SNS notifications (sources: ${[...new Set(records.map((r) => String(r?.eventSource ?? r?.EventSource)))].join(', ')})`,
    );
  }
  const item = bodyItem(data, data);
  if (item.type === 'invalid') throw item.error;
  return { kind: 'items', batch: false, items: [item] };
}

function isResume(data: Json): boolean {
  if (data.firstline === 'resumeDue') return true;
  return data.source === 'aws.events' && data['detail-type'] === 'Scheduled Event';
}

/** An SNS record of a Lambda event: its Message must be alarm JSON. */
function snsItem(record: Json, view: Json): WorkItem {
  const sns = asObject(record.Sns)!;
  const messageId = str(sns.MessageId);
  const parsed = parseAlarmEvent(view);
  if (!parsed)
    return {
      type: 'invalid',
      error: unknownEvent(
        `SNS message ${messageId ?? '(no MessageId)'} does not carry CloudWatch alarm JSON`,
      ),
      ...(messageId && { messageId }),
    };
  return {
    type: 'alarm',
    parsed,
    trigger: alarmTrigger(parsed, view),
    ...(messageId && { messageId, dedupId: `sns-${messageId}` }),
  };
}

/** An SQS record: its body is an SNS envelope, an EventBridge event, bare alarm JSON or a direct invocation. */
function sqsItem(record: Json, view: Json): WorkItem & { messageId: string } {
  const messageId = str(record.messageId) ?? '';
  const body = typeof record.body === 'string' ? asObject(parseJson(record.body)) : undefined;
  const shapeError = body && shapeProblem(body, `SQS message ${messageId}: body`);
  if (shapeError) return { type: 'invalid', messageId, error: shapeError };
  if (!body)
    return {
      type: 'invalid',
      messageId,
      error: unknownEvent(`SQS message ${messageId}: the body is not a JSON object`),
    };
  const item = bodyItem(body, body, messageId);
  if (item.type === 'invalid') return { ...item, messageId };
  // The SNS MessageId (or EventBridge id) survives SNS delivering one notification to SQS twice,
  // which the SQS messageId would not: prefer it for naming the run.
  const dedupId = item.dedupId ?? `sqs-${messageId}`;
  if (item.type === 'direct') return { ...item, messageId, dedupId };
  // Parsed from the record, not its body (source `sqs`), as classifyTrigger reads the same event.
  const parsed = parseAlarmEvent(view) ?? item.parsed;
  return { ...item, parsed, trigger: alarmTrigger(parsed, view), messageId, dedupId };
}

/**
 * A single payload: EventBridge alarm event, SNS envelope, bare alarm JSON or direct invocation.
 * `raw` is the event a trigger keeps (the invocation's own event, or the SQS body).
 */
function bodyItem(data: Json, raw: Json, messageId?: string): Exclude<WorkItem, { type: 'alert' }> {
  if ('playbook' in data) return directItem(data);
  const looksLikeAlarm =
    data['detail-type'] === 'CloudWatch Alarm State Change' ||
    data.Type === 'Notification' ||
    ('AlarmName' in data && 'NewStateValue' in data);
  if (!looksLikeAlarm)
    return {
      type: 'invalid',
      error: unknownEvent(
        `${messageId ? `SQS message ${messageId}: ` : ''}unrecognized payload with keys ${keysOf(data)}`,
      ),
    };
  const parsed = parseAlarmEvent(data);
  if (!parsed)
    return {
      type: 'invalid',
      error: unknownEvent(
        `${messageId ? `SQS message ${messageId}: ` : ''}${kindOf(data)} that is not a well-formed CloudWatch alarm (keys ${keysOf(data)})`,
      ),
    };
  const id = str(data.id) ?? str(data.MessageId);
  const dedupId = id
    ? `${data.Type === 'Notification' ? 'sns' : 'eb'}-${id}`
    : parsed.trigger.time && `alarm-${parsed.trigger.alarmName}-${parsed.trigger.time}`;
  return {
    type: 'alarm',
    parsed,
    trigger: alarmTrigger(parsed, raw),
    ...(dedupId && { dedupId }),
    ...(id && { messageId: id }),
  };
}

function directItem(data: Json): Exclude<WorkItem, { type: 'alert' }> {
  const problems: string[] = [];
  if (typeof data.playbook !== 'string' || !data.playbook)
    problems.push('playbook must be a non-empty string');
  if (data.input !== undefined && !asObject(data.input)) problems.push('input must be an object');
  if (data.runId !== undefined && !isRunId(data.runId))
    problems.push('runId must be 1 to 200 of A-Z a-z 0-9 . _ - (and not "." or "..")');
  if (data.mode !== undefined && data.mode !== 'live' && data.mode !== 'shadow')
    problems.push("mode must be 'live' or 'shadow'");
  const extra = Object.keys(data).filter(
    (k) => !['playbook', 'input', 'trigger', 'runId', 'mode'].includes(k),
  );
  if (extra.length) problems.push(`unknown keys ${extra.join(', ')}`);
  if (problems.length)
    return { type: 'invalid', error: unknownEvent(`a direct invocation where ${problems.join('; ')}`) };
  return { type: 'direct', request: data as unknown as DirectInvocation, trigger: classifyTrigger(data) };
}

/** The DATA_LIMITS error of a parsed body, or undefined when it is within them. */
function shapeProblem(body: Json, name: string): FirstlineError | undefined {
  try {
    checkDataShape(body, DATA_LIMITS, name);
    return undefined;
  } catch (error) {
    if (isFirstlineError(error)) return error;
    throw error;
  }
}

function kindOf(data: Json): string {
  if (data['detail-type'] === 'CloudWatch Alarm State Change') return 'an EventBridge alarm event';
  if (data.Type === 'Notification') return 'an SNS notification';
  return 'alarm JSON';
}

function keysOf(data: Json): string {
  const keys = Object.keys(data);
  const shown = keys.slice(0, 12).join(', ');
  return keys.length === 0 ? '(none)' : keys.length > 12 ? `${shown}, …` : shown;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? 'a string' : `a ${typeof value}`;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
