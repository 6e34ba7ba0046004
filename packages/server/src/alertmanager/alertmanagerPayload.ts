import { HttpError } from '../http/httpError.js';

/** One alert of an Alertmanager webhook (payload version 4). */
export interface AlertmanagerAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** RFC 3339. */
  startsAt: string;
  endsAt?: string;
  generatorURL?: string;
  /** Identifies the alert's label set; with `startsAt`, one firing of it. */
  fingerprint: string;
}

/** The Alertmanager webhook body (payload version 4), checked field by field. */
export interface AlertmanagerPayload {
  version: '4';
  receiver: string;
  status: 'firing' | 'resolved';
  alerts: AlertmanagerAlert[];
  groupKey?: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL?: string;
  truncatedAlerts?: number;
}

const STATUSES = new Set(['firing', 'resolved']);

/**
 * Checks an Alertmanager webhook body; anything off is a 400 naming the field (`alerts[2].labels.job
 * must be a string`). Only what a run needs is required: Alertmanager versions add fields, and an
 * unknown field is kept out of nothing.
 */
export function parseAlertmanagerPayload(body: unknown): AlertmanagerPayload {
  const data = object(body, 'body');
  if (data.version !== undefined && data.version !== '4')
    bad(
      `version must be "4" (the Alertmanager webhook payload this server reads), not ${JSON.stringify(data.version)}`,
    );
  if (!Array.isArray(data.alerts)) bad('alerts must be a list (is this an Alertmanager webhook?)');
  const alerts = data.alerts.map((alert, index) => parseAlert(alert, `alerts[${index}]`));
  return {
    version: '4',
    receiver: optionalString(data.receiver, 'receiver') ?? '',
    status: status(
      data.status ?? (alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved'),
      'status',
    ),
    alerts,
    ...optional('groupKey', optionalString(data.groupKey, 'groupKey')),
    groupLabels: labels(data.groupLabels ?? {}, 'groupLabels'),
    commonLabels: labels(data.commonLabels ?? {}, 'commonLabels'),
    commonAnnotations: labels(data.commonAnnotations ?? {}, 'commonAnnotations'),
    ...optional('externalURL', optionalString(data.externalURL, 'externalURL')),
    ...(typeof data.truncatedAlerts === 'number' && { truncatedAlerts: data.truncatedAlerts }),
  };
}

function parseAlert(value: unknown, path: string): AlertmanagerAlert {
  const alert = object(value, path);
  const startsAt = optionalString(alert.startsAt, `${path}.startsAt`);
  if (startsAt === undefined || Number.isNaN(Date.parse(startsAt)))
    bad(`${path}.startsAt must be an RFC 3339 time`);
  const fingerprint = optionalString(alert.fingerprint, `${path}.fingerprint`);
  if (!fingerprint)
    bad(`${path}.fingerprint must be a non-empty string (Alertmanager 0.19 and later send it)`);
  return {
    status: status(alert.status, `${path}.status`),
    labels: labels(alert.labels, `${path}.labels`),
    annotations: labels(alert.annotations ?? {}, `${path}.annotations`),
    startsAt,
    ...optional('endsAt', optionalString(alert.endsAt, `${path}.endsAt`)),
    ...optional('generatorURL', optionalString(alert.generatorURL, `${path}.generatorURL`)),
    fingerprint,
  };
}

function bad(message: string): never {
  throw new HttpError(400, 'E_BAD_REQUEST', message);
}

function object(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad(`${path} must be an object`);
  return value as Record<string, unknown>;
}

function status(value: unknown, path: string): 'firing' | 'resolved' {
  if (typeof value !== 'string' || !STATUSES.has(value)) bad(`${path} must be "firing" or "resolved"`);
  return value as 'firing' | 'resolved';
}

function labels(value: unknown, path: string): Record<string, string> {
  const map = object(value, path);
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries(map)) {
    if (typeof text !== 'string') bad(`${path}.${name} must be a string`);
    // Labels become inputs; a label named __proto__ must not reach a prototype.
    Object.defineProperty(out, name, { value: text, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function optionalString(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') bad(`${path} must be a string`);
  return value;
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
