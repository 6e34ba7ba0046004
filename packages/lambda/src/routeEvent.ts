import type {
  AlarmTrigger,
  AlertmanagerAlertTrigger,
  ParsedAlarmEvent,
} from '@firstline/actions-aws/triggers';
import { globMatch } from '@firstline/core';
import type { Route } from './types.js';

/** Where {@link routeEvent} sends an alarm: a playbook and its inputs, or nowhere and why. */
export type RouteDecision =
  | {
      playbook: string;
      /** The route that matched; absent when the only playbook took the alarm by default. */
      route?: Route;
      /** What the alarm offers (instanceId, region, alarmName…): pass those the playbook declares. */
      offered: Record<string, unknown>;
      /** The route's own inputs (`route.inputs(alarm)`): always passed. */
      inputs: Record<string, unknown>;
    }
  | { ignored: 'state' | 'unrouted'; reason: string };

function matches(pattern: string | RegExp | undefined, value: string | undefined): boolean {
  if (pattern === undefined) return true;
  if (value === undefined) return false;
  // search() ignores lastIndex, so a /g or /y pattern given by the caller matches every time.
  return typeof pattern === 'string' ? globMatch(pattern, value) : value.search(pattern) >= 0;
}

/**
 * True when `route` takes `alarm`: its alarm-name pattern, namespace and metric (those given) all
 * match. Namespace and metric come from the alarm's metric (the first one of a metric math alarm).
 *
 * @example
 * matchRoute({ playbook: 'reboot', alarm: 'cpu-*', namespace: 'AWS/EC2' }, parsed.trigger); // true
 */
export function matchRoute(route: Route, alarm: AlarmTrigger): boolean {
  if (route.labels !== undefined) return false;
  return (
    matches(route.alarm, alarm.alarmName) &&
    matches(route.namespace, alarm.namespace) &&
    matches(route.metric, alarm.metricName)
  );
}

/**
 * Decides what an alarm starts, without running anything: only an ALARM state starts a run; the first
 * matching route names the playbook; with no routes at all, a single playbook takes every alarm.
 * Routes that exist but do not match leave the alarm unrouted (never a fallback guess).
 *
 * @example
 * const decision = routeEvent(parseAlarmEvent(event)!, routes, ['ec2-first-line']);
 * if ('ignored' in decision) console.log(decision.reason);
 */
export function routeEvent(
  alarm: ParsedAlarmEvent,
  routes: readonly Route[] | undefined,
  playbooks: readonly string[],
): RouteDecision {
  const { trigger } = alarm;
  if (trigger.state !== 'ALARM')
    return {
      ignored: 'state',
      reason: `alarm ${trigger.alarmName} went to ${trigger.state}: only ALARM starts a run`,
    };
  const offered = Object.fromEntries(Object.entries(alarm.inputs).filter(([, value]) => value !== undefined));
  if (routes === undefined || routes.length === 0) {
    if (playbooks.length === 1) return { playbook: playbooks[0]!, offered, inputs: {} };
    return {
      ignored: 'unrouted',
      reason: `alarm ${trigger.alarmName}: ${playbooks.length} playbooks and no routes, so none is chosen`,
    };
  }
  const route = routes.find((r) => matchRoute(r, trigger));
  if (!route)
    return {
      ignored: 'unrouted',
      reason: `no route matches alarm ${trigger.alarmName} (namespace ${trigger.namespace ?? 'none'}, metric ${trigger.metricName ?? 'none'})`,
    };
  return { playbook: route.playbook, route, offered, inputs: route.inputs?.(trigger) ?? {} };
}

/** The run's inputs: what the alarm offers that the playbook declares, then the route's own inputs. */
export function inputsFor(
  decision: Extract<RouteDecision, { playbook: string }>,
  declared: readonly string[],
): Record<string, unknown> {
  const fromAlarm = declared.filter((name) => Object.hasOwn(decision.offered, name));
  return {
    ...Object.fromEntries(fromAlarm.map((name) => [name, decision.offered[name]])),
    ...decision.inputs,
  };
}

/**
 * True when `route` takes the Alertmanager `alert`: each of its `labels` patterns matches the alert's
 * label. A route with alarm criteria (`alarm`, `namespace`, `metric`) takes no alert.
 */
export function matchAlertRoute(route: Route, alert: AlertmanagerAlertTrigger): boolean {
  if (route.alarm !== undefined || route.namespace !== undefined || route.metric !== undefined) return false;
  return Object.entries(route.labels ?? {}).every(([label, pattern]) =>
    matches(pattern, Object.hasOwn(alert.labels, label) ? alert.labels[label] : undefined),
  );
}

/**
 * Decides what an Alertmanager alert starts, as {@link routeEvent} does for alarms: only a firing alert
 * starts a run; the first route whose labels match names the playbook (its labels are offered as
 * inputs); with no routes at all, a single playbook takes every alert.
 */
export function routeAlert(
  alert: AlertmanagerAlertTrigger,
  routes: readonly Route[] | undefined,
  playbooks: readonly string[],
): RouteDecision {
  const name = alert.labels.alertname ?? alert.fingerprint;
  if (alert.status !== 'firing')
    return { ignored: 'state', reason: `alert ${name} is ${alert.status}: only a firing alert starts a run` };
  const offered: Record<string, unknown> = { ...alert.labels };
  if (routes === undefined || routes.length === 0) {
    if (playbooks.length === 1) return { playbook: playbooks[0]!, offered, inputs: {} };
    return {
      ignored: 'unrouted',
      reason: `alert ${name}: ${playbooks.length} playbooks and no routes, so none is chosen`,
    };
  }
  const route = routes.find((r) => matchAlertRoute(r, alert));
  if (!route) return { ignored: 'unrouted', reason: `no route matches the labels of alert ${name}` };
  return { playbook: route.playbook, route, offered, inputs: route.alertInputs?.(alert) ?? {} };
}
