import { createMemoryStore, defineAction } from '@firstline/core';
import { classifyTrigger } from '@firstline/actions-aws/triggers';
import { describe, expect, it } from 'vitest';
import { createLambdaHandler } from '../src/index.js';
import { fixture, lambdaContext } from './support.js';

// The handler gives a playbook the trigger `firstline run --trigger` and the server give it for the
// same event (their tests run these AWS samples too): the rendered `trigger.alarmName` reaches the
// action, and the stored run keeps exactly what classifyTrigger gives.
const ALARM_EVENTS = [
  ['SNS (Lambda event)', 'aws:sns-lambda-event.json', 'StatusCheckFailed-i-0abc1234def567890'],
  ['SQS carrying SNS', 'sqs-sns-alarm.json', 'StatusCheckFailed-i-0abc1234def567890'],
  ['EventBridge', 'aws:eventbridge-alarm.json', 'cpu-at-100-object4'],
] as const;

const alarmEcho = {
  firstline: 1,
  name: 'alarm-echo',
  steps: [
    {
      id: 'post',
      action: 'test.post',
      with: { text: 'alarm {{ trigger.alarmName }} on {{ trigger.instanceId }} ({{ trigger.kind }})' },
    },
  ],
};

function setup() {
  const posted: string[] = [];
  const post = defineAction<{ text: string }, { ok: boolean }>({
    id: 'test.post',
    kind: 'notify',
    description: 'Records the text it would post.',
    input: { type: 'object', required: ['text'], properties: { text: { type: 'string' } } },
    run: (input) => {
      posted.push(input.text);
      return Promise.resolve({ ok: true });
    },
  });
  const store = createMemoryStore();
  const handler = createLambdaHandler({ playbooks: { 'alarm-echo': alarmEcho }, actions: [post], store });
  return { handler, posted, store };
}

describe('the run trigger', () => {
  it.each(ALARM_EVENTS)(
    '%s: trigger.alarmName reaches the action; the run keeps the classified trigger',
    async (_what, name, alarm) => {
      const { handler, posted, store } = setup();
      const event = fixture(name);
      const result = await handler(event, lambdaContext(60_000));
      expect(posted).toEqual([`alarm ${alarm} on i-0abc1234def567890 (cloudwatch.alarm)`]);
      const record = await store.load(result.runs[0]!.runId);
      expect(record?.trigger).toEqual(classifyTrigger(event));
    },
  );

  it('a direct invocation carrying the event gives the run the same trigger', async () => {
    const { handler, posted, store } = setup();
    const event = fixture('aws:eventbridge-alarm.json');
    const result = await handler({ playbook: 'alarm-echo', trigger: event }, lambdaContext(60_000));
    expect(posted).toEqual(['alarm cpu-at-100-object4 on i-0abc1234def567890 (cloudwatch.alarm)']);
    expect((await store.load(result.runs[0]!.runId))?.trigger).toEqual(classifyTrigger(event));
  });

  it('a direct invocation without an alarm: the step fails naming trigger.alarmName, nothing is posted', async () => {
    const { handler, posted, store } = setup();
    const result = await handler({ playbook: 'alarm-echo' }, lambdaContext(60_000));
    expect(posted).toEqual([]);
    const record = await store.load(result.runs[0]!.runId);
    expect(record?.trigger).toEqual({
      kind: 'direct',
      playbook: 'alarm-echo',
      raw: { playbook: 'alarm-echo' },
    });
    const end = record?.trace.find((e) => e.type === 'step.end' && e.step === 'post');
    expect(end).toMatchObject({
      outcome: 'error',
      error: expect.stringContaining(
        'E_MISSING_VALUE: trigger.alarmName is missing (trigger has: kind, playbook, raw)',
      ) as unknown,
    });
  });
});
