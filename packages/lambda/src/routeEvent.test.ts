import { readFileSync } from 'node:fs';
import { parseAlarmEvent } from '@firstline/actions-aws/triggers';
import type { ParsedAlarmEvent } from '@firstline/actions-aws/triggers';
import { describe, expect, it } from 'vitest';
import { inputsFor, matchRoute, routeEvent } from './routeEvent.js';
import type { Route } from './types.js';

// Routing on the alarms of AWS's sample payloads (actions-aws/test/fixtures).
const sample = (name: string): ParsedAlarmEvent =>
  parseAlarmEvent(
    JSON.parse(readFileSync(new URL(`../../actions-aws/test/fixtures/${name}`, import.meta.url), 'utf8')),
  )!;
const cpu = sample('eventbridge-alarm.json'); // cpu-at-100-object4, AWS/EC2 CPUUtilization, one instance
const status = sample('sns-lambda-event.json'); // StatusCheckFailed-i-…, AWS/EC2 StatusCheckFailed
const latency = sample('sqs-sns-metric-math-alarm.json'); // asg-web-latency, metric math over Custom/Web

describe('matchRoute', () => {
  it('matches alarm names by glob: * is any run of characters, the rest is literal and anchored', () => {
    expect(matchRoute({ playbook: 'p', alarm: 'cpu-*' }, cpu.trigger)).toBe(true);
    expect(matchRoute({ playbook: 'p', alarm: '*-object4' }, cpu.trigger)).toBe(true);
    expect(matchRoute({ playbook: 'p', alarm: 'cpu' }, cpu.trigger)).toBe(false);
    expect(matchRoute({ playbook: 'p', alarm: 'cpu-at-100-object4' }, cpu.trigger)).toBe(true);
    // Regex metacharacters in a glob are literal.
    expect(matchRoute({ playbook: 'p', alarm: 'cpu.at.100.*' }, cpu.trigger)).toBe(false);
    expect(matchRoute({ playbook: 'p', alarm: '*' }, cpu.trigger)).toBe(true);
  });

  it('matches alarm names by RegExp, the same on every call even with the g flag', () => {
    const route: Route = { playbook: 'p', alarm: /^StatusCheckFailed-i-/g };
    expect(matchRoute(route, status.trigger)).toBe(true);
    expect(matchRoute(route, status.trigger)).toBe(true);
    expect(matchRoute({ playbook: 'p', alarm: /^cpu-at-\d+$/ }, cpu.trigger)).toBe(false);
  });

  it('matches namespace and metric, including a metric math alarm by its first metric', () => {
    expect(matchRoute({ playbook: 'p', namespace: 'AWS/EC2', metric: 'CPU*' }, cpu.trigger)).toBe(true);
    expect(matchRoute({ playbook: 'p', namespace: 'AWS/EC2', metric: 'Status*' }, cpu.trigger)).toBe(false);
    expect(
      matchRoute({ playbook: 'p', namespace: 'Custom/*', metric: 'TargetResponseTime' }, latency.trigger),
    ).toBe(true);
  });

  it('a route with no criteria matches every alarm; a criterion the alarm has no value for does not', () => {
    expect(matchRoute({ playbook: 'p' }, latency.trigger)).toBe(true);
    const bare = { ...cpu.trigger, namespace: undefined };
    expect(matchRoute({ playbook: 'p', namespace: '*' }, bare)).toBe(false);
  });
});

describe('routeEvent', () => {
  const routes: Route[] = [
    { playbook: 'status-self-heal', metric: 'StatusCheckFailed' },
    { playbook: 'cpu-first-line', alarm: 'cpu-*', namespace: 'AWS/EC2' },
    { playbook: 'catch-all-ec2', namespace: 'AWS/EC2' },
  ];
  const names = ['status-self-heal', 'cpu-first-line', 'catch-all-ec2'];

  it('the first matching route wins, and the alarm offers its instance, region and name', () => {
    const decision = routeEvent(cpu, routes, names);
    expect(decision).toMatchObject({
      playbook: 'cpu-first-line',
      offered: {
        alarmName: 'cpu-at-100-object4',
        state: 'ALARM',
        instanceId: 'i-0abc1234def567890',
        region: 'eu-west-1',
        accountId: '123456789012',
      },
      inputs: {},
    });
    expect(routeEvent(status, routes, names)).toMatchObject({ playbook: 'status-self-heal' });
  });

  it('an alarm no route matches is unrouted, even with a single playbook (no fallback guess)', () => {
    expect(routeEvent(latency, routes, names)).toEqual({
      ignored: 'unrouted',
      reason: 'no route matches alarm asg-web-latency (namespace Custom/Web, metric TargetResponseTime)',
    });
    expect(routeEvent(latency, [routes[0]!], ['status-self-heal'])).toMatchObject({ ignored: 'unrouted' });
  });

  it('without routes a single playbook takes every alarm; several playbooks leave it unrouted', () => {
    expect(routeEvent(latency, undefined, ['only'])).toMatchObject({ playbook: 'only' });
    expect(routeEvent(latency, [], ['a', 'b'])).toEqual({
      ignored: 'unrouted',
      reason: 'alarm asg-web-latency: 2 playbooks and no routes, so none is chosen',
    });
  });

  it('only ALARM starts a run: OK and INSUFFICIENT_DATA are ignored with the reason', () => {
    for (const state of ['OK', 'INSUFFICIENT_DATA'] as const) {
      const alarm = { ...cpu, trigger: { ...cpu.trigger, state } };
      expect(routeEvent(alarm, routes, names)).toEqual({
        ignored: 'state',
        reason: `alarm cpu-at-100-object4 went to ${state}: only ALARM starts a run`,
      });
    }
  });

  it("a route's inputs() sees the alarm, and its values win over what the alarm offers", () => {
    const route: Route = {
      playbook: 'cpu-first-line',
      alarm: 'cpu-*',
      inputs: (alarm) => ({ url: `https://${alarm.alarmName}.example.com/health`, region: 'us-west-2' }),
    };
    const decision = routeEvent(cpu, [route], ['cpu-first-line']);
    if ('ignored' in decision) throw new Error('expected a route');
    expect(inputsFor(decision, ['instanceId', 'region', 'url'])).toEqual({
      instanceId: 'i-0abc1234def567890',
      region: 'us-west-2',
      url: 'https://cpu-at-100-object4.example.com/health',
    });
  });

  it('passes only the offered values the playbook declares (inputs it does not declare would be refused)', () => {
    const decision = routeEvent(cpu, undefined, ['p']);
    if ('ignored' in decision) throw new Error('expected a route');
    expect(inputsFor(decision, ['instanceId'])).toEqual({ instanceId: 'i-0abc1234def567890' });
    expect(inputsFor(decision, [])).toEqual({});
    // An ASG alarm names no single instance: nothing is offered for instanceId.
    const asg = routeEvent(latency, undefined, ['p']);
    if ('ignored' in asg) throw new Error('expected a route');
    expect(inputsFor(asg, ['instanceId', 'autoScalingGroupName'])).toEqual({
      autoScalingGroupName: 'web-asg',
    });
  });
});
