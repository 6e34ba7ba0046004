import type { AlertmanagerAlertTrigger } from './trigger.js';

type Json = Record<string, unknown>;

/** True for a body shaped like an Alertmanager webhook: an `alerts` list and its receiver or version. */
export function isAlertmanagerWebhook(data: Json): boolean {
  return (
    Array.isArray(data.alerts) &&
    (data.version === '4' || typeof data.receiver === 'string' || typeof data.groupKey === 'string')
  );
}

/**
 * Each well-formed alert of an Alertmanager webhook as a trigger, `raw` being the webhook with only
 * that alert (the body itself when it holds one). Lenient: an alert missing its status, labels,
 * startsAt or fingerprint is skipped, never thrown on (the server's endpoint checks bodies strictly).
 */
export function alertmanagerTriggers(data: Json): AlertmanagerAlertTrigger[] {
  const alerts = Array.isArray(data.alerts) ? data.alerts : [];
  return alerts.flatMap((value) => {
    const alert = asObject(value);
    const status = alert?.status;
    const startsAt = str(alert?.startsAt);
    const fingerprint = str(alert?.fingerprint);
    const labels = stringMap(alert?.labels);
    if (!alert || (status !== 'firing' && status !== 'resolved') || !startsAt || !fingerprint || !labels)
      return [];
    const trigger: AlertmanagerAlertTrigger = {
      kind: 'alertmanager.alert',
      type: 'alertmanager.alert',
      receiver: str(data.receiver) ?? '',
      ...optional('groupKey', str(data.groupKey)),
      ...optional('externalURL', str(data.externalURL)),
      status,
      labels,
      annotations: stringMap(alert.annotations) ?? {},
      startsAt,
      ...optional('endsAt', str(alert.endsAt)),
      ...optional('generatorURL', str(alert.generatorURL)),
      fingerprint,
      raw: alerts.length === 1 ? data : { ...data, alerts: [value] },
    };
    return [trigger];
  });
}

/** The string values of an object (labels, annotations); undefined when it is not an object. */
function stringMap(value: unknown): Record<string, string> | undefined {
  const map = asObject(value);
  if (!map) return undefined;
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries(map))
    if (typeof text === 'string')
      // A label named __proto__ is data: it must not reach a prototype.
      Object.defineProperty(out, name, { value: text, enumerable: true, writable: true, configurable: true });
  return out;
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}
