import type { AlertmanagerAlert } from '../alertmanager/alertmanagerPayload.js';
import type { AlarmTrigger } from '@firstline/actions-aws/triggers';
import { globMatch } from '@firstline/core';

/** A string matches exactly, or as a glob when it holds `*` (any run of characters); a RegExp is tested. */
export type Pattern = string | RegExp;

/** Sends Alertmanager alerts whose labels match to a playbook. */
export interface AlertmanagerRoute {
  playbook: string;
  /** Labels the alert must carry, each matching its pattern; no `match` takes every alert. */
  match?: Record<string, Pattern>;
  /** Absent: what tells this route from an {@link AlarmRoute}. */
  alarm?: undefined;
  /**
   * The run's inputs for an alert. By default: the alert's labels that the playbook declares as
   * inputs (an `instance` label feeds `inputs.instance`).
   */
  inputs?: (alert: AlertmanagerAlert) => Record<string, unknown>;
}

/** Sends CloudWatch alarms (over SNS) whose name, namespace and metric match to a playbook. */
export interface AlarmRoute {
  playbook: string;
  /** What the alarm must match; an empty object takes every alarm. */
  alarm: { name?: Pattern; namespace?: Pattern; metric?: Pattern };
  /**
   * The run's inputs for an alarm. By default: those of alarmName, state, instanceId (from the
   * alarm's InstanceId dimension), autoScalingGroupName, region and accountId the playbook declares.
   */
  inputs?: (alarm: AlarmTrigger) => Record<string, unknown>;
}

/** An alert source → playbook + inputs rule; the first route that matches an alert wins. */
export type ServerRoute = AlertmanagerRoute | AlarmRoute;

/** True for a route that takes CloudWatch alarms rather than Alertmanager alerts. */
export function isAlarmRoute(route: ServerRoute): route is AlarmRoute {
  return 'alarm' in route && typeof route.alarm === 'object' && route.alarm !== null;
}

/** Whether `value` matches `pattern` (an absent value matches nothing). */
export function matchesPattern(pattern: Pattern, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (pattern instanceof RegExp) {
    // A /g or /y pattern keeps state between tests; matching must not depend on the previous alert.
    pattern.lastIndex = 0;
    return pattern.test(value);
  }
  return globMatch(pattern, value);
}

/** The first Alertmanager route whose labels match the alert's. */
export function routeAlert(
  routes: readonly ServerRoute[],
  alert: AlertmanagerAlert,
): AlertmanagerRoute | undefined {
  return routes.find(
    (route): route is AlertmanagerRoute =>
      !isAlarmRoute(route) &&
      Object.entries(route.match ?? {}).every(([label, pattern]) =>
        matchesPattern(pattern, alert.labels[label]),
      ),
  );
}

/** The first alarm route whose name, namespace and metric patterns match the alarm. */
export function routeAlarm(routes: readonly ServerRoute[], alarm: AlarmTrigger): AlarmRoute | undefined {
  return routes.find((route): route is AlarmRoute => {
    if (!isAlarmRoute(route)) return false;
    const { name, namespace, metric } = route.alarm;
    return (
      (name === undefined || matchesPattern(name, alarm.alarmName)) &&
      (namespace === undefined || matchesPattern(namespace, alarm.namespace)) &&
      (metric === undefined || matchesPattern(metric, alarm.metricName))
    );
  });
}

/** Keeps the values a playbook declares as inputs: a default route must not fail on extra labels. */
export function declaredInputs(
  declared: Record<string, unknown> | undefined,
  values: object,
): Record<string, unknown> {
  const names = new Set(Object.keys(declared ?? {}));
  return Object.fromEntries(
    Object.entries(values).filter(([name, value]) => names.has(name) && value !== undefined),
  );
}
