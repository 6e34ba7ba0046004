import { regionCodeOf } from './regionCodes.js';

/** A CloudWatch alarm state. */
export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** How the alarm reached us. */
export type AlarmEventSource = 'eventbridge' | 'sns' | 'sqs' | 'alarm';

/** A CloudWatch alarm state change, whatever envelope it came in: the run's `trigger`. */
export interface AlarmTrigger {
  /** Always `cloudwatch.alarm`: lets a playbook tell this trigger from others. */
  type: 'cloudwatch.alarm';
  /** The envelope: an EventBridge event, an SNS notification (Lambda record or HTTP body), an SQS record, or the bare alarm message. */
  source: AlarmEventSource;
  alarmName: string;
  alarmArn?: string;
  state: AlarmState;
  previousState?: AlarmState;
  reason?: string;
  /** When the state changed (ISO 8601). */
  time?: string;
  region?: string;
  accountId?: string;
  namespace?: string;
  metricName?: string;
  /** The alarm's metric dimensions (of every metric, for a metric math alarm; the first value wins). */
  dimensions: Record<string, string>;
  /** The EventBridge event id, SNS MessageId or SQS messageId: a key for de-duplicating deliveries. */
  eventId?: string;
}

/** The values an alarm offers a playbook's inputs; pass the ones the playbook declares. */
export interface AlarmInputs {
  alarmName: string;
  state: AlarmState;
  /** From the `InstanceId` dimension, when the alarm watches exactly one instance. */
  instanceId?: string;
  /** From the `AutoScalingGroupName` dimension. */
  autoScalingGroupName?: string;
  region?: string;
  accountId?: string;
}

/** An alarm event parsed into the run's `trigger` and the inputs it offers. */
export interface ParsedAlarmEvent {
  trigger: AlarmTrigger;
  inputs: AlarmInputs;
}

type Json = Record<string, unknown>;
const STATES = new Set<string>(['OK', 'ALARM', 'INSUFFICIENT_DATA']);

/**
 * Parses the event that starts a remediation run: an EventBridge "CloudWatch Alarm State Change", an
 * SNS notification carrying the classic alarm JSON in `Message` (a Lambda `Records[].Sns` event or the
 * HTTP subscription body, as an object or its JSON text), an SQS record holding either, or the bare
 * alarm JSON. Returns the first alarm found. Anything else (another event, a malformed payload, a
 * `Message` that is not alarm JSON) returns undefined and never throws, so a handler can answer
 * "not for me" instead of crashing on foreign events.
 *
 * @example
 * const parsed = parseAlarmEvent(event);
 * if (parsed) await runPlaybook(doc, { trigger: parsed.trigger, input: { instanceId: parsed.inputs.instanceId } });
 */
export function parseAlarmEvent(event: unknown): ParsedAlarmEvent | undefined {
  return parseAlarmEvents(event)[0];
}

/** Every alarm in an event: a Lambda batch of SNS or SQS records may carry several. Never throws. */
export function parseAlarmEvents(event: unknown): ParsedAlarmEvent[] {
  const data = asObject(typeof event === 'string' ? parseJson(event) : event);
  if (!data) return [];
  if (Array.isArray(data.Records))
    return data.Records.flatMap((record) => {
      const parsed = parseRecord(record);
      return parsed ? [parsed] : [];
    });
  const one = parseEnvelope(data);
  return one ? [one] : [];
}

function parseRecord(record: unknown): ParsedAlarmEvent | undefined {
  const r = asObject(record);
  if (!r) return undefined;
  const sns = asObject(r.Sns);
  if (sns) return parseSns(sns, 'sns');
  if (r.eventSource === 'aws:sqs' && typeof r.body === 'string') {
    const body = asObject(parseJson(r.body));
    if (!body) return undefined;
    const inner = body.Type === 'Notification' ? parseSns(body, 'sqs') : parseEnvelope(body);
    return inner && withSource(inner, 'sqs', str(r.messageId) ?? inner.trigger.eventId);
  }
  return undefined;
}

function parseEnvelope(data: Json): ParsedAlarmEvent | undefined {
  if (data['detail-type'] === 'CloudWatch Alarm State Change') return parseEventBridge(data);
  if (data.Type === 'Notification' && 'Message' in data) return parseSns(data, 'sns');
  if ('AlarmName' in data && 'NewStateValue' in data) return parseClassic(data, 'alarm', undefined);
  return undefined;
}

function parseSns(sns: Json, source: AlarmEventSource): ParsedAlarmEvent | undefined {
  const message = typeof sns.Message === 'string' ? asObject(parseJson(sns.Message)) : asObject(sns.Message);
  return message ? parseClassic(message, source, str(sns.MessageId)) : undefined;
}

