import { readdirSync, readFileSync } from 'node:fs';
import { TRIGGER_FIELDS } from '@firstline/core';
import { describe, expect, it } from 'vitest';
import { classifyTrigger, classifyTriggers } from './index.js';

// The one classifier every host uses, on the AWS documentation samples the actions-aws and lambda
// tests already share (EventBridge, SNS as Lambda gets it, the SNS HTTP body, SQS carrying SNS).
type Json = Record<string, unknown>;
const load = (name: string): Json => {
  const url = name.startsWith('lambda:')
    ? new URL(`../../../lambda/test/fixtures/${name.slice(7)}`, import.meta.url)
    : new URL(`../../test/fixtures/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Json;
};

const webhook = (alerts: Json[]): Json => ({
  version: '4',
  groupKey: '{}:{alertname="HighLatency"}',
  status: 'firing',
  receiver: 'firstline',
  groupLabels: { alertname: 'HighLatency' },
  commonLabels: { alertname: 'HighLatency' },
  commonAnnotations: {},
  externalURL: 'http://alertmanager.example:9093',
  alerts,
});
const alert = (instance: string): Json => ({
  status: 'firing',
  labels: { alertname: 'HighLatency', instance },
  annotations: { summary: 'p99 over 2s' },
  startsAt: '2024-05-01T12:00:00.000Z',
  endsAt: '0001-01-01T00:00:00Z',
  fingerprint: `fp-${instance}`,
});

describe('classifyTrigger', () => {
  it('an EventBridge alarm: the parsed fields, the instance, and the event itself under raw', () => {
    const event = load('eventbridge-alarm.json');
    const trigger = classifyTrigger(event);
    expect(trigger).toMatchObject({
      kind: 'cloudwatch.alarm',
      type: 'cloudwatch.alarm',
      source: 'eventbridge',
      alarmName: 'cpu-at-100-object4',
      state: 'ALARM',
      region: 'eu-west-1',
      accountId: '123456789012',
      namespace: 'AWS/EC2',
      metricName: 'CPUUtilization',
      dimensions: { InstanceId: 'i-0abc1234def567890' },
      instanceId: 'i-0abc1234def567890',
    });
    expect(trigger.raw).toBe(event);
  });

  it.each([
    ['SNS as Lambda gets it', 'sns-lambda-event.json', 'sns'],
    ['the SNS HTTP body', 'sns-http-notification.json', 'sns'],
    ['SQS carrying SNS', 'lambda:sqs-sns-alarm.json', 'sqs'],
  ])('%s: the same alarm fields, raw the event as delivered', (_what, name, source) => {
    const event = load(name);
    const trigger = classifyTrigger(event);
    expect(trigger).toMatchObject({
      kind: 'cloudwatch.alarm',
      source,
      alarmName: 'StatusCheckFailed-i-0abc1234def567890',
      state: 'ALARM',
      region: 'us-east-1',
      instanceId: 'i-0abc1234def567890',
    });
    expect(trigger.raw).toBe(event);
    // JSON text (a body read as text, `--trigger '{…}'`) gives the same trigger.
    expect(classifyTrigger(JSON.stringify(event))).toEqual(trigger);
  });

  it('an alarm over an Auto Scaling group names the group and no instance', () => {
    const trigger = classifyTrigger(load('sqs-sns-metric-math-alarm.json'));
    expect(trigger).toMatchObject({ kind: 'cloudwatch.alarm', autoScalingGroupName: 'web-asg' });
    expect(trigger).not.toHaveProperty('instanceId');
  });

  it('a batch gives one trigger per alarm, each raw the batch with only its record; the first wins alone', () => {
    const sns = load('sns-lambda-event.json').Records as unknown[];
    const sqs = load('sqs-sns-metric-math-alarm.json').Records as unknown[];
    const batch = { Records: [sqs[0], { eventSource: 'aws:sqs', body: 'not json' }, sns[0]] };
    const triggers = classifyTriggers(batch);
    expect(triggers.map((t) => (t.kind === 'cloudwatch.alarm' ? t.alarmName : t.kind))).toEqual([
      'asg-web-latency',
      'StatusCheckFailed-i-0abc1234def567890',
    ]);
    expect(triggers.map((t) => t.raw)).toEqual([{ Records: [sqs[0]] }, { Records: [sns[0]] }]);
    expect(classifyTrigger(batch)).toEqual(triggers[0]);
  });

  it('an Alertmanager webhook: one trigger per well-formed alert, raw the webhook with only that alert', () => {
    const one = webhook([alert('web-1:9100')]);
    expect(classifyTrigger(one)).toEqual({
      kind: 'alertmanager.alert',
      type: 'alertmanager.alert',
      receiver: 'firstline',
      groupKey: '{}:{alertname="HighLatency"}',
      externalURL: 'http://alertmanager.example:9093',
      status: 'firing',
      labels: { alertname: 'HighLatency', instance: 'web-1:9100' },
      annotations: { summary: 'p99 over 2s' },
      startsAt: '2024-05-01T12:00:00.000Z',
      endsAt: '0001-01-01T00:00:00Z',
      fingerprint: 'fp-web-1:9100',
      raw: one,
    });
    const two = webhook([alert('web-1:9100'), { status: 'firing' }, alert('web-2:9100')]);
    const triggers = classifyTriggers(two);
    expect(triggers.map((t) => (t.kind === 'alertmanager.alert' ? t.labels.instance : t.kind))).toEqual([
      'web-1:9100',
      'web-2:9100',
    ]);
    expect(triggers[1]!.raw).toEqual({ ...two, alerts: [alert('web-2:9100')] });
  });

  it('a direct invocation: its own trigger classified, or `direct` when it carries none', () => {
    const event = load('eventbridge-alarm.json');
    expect(classifyTrigger({ playbook: 'reboot', input: { x: 1 }, trigger: event })).toEqual(
      classifyTrigger(event),
    );
    expect(classifyTrigger({ playbook: 'reboot', trigger: JSON.stringify(event) })).toEqual(
      classifyTrigger(event),
    );
    const bare = { playbook: 'reboot', input: { instanceId: 'i-1' }, runId: 'r-1' };
    expect(classifyTrigger(bare)).toEqual({ kind: 'direct', playbook: 'reboot', raw: bare });
    expect(classifyTrigger({ playbook: 'reboot', trigger: { ticket: 'INC-7' } })).toEqual({
      kind: 'unknown',
      raw: { ticket: 'INC-7' },
    });
    // SQS carrying a direct invocation, as the Lambda handler accepts it.
    const record = { eventSource: 'aws:sqs', messageId: 'm1', body: JSON.stringify({ playbook: 'reboot' }) };
    expect(classifyTrigger({ Records: [record] })).toEqual({
      kind: 'direct',
      playbook: 'reboot',
      raw: { playbook: 'reboot' },
    });
  });

  it('anything else is `unknown` with the event under raw, and never throws', () => {
    const body = load('sns-http-notification.json');
    const cases: unknown[] = [
      undefined,
      null,
      42,
      'plain text',
      '{ not json',
      [],
      {},
      { hello: 'world' },
      { Records: [] },
      { Records: [null, 1, { Sns: { Message: '{' } }] },
      { ...body, Type: 'SubscriptionConfirmation' },
      { ...body, Message: 'plain text, not JSON' },
      load('lambda:scheduled-event.json'),
      { playbook: '', input: {} },
      { alerts: 'nope', receiver: 'x' },
    ];
    for (const event of cases) expect(classifyTrigger(event)).toEqual({ kind: 'unknown', raw: event });
  });

  it('a trigger handed back (even through JSON, as a run record stores it) classifies to itself', () => {
    const events = [
      load('eventbridge-alarm.json'),
      load('sns-lambda-event.json'),
      load('lambda:sqs-sns-alarm.json'),
      webhook([alert('web-1:9100')]),
      { playbook: 'reboot' },
      { custom: true },
    ];
    for (const event of events) {
      const trigger = classifyTrigger(event);
      expect(classifyTrigger(trigger)).toEqual(trigger);
      expect(classifyTrigger(JSON.parse(JSON.stringify(trigger)))).toEqual(trigger);
    }
  });

  it("every field it gives is one core's validator knows (TRIGGER_FIELDS), and kind and raw are always there", () => {
    const fields = new Set<string>();
    const events = [
      load('eventbridge-alarm.json'),
      load('sns-lambda-event.json'),
      load('sqs-sns-metric-math-alarm.json'),
      webhook([alert('web-1:9100')]),
      { playbook: 'reboot' },
      { custom: true },
    ];
    for (const event of events) {
      const trigger = classifyTrigger(event);
      expect(Object.keys(trigger)).toEqual(expect.arrayContaining(['kind', 'raw']));
      for (const key of Object.keys(trigger)) fields.add(key);
    }
    expect([...fields].filter((f) => !(TRIGGER_FIELDS as readonly string[]).includes(f))).toEqual([]);
  });

  it('imports nothing outside src/triggers: this entry must never load an AWS SDK client', () => {
    const dir = new URL('./', import.meta.url);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      const imports = [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]);
      expect(
        imports.filter((spec) => !spec!.startsWith('./')),
        file,
      ).toEqual([]);
    }
  });
});
