import type { AlarmTrigger } from './parseAlarmEvent.js';

/** What started a run, as `trigger.kind` names it. */
export type TriggerKind = Trigger['kind'];

/**
 * The `trigger` a playbook sees, whatever started the run and whichever host ran it (CLI, Lambda,
 * server): the fields parsed out of the event, and the event itself under `raw`.
 */
export type Trigger = CloudWatchAlarmTrigger | AlertmanagerAlertTrigger | DirectTrigger | UnknownTrigger;

/** A CloudWatch alarm state change, from EventBridge, SNS (Lambda record or HTTP body), SQS, or the bare alarm JSON. */
export interface CloudWatchAlarmTrigger extends AlarmTrigger {
  kind: 'cloudwatch.alarm';
  /** From the `InstanceId` dimension, when the alarm watches exactly one instance. */
  instanceId?: string;
  /** From the `AutoScalingGroupName` dimension. */
  autoScalingGroupName?: string;
  /** The event as delivered (one record of a batch: the batch with only that record). */
  raw: unknown;
}

/** One alert of an Alertmanager webhook (payload version 4), with the webhook's receiver and group. */
export interface AlertmanagerAlertTrigger {
  kind: 'alertmanager.alert';
  /** Always `alertmanager.alert`: the same as `kind`, kept for playbooks written before `kind`. */
  type: 'alertmanager.alert';
  /** The webhook's receiver (empty when it names none). */
  receiver: string;
  groupKey?: string;
  externalURL?: string;
  status: 'firing' | 'resolved';
  /** The alert's labels: `trigger.labels.alertname`, `trigger.labels.instance`. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** RFC 3339. */
  startsAt: string;
  endsAt?: string;
  generatorURL?: string;
  /** Identifies the alert's label set; with `startsAt`, one firing of it. */
  fingerprint: string;
  /** The webhook body (of several alerts: the body with only this one). */
  raw: unknown;
}

/** A direct invocation `{ playbook, input?, runId? }` that carried no trigger of its own. */
export interface DirectTrigger {
  kind: 'direct';
  /** The playbook the invocation named. */
  playbook: string;
  /** The invocation as received. */
  raw: unknown;
}

/** Anything else: a custom event, a payload of a shape no parser knows. Read it under `raw`. */
export interface UnknownTrigger {
  kind: 'unknown';
  raw: unknown;
}
