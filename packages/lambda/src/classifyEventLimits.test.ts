import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { classifyEvent } from './classifyEvent.js';

const own = (name: string) =>
  JSON.parse(readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;
const deep = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

it('an event nested 5,000 deep or holding a prototype key is refused before it is classified', () => {
  const nested = JSON.parse(`{"playbook": "p", "trigger": ${deep(5000)}}`) as unknown;
  expect(() => classifyEvent(nested)).toThrow(
    expect.objectContaining({
      code: 'E_DATA_LIMIT',
      message: expect.stringMatching(/^event\.trigger\[0\]/) as unknown,
    }),
  );
  const polluted = JSON.parse('{"playbook": "p", "input": {"__proto__": {"admin": true}}}') as unknown;
  expect(() => classifyEvent(polluted)).toThrow(
    expect.objectContaining({
      code: 'E_UNSAFE_KEY',
      message: expect.stringMatching(/^event\.input: the key "__proto__"/) as unknown,
    }),
  );
});

it('in an SQS batch only the record over the limits is invalid', () => {
  const record = (own('sqs-sns-alarm.json').Records as Array<Record<string, unknown>>)[0]!;
  const event = classifyEvent({
    Records: [record, { ...record, messageId: 'deep', body: `{"playbook": "p", "trigger": ${deep(100)}}` }],
  });
  if (event.kind !== 'items') throw new Error('expected items');
  expect(event.items.map((i) => [i.messageId, i.type])).toEqual([
    ['19dd0b57-b21e-4ac1-bd88-01bbb068cb78', 'alarm'],
    ['deep', 'invalid'],
  ]);
  const bad = event.items[1]!;
  expect(bad.type === 'invalid' && bad.error.code).toBe('E_DATA_LIMIT');
});

it('a direct invocation with run id "." or ".." is refused', () => {
  for (const runId of ['.', '..', 'a/b'])
    expect(() => classifyEvent({ playbook: 'p', runId })).toThrow(/runId must be 1 to 200 of A-Z/);
});
