import { describe, expect, test } from 'vitest';
import type { AlertmanagerAlert } from '../alertmanager/alertmanagerPayload.js';
import type { AlarmTrigger } from '@firstline/actions-aws/triggers';
import { declaredInputs, matchesPattern, routeAlarm, routeAlert } from './serverRoute.js';
import type { ServerRoute } from './serverRoute.js';

const alert = (labels: Record<string, string>): AlertmanagerAlert => ({
  status: 'firing',
  labels,
  annotations: {},
  startsAt: '2024-05-01T12:00:00Z',
  fingerprint: 'f',
});
const alarm = (alarmName: string, namespace = 'AWS/EC2', metricName = 'CPUUtilization'): AlarmTrigger => ({
  type: 'cloudwatch.alarm',
  source: 'sns',
  alarmName,
  state: 'ALARM',
  namespace,
  metricName,
  dimensions: {},
});

const routes: ServerRoute[] = [
  { playbook: 'cpu', alarm: { name: 'cpu-*', metric: 'CPUUtilization' } },
  { playbook: 'latency', match: { alertname: 'HighLatency', severity: /^(page|critical)$/g } },
  { playbook: 'any-ec2', alarm: { namespace: 'AWS/EC2' } },
  { playbook: 'catch-all' },
];

describe('matchesPattern', () => {
  test.each([
    ['cpu-*', 'cpu-high', true],
    ['cpu-*', 'xcpu-high', false],
    ['*-i-*', 'Status-i-0abc', true],
    ['a.b', 'axb', false],
    ['exact', 'exact', true],
    ['exact', 'exactly', false],
  ])('%s ~ %s → %s', (pattern, value, expected) => {
    expect(matchesPattern(pattern, value)).toBe(expected);
  });

  test('a global RegExp matches the same way every time; an absent value matches nothing', () => {
    const pattern = /^page$/g;
    expect([1, 2, 3].map(() => matchesPattern(pattern, 'page'))).toEqual([true, true, true]);
    expect(matchesPattern('*', undefined)).toBe(false);
  });
});

describe('routing', () => {
  test('alerts go to the first route whose labels match; alarm routes never take alerts', () => {
    expect(routeAlert(routes, alert({ alertname: 'HighLatency', severity: 'page' }))?.playbook).toBe(
      'latency',
    );
    expect(routeAlert(routes, alert({ alertname: 'HighLatency', severity: 'ticket' }))?.playbook).toBe(
      'catch-all',
    );
    expect(routeAlert(routes.slice(0, 3), alert({ alertname: 'Other' }))).toBeUndefined();
  });

  test('alarms go to the first alarm route whose name, namespace and metric match', () => {
    expect(routeAlarm(routes, alarm('cpu-high'))?.playbook).toBe('cpu');
    expect(routeAlarm(routes, alarm('cpu-high', 'AWS/EC2', 'NetworkIn'))?.playbook).toBe('any-ec2');
    expect(routeAlarm(routes, alarm('disk-full', 'AWS/RDS', 'FreeStorageSpace'))).toBeUndefined();
  });

  test('default inputs keep only what the playbook declares', () => {
    expect(declaredInputs({ instance: {} }, { instance: 'web-1', job: 'web', alertname: 'X' })).toEqual({
      instance: 'web-1',
    });
  });
});
