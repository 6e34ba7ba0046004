import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseAlarmEvent, parseAlarmEvents, regionCodeOf } from '../src/index.js';

// Alarm events as AWS delivers them (fixtures shaped like the samples in the CloudWatch, SNS, SQS and
// Lambda docs), parsed into the run's trigger and inputs.
const load = async (name: string): Promise<unknown> =>
  JSON.parse(await readFile(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

describe('parseAlarmEvent', () => {
  it('an EventBridge "CloudWatch Alarm State Change" event', async () => {
    const parsed = parseAlarmEvent(await load('eventbridge-alarm.json'));
    expect(parsed).toEqual({
      trigger: {
        type: 'cloudwatch.alarm',
        source: 'eventbridge',
        alarmName: 'cpu-at-100-object4',
        alarmArn: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:cpu-at-100-object4',
        state: 'ALARM',
        previousState: 'OK',
        reason: expect.stringMatching(
          /^Threshold Crossed: 1 out of the last 1 datapoints \[100\.0/,
        ) as unknown,
        time: '2024-05-01T12:00:05.241Z',
        region: 'eu-west-1',
        accountId: '123456789012',
        namespace: 'AWS/EC2',
        metricName: 'CPUUtilization',
        dimensions: { InstanceId: 'i-0abc1234def567890' },
        eventId: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
      },
      inputs: {
        alarmName: 'cpu-at-100-object4',
        state: 'ALARM',
        instanceId: 'i-0abc1234def567890',
        region: 'eu-west-1',
        accountId: '123456789012',
      },
    });
  });

  it('an SNS notification inside a Lambda event (Records[].Sns.Message)', async () => {
    const parsed = parseAlarmEvent(await load('sns-lambda-event.json'));
    expect(parsed?.trigger).toMatchObject({
      source: 'sns',
      alarmName: 'StatusCheckFailed-i-0abc1234def567890',
      state: 'ALARM',
      previousState: 'OK',
      time: '2024-05-01T12:00:05.241Z',
      region: 'us-east-1',
      namespace: 'AWS/EC2',
      metricName: 'StatusCheckFailed',
      dimensions: { InstanceId: 'i-0abc1234def567890' },
      eventId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
    });
    expect(parsed?.inputs).toEqual({
      alarmName: 'StatusCheckFailed-i-0abc1234def567890',
      state: 'ALARM',
      instanceId: 'i-0abc1234def567890',
      region: 'us-east-1',
      accountId: '123456789012',
    });
  });

  it('the body an SNS HTTP(S) subscription receives, as an object or as its JSON text', async () => {
    const body = await load('sns-http-notification.json');
    const fromObject = parseAlarmEvent(body);
    expect(fromObject?.inputs.instanceId).toBe('i-0abc1234def567890');
    expect(parseAlarmEvent(JSON.stringify(body))).toEqual(fromObject);
  });

  it('the bare alarm JSON (SNS raw message delivery)', async () => {
    const body = (await load('sns-http-notification.json')) as { Message: string };
    const parsed = parseAlarmEvent(JSON.parse(body.Message));
    expect(parsed?.trigger).toMatchObject({
      source: 'alarm',
      alarmName: 'StatusCheckFailed-i-0abc1234def567890',
    });
    expect(parsed?.trigger).not.toHaveProperty('eventId');
    expect(parsed?.inputs.instanceId).toBe('i-0abc1234def567890');
  });

  it('takes the region from the display name when the message has no ARN', async () => {
    const body = (await load('sns-http-notification.json')) as { Message: string };
    const message = JSON.parse(body.Message) as Record<string, unknown>;
    delete message.AlarmArn;
    message.Region = 'Asia Pacific (Tokyo)';
    const parsed = parseAlarmEvent({ ...body, Message: JSON.stringify(message) });
    expect(parsed?.inputs.region).toBe('ap-northeast-1');
  });

  it('an alarm without an InstanceId dimension (metric math over an Auto Scaling group, via SQS)', async () => {
    const parsed = parseAlarmEvent(await load('sqs-sns-metric-math-alarm.json'));
    expect(parsed?.trigger).toMatchObject({
      source: 'sqs',
      alarmName: 'asg-web-latency',
      previousState: 'INSUFFICIENT_DATA',
      region: 'eu-west-1',
      namespace: 'Custom/Web',
      metricName: 'TargetResponseTime',
      dimensions: { AutoScalingGroupName: 'web-asg' },
      eventId: '059f36b4-87a3-44ab-83d2-661975830a7d',
    });
    expect(parsed?.inputs).toEqual({
      alarmName: 'asg-web-latency',
      state: 'ALARM',
      autoScalingGroupName: 'web-asg',
      region: 'eu-west-1',
      accountId: '123456789012',
    });
    expect(parsed?.inputs).not.toHaveProperty('instanceId');
  });

  it('names no instance when the alarm watches several', async () => {
    const event = (await load('eventbridge-alarm.json')) as {
      detail: { configuration: { metrics: unknown[] } };
    };
    const metric = (instanceId: string) => ({
      id: instanceId,
      metricStat: {
        metric: { namespace: 'AWS/EC2', name: 'CPUUtilization', dimensions: { InstanceId: instanceId } },
      },
    });
    event.detail.configuration.metrics = [metric('i-0aaaaaaaaaaaaaaaa'), metric('i-0bbbbbbbbbbbbbbbb')];
    const parsed = parseAlarmEvent(event);
    expect(parsed?.trigger.dimensions).toEqual({ InstanceId: 'i-0aaaaaaaaaaaaaaaa' });
    expect(parsed?.inputs).not.toHaveProperty('instanceId');
  });

  it('parseAlarmEvents returns every alarm of a batch, skipping records that are not alarms', async () => {
    const lambda = (await load('sns-lambda-event.json')) as { Records: unknown[] };
    const sqs = (await load('sqs-sns-metric-math-alarm.json')) as { Records: unknown[] };
    const batch = {
      Records: [lambda.Records[0], { eventSource: 'aws:sqs', body: 'not json' }, sqs.Records[0]],
    };
    expect(parseAlarmEvents(batch).map((p) => p.inputs.alarmName)).toEqual([
      'StatusCheckFailed-i-0abc1234def567890',
      'asg-web-latency',
    ]);
  });

  it('returns undefined, never throws, for anything that is not an alarm event', async () => {
    const body = (await load('sns-http-notification.json')) as Record<string, unknown>;
    const eventbridge = (await load('eventbridge-alarm.json')) as { detail: Record<string, unknown> };
    const cases: unknown[] = [
      undefined,
      null,
      42,
      'not json',
      [],
      {},
      { Records: 'nope' },
      { Records: [null, 1, { Sns: { Message: '{' } }] },
      { ...body, Message: 'plain text, not JSON' },
      { ...body, Message: JSON.stringify({ AlarmName: 'x', NewStateValue: 'ON_FIRE' }) },
      { ...body, Type: 'SubscriptionConfirmation' },
      {
        'detail-type': 'EC2 Instance State-change Notification',
        source: 'aws.ec2',
        detail: { state: 'stopped' },
      },
      { ...eventbridge, detail: { ...eventbridge.detail, alarmName: 7 } },
      { ...eventbridge, detail: { ...eventbridge.detail, state: null } },
    ];
    for (const event of cases) expect(parseAlarmEvent(event)).toBeUndefined();
  });
});

describe('regionCodeOf', () => {
  it('maps CloudWatch display names, old and new, to region codes', () => {
    expect(regionCodeOf('US East (N. Virginia)')).toBe('us-east-1');
    expect(regionCodeOf('EU (Ireland)')).toBe('eu-west-1');
    expect(regionCodeOf('Europe (Ireland)')).toBe('eu-west-1');
    expect(regionCodeOf('South America (São Paulo)')).toBe('sa-east-1');
    expect(regionCodeOf('AWS GovCloud (US-West)')).toBe('us-gov-west-1');
    expect(regionCodeOf('eu-central-2')).toBe('eu-central-2');
    expect(regionCodeOf('Atlantis (Central)')).toBeUndefined();
  });
});