/** The classic alarm notification: AlarmName, NewStateValue, Trigger.Dimensions [{ name, value }]. */
function parseClassic(
  m: Json,
  source: AlarmEventSource,
  eventId: string | undefined,
): ParsedAlarmEvent | undefined {
  const alarmName = str(m.AlarmName);
  const state = str(m.NewStateValue);
  if (!alarmName || !state || !STATES.has(state)) return undefined;
  const arn = str(m.AlarmArn);
  const trigger = asObject(m.Trigger);
  const dims = new Dimensions();
  dims.addPairs(trigger?.Dimensions);
  // A metric math alarm lists its metrics instead of one metric.
  const metrics = Array.isArray(trigger?.Metrics) ? trigger.Metrics : [];
  for (const metric of metrics)
    dims.addPairs(asObject(asObject(asObject(metric)?.MetricStat)?.Metric)?.Dimensions);
  // The first metric with a MetricStat: an expression entry (`m1 / 1000`) names no metric.
  const firstMetric = metrics
    .map((metric) => asObject(asObject(asObject(metric)?.MetricStat)?.Metric))
    .find((metric) => metric !== undefined);
  const previous = str(m.OldStateValue);
  const regionName = str(m.Region);
  return build(
    {
      type: 'cloudwatch.alarm',
      source,
      alarmName,
      ...(arn && { alarmArn: arn }),
      state: state as AlarmState,
      ...(previous && STATES.has(previous) && { previousState: previous as AlarmState }),
      ...optional('reason', str(m.NewStateReason)),
      ...optional('time', isoTime(m.StateChangeTime)),
      ...optional('region', regionOfArn(arn) ?? (regionName ? regionCodeOf(regionName) : undefined)),
      ...optional('accountId', str(m.AWSAccountId) ?? accountOfArn(arn)),
      ...optional('namespace', str(trigger?.Namespace) ?? str(firstMetric?.Namespace)),
      ...optional('metricName', str(trigger?.MetricName) ?? str(firstMetric?.MetricName)),
      dimensions: dims.values,
      ...optional('eventId', eventId),
    },
    dims,
  );
}

/** The EventBridge event: detail.configuration.metrics[].metricStat.metric.dimensions is a plain map. */
function parseEventBridge(e: Json): ParsedAlarmEvent | undefined {
  const detail = asObject(e.detail);
  const alarmName = str(detail?.alarmName);
  const state = str(asObject(detail?.state)?.value);
  if (!detail || !alarmName || !state || !STATES.has(state)) return undefined;
  const previous = str(asObject(detail.previousState)?.value);
  const metrics = asObject(detail.configuration)?.metrics;
  const dims = new Dimensions();
  let metric: Json | undefined;
  for (const entry of Array.isArray(metrics) ? metrics : []) {
    const m = asObject(asObject(asObject(entry)?.metricStat)?.metric);
    metric ??= m;
    for (const [name, value] of Object.entries(asObject(m?.dimensions) ?? {})) dims.add(name, value);
  }
  const resources = Array.isArray(e.resources) ? e.resources.filter((r) => typeof r === 'string') : [];
  const arn = resources.find((r) => r.includes(':alarm:'));
  return build(
    {
      type: 'cloudwatch.alarm',
      source: 'eventbridge',
      alarmName,
      ...(arn && { alarmArn: arn }),
      state: state as AlarmState,
      ...(previous && STATES.has(previous) && { previousState: previous as AlarmState }),
      ...optional('reason', str(asObject(detail.state)?.reason)),
      ...optional('time', isoTime(asObject(detail.state)?.timestamp) ?? isoTime(e.time)),
      ...optional('region', str(e.region) ?? regionOfArn(arn)),
      ...optional('accountId', str(e.account) ?? accountOfArn(arn)),
      ...optional('namespace', str(metric?.namespace)),
      ...optional('metricName', str(metric?.name)),
      dimensions: dims.values,
      ...optional('eventId', str(e.id)),
    },
    dims,
  );
}

function build(trigger: AlarmTrigger, dims: Dimensions): ParsedAlarmEvent {
  const { alarmName, state, region, accountId, dimensions } = trigger;
  return {
    trigger,
    inputs: {
      alarmName,
      state,
      // An alarm over several instances names none of them: remediating "the" instance would be a guess.
      ...optional('instanceId', dims.instanceIds.size === 1 ? dimensions.InstanceId : undefined),
      ...optional('autoScalingGroupName', dimensions.AutoScalingGroupName),
      ...optional('region', region),
      ...optional('accountId', accountId),
    },
  };
}

function withSource(
  parsed: ParsedAlarmEvent,
  source: AlarmEventSource,
  eventId: string | undefined,
): ParsedAlarmEvent {
  return { ...parsed, trigger: { ...parsed.trigger, source, ...optional('eventId', eventId) } };
}

/** Dimensions gathered over an alarm's metrics: the first value of each name, and every instance id seen. */
class Dimensions {
  readonly values: Record<string, string> = {};
  readonly instanceIds = new Set<string>();

  add(name: unknown, value: unknown): void {
    if (typeof name !== 'string' || !name || name === '__proto__' || typeof value !== 'string') return;
    if (name === 'InstanceId') this.instanceIds.add(value);
    if (!Object.hasOwn(this.values, name)) this.values[name] = value;
  }

  addPairs(pairs: unknown): void {
    for (const pair of Array.isArray(pairs) ? pairs : []) {
      const p = asObject(pair);
      // The classic message writes them lower-case ({ name, value }); accept the API's casing too.
      this.add(p?.name ?? p?.Name, p?.value ?? p?.Value);
    }
  }
}

function regionOfArn(arn: string | undefined): string | undefined {
  return arn?.split(':')[3] || undefined;
}

function accountOfArn(arn: string | undefined): string | undefined {
  return arn?.split(':')[4] || undefined;
}

function isoTime(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // CloudWatch writes "2024-05-01T12:00:00.000+0000", which Date parses; keep the text if it cannot.
  const at = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(at) ? value : new Date(at).toISOString();
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined || value === '' ? {} : { [key]: value }) as { [P in K]?: string };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
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
