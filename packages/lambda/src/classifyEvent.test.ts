import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyEvent } from './classifyEvent.js';

// The event shapes Lambda delivers, from AWS documentation samples (this package's and actions-aws's fixtures).
const load = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as Record<string, unknown>;
const aws = (name: string) => load(`../../actions-aws/test/fixtures/${name}`);
const own = (name: string) => load(`../test/fixtures/${name}`);

describe('classifyEvent', () => {
  it('an EventBridge alarm event: one alarm, its run named by the event id', () => {
    const event = classifyEvent(aws('eventbridge-alarm.json'));
    expect(event).toMatchObject({
      kind: 'items',
      batch: false,
      items: [
        {
          type: 'alarm',
          dedupId: 'eb-c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
          messageId: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
        },
      ],
    });
  });

  it('an SNS Lambda event: one alarm per record, named by the SNS MessageId', () => {
    expect(classifyEvent(aws('sns-lambda-event.json'))).toMatchObject({
      batch: false,
      items: [{ type: 'alarm', dedupId: 'sns-95df01b4-ee98-5cb9-9903-4c221d41eb5e' }],
    });
  });

  it('an SQS batch: per record, named by the SNS MessageId inside (SNS may deliver one notification twice)', () => {
    const event = classifyEvent(own('sqs-sns-alarm.json'));
    expect(event).toMatchObject({
      batch: true,
      items: [
        {
          type: 'alarm',
          messageId: '19dd0b57-b21e-4ac1-bd88-01bbb068cb78',
          dedupId: 'sns-95df01b4-ee98-5cb9-9903-4c221d41eb5e',
        },
      ],
    });
  });

  it('an SQS record with bare alarm JSON or a direct invocation in its body', () => {
    const alarm = JSON.parse(String(aws('sns-http-notification.json').Message)) as Record<string, unknown>;
    const record = (own('sqs-sns-alarm.json').Records as Array<Record<string, unknown>>)[0]!;
    const event = classifyEvent({
      Records: [
        { ...record, messageId: 'm1', body: JSON.stringify(alarm) },
        { ...record, messageId: 'm2', body: JSON.stringify({ playbook: 'p', input: { a: 1 } }) },
      ],
    });
    expect(event).toMatchObject({
      batch: true,
      items: [
        {
          type: 'alarm',
          messageId: 'm1',
          dedupId: 'alarm-StatusCheckFailed-i-0abc1234def567890-2024-05-01T12:00:05.241Z',
        },
        { type: 'direct', messageId: 'm2', dedupId: 'sqs-m2', request: { playbook: 'p', input: { a: 1 } } },
      ],
    });
  });

  it('a malformed SQS record is an invalid item, not an error for the whole batch', () => {
    const record = (own('sqs-sns-alarm.json').Records as Array<Record<string, unknown>>)[0]!;
    const event = classifyEvent({
      Records: [
        record,
        { ...record, messageId: 'bad-1', body: '{"Type": "Notif' },
        { ...record, messageId: 'bad-2', body: '{"hello":1}' },
      ],
    });
    if (event.kind !== 'items') throw new Error('expected items');
    expect(event.items.map((i) => [i.messageId, i.type])).toEqual([
      ['19dd0b57-b21e-4ac1-bd88-01bbb068cb78', 'alarm'],
      ['bad-1', 'invalid'],
      ['bad-2', 'invalid'],
    ]);
    const bad = event.items[2]!;
    expect(bad.type === 'invalid' && bad.error.message).toMatch(
      /^SQS message bad-2: unrecognized payload with keys hello; the Firstline handler accepts/,
    );
  });

  it('resume requests: the EventBridge Scheduled Event sample and { firstline: "resumeDue" }', () => {
    expect(classifyEvent(own('scheduled-event.json'))).toEqual({ kind: 'resume' });
    expect(classifyEvent({ firstline: 'resumeDue' })).toEqual({ kind: 'resume' });
  });

  it('a direct invocation, checked field by field', () => {
    expect(
      classifyEvent({ playbook: 'p', input: { instanceId: 'i-1' }, runId: 'r-1', mode: 'shadow' }),
    ).toMatchObject({
      items: [{ type: 'direct', request: { playbook: 'p', runId: 'r-1', mode: 'shadow' } }],
    });
    expect(() => classifyEvent({ playbook: '', input: [1], mode: 'simulate', extra: 1 })).toThrow(
      'a direct invocation where playbook must be a non-empty string; input must be an object; ' +
        "mode must be 'live' or 'shadow'; unknown keys extra",
    );
  });

  it('anything else throws E_EVENT_UNKNOWN naming its keys (never values) and what is accepted', () => {
    const cases: Array<[unknown, RegExp]> = [
      [null, /^the event is null, not an object/],
      ['text', /^the event is a string/],
      [
        { secretish: 'value-that-must-not-appear' },
        /^unrecognized payload with keys secretish; the Firstline handler accepts an EventBridge/,
      ],
      [{ Records: [] }, /empty Records list/],
      [
        { Records: [{ eventSource: 'aws:dynamodb' }] },
        /not all SQS messages or all SNS notifications \(sources: aws:dynamodb\)/,
      ],
      [
        { 'detail-type': 'CloudWatch Alarm State Change', detail: {} },
        /^an EventBridge alarm event that is not a well-formed CloudWatch alarm/,
      ],
    ];
    for (const [event, message] of cases) {
      let caught: unknown;
      try {
        classifyEvent(event);
      } catch (error) {
        caught = error;
      }
      expect(caught).toMatchObject({
        code: 'E_EVENT_UNKNOWN',
        message: expect.stringMatching(message) as unknown,
      });
      expect(String((caught as Error).message)).not.toContain('value-that-must-not-appear');
    }
  });

  it('an SNS record whose message is not alarm JSON is an invalid item', () => {
    const event = aws('sns-lambda-event.json');
    const record = (event.Records as Array<{ Sns: Record<string, unknown> }>)[0]!;
    const foreign = { Records: [{ ...record, Sns: { ...record.Sns, Message: 'hello' } }] };
    expect(classifyEvent(foreign)).toMatchObject({ items: [{ type: 'invalid' }] });
  });
});
