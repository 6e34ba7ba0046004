import { alertmanagerTriggers, isAlertmanagerWebhook } from './alertmanagerAlerts.js';
import { parseAlarmEvent } from './parseAlarmEvent.js';
import type { ParsedAlarmEvent } from './parseAlarmEvent.js';
import type { CloudWatchAlarmTrigger, Trigger } from './trigger.js';

type Json = Record<string, unknown>;

/** The keys a direct invocation may have (the Lambda handler's and the server's `POST /runs`). */
const DIRECT_KEYS = new Set(['playbook', 'input', 'trigger', 'runId', 'mode']);
const KINDS = new Set(['cloudwatch.alarm', 'alertmanager.alert', 'direct', 'unknown']);

/**
 * The `trigger` a playbook sees for an event, the same in every host (`firstline run --trigger`, the
 * Lambda handler, the server): a CloudWatch alarm (EventBridge, SNS as Lambda gets it, the SNS HTTP
 * body, an SQS record carrying either, the bare alarm JSON), an Alertmanager alert, a direct
 * invocation `{ playbook, input?, trigger? }` (its `trigger` is classified in turn), or `unknown`.
 * The event itself is kept under `raw`. Of a batch (several records or alerts) the first is taken.
 * Never throws. A trigger given back (`{ kind, raw }`) is classified again from its `raw`.
 *
 * @example
 * const trigger = classifyTrigger(event);
 * if (trigger.kind === 'cloudwatch.alarm') console.log(trigger.alarmName, trigger.instanceId);
 */
export function classifyTrigger(event: unknown): Trigger {
  return classifyTriggers(event)[0] ?? { kind: 'unknown', raw: parsedText(event) };
}

/**
 * Every trigger in an event: one per alarm of a Lambda batch (SNS or SQS records), one per alert of
 * an Alertmanager webhook, each with `raw` the event holding only that record or alert (the event
 * itself when it holds one). Records or alerts of no known shape are left out; an empty list when
 * nothing in the event is known (then {@link classifyTrigger} gives `unknown`). Never throws.
 */
export function classifyTriggers(event: unknown): Trigger[] {
  return classify(parsedText(event), true);
}

/** The trigger for one alarm already parsed from `raw`: what routing code that holds both passes to a run. */
export function alarmTrigger(parsed: ParsedAlarmEvent, raw: unknown): CloudWatchAlarmTrigger {
  const { instanceId, autoScalingGroupName } = parsed.inputs;
  return {
    kind: 'cloudwatch.alarm',
    ...parsed.trigger,
    ...(instanceId !== undefined && { instanceId }),
    ...(autoScalingGroupName !== undefined && { autoScalingGroupName }),
    raw,
  };
}

function classify(event: unknown, unwrap: boolean): Trigger[] {
  const data = asObject(event);
  if (!data) return [];
  // A trigger handed back (a scenario pasting a run's trigger, a workflow passing it on).
  if (unwrap && typeof data.kind === 'string' && KINDS.has(data.kind) && Object.hasOwn(data, 'raw')) {
    const raw = parsedText(data.raw);
    return [classify(raw, false)[0] ?? { kind: 'unknown', raw }];
  }
  if (Array.isArray(data.Records)) {
    const records = data.Records;
    return records.flatMap((record) => {
      const one = records.length === 1 ? data : { ...data, Records: [record] };
      const parsed = parseAlarmEvent(one);
      if (parsed) return [alarmTrigger(parsed, one)];
      // An SQS message may carry a direct invocation (the Lambda handler runs those too).
      const r = asObject(record);
      const body = r?.eventSource === 'aws:sqs' ? asObject(parsedText(r.body)) : undefined;
      return body && isDirect(body) ? direct(body, unwrap) : [];
    });
  }
  if (isDirect(data)) return direct(data, unwrap);
  if (isAlertmanagerWebhook(data)) return alertmanagerTriggers(data);
  const parsed = parseAlarmEvent(data);
  return parsed ? [alarmTrigger(parsed, data)] : [];
}

/** A direct invocation's trigger: the one it carries, classified, or `direct` when it carries none. */
function direct(data: Json, unwrap: boolean): Trigger[] {
  const playbook = data.playbook as string;
  if (data.trigger === undefined || data.trigger === null) return [{ kind: 'direct', playbook, raw: data }];
  const inner = parsedText(data.trigger);
  // One level only: an invocation inside an invocation's trigger is not unwrapped again.
  const [first] = unwrap && !(asObject(inner) && isDirect(asObject(inner)!)) ? classify(inner, true) : [];
  return [first ?? { kind: 'unknown', raw: inner }];
}

function isDirect(data: Json): boolean {
  return (
    typeof data.playbook === 'string' &&
    data.playbook !== '' &&
    Object.keys(data).every((key) => DIRECT_KEYS.has(key))
  );
}

/** JSON text (an SNS HTTP body read as text, `--trigger '{…}'`) as its value; anything else as it is. */
function parsedText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (!text.startsWith('{') && !text.startsWith('[')) return value;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return value;
  }
}

function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}
