import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createMemoryStore, defineAction } from '@firstline/core';
import type { RunStore } from '@firstline/core';
import { classifyTrigger } from '@firstline/actions-aws/triggers';
import { serve } from '@firstline/server';
import type { FirstlineServer } from '@firstline/server';
import { AUTH, get, post, recordingLogger, TOKEN } from './support.js';
import { createTestSigner } from './snsSigner.js';
import type { TestSigner } from './snsSigner.js';

// The server gives a playbook the trigger `firstline run --trigger` and the Lambda handler give it for
// the same event (their tests run these AWS samples too): the rendered `trigger.alarmName` reaches
// the action, and the stored run keeps exactly what classifyTrigger gives.
const sample = (path: string) =>
  JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const ALARM_EVENTS = [
  [
    'SNS (Lambda event)',
    'actions-aws/test/fixtures/sns-lambda-event.json',
    'StatusCheckFailed-i-0abc1234def567890',
  ],
  ['SQS carrying SNS', 'lambda/test/fixtures/sqs-sns-alarm.json', 'StatusCheckFailed-i-0abc1234def567890'],
  ['EventBridge', 'actions-aws/test/fixtures/eventbridge-alarm.json', 'cpu-at-100-object4'],
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
const alertEcho = {
  firstline: 1,
  name: 'alert-echo',
  steps: [
    {
      id: 'post',
      action: 'test.post',
      with: { text: 'alert {{ trigger.labels.alertname }} via {{ trigger.receiver }}' },
    },
  ],
};

let signer: TestSigner;
let server: FirstlineServer;
let store: RunStore;
let posted: string[];

beforeAll(async () => {
  signer = await createTestSigner();
});

beforeEach(async () => {
  store = createMemoryStore();
  posted = [];
  const postAction = defineAction<{ text: string }, { ok: boolean }>({
    id: 'test.post',
    kind: 'notify',
    description: 'Records the text it would post.',
    input: { type: 'object', required: ['text'], properties: { text: { type: 'string' } } },
    run: (input) => {
      posted.push(input.text);
      return Promise.resolve({ ok: true });
    },
  });
  server = await serve({
    playbooks: { 'alarm-echo': alarmEcho, 'alert-echo': alertEcho },
    actions: [postAction],
    store,
    logger: recordingLogger(),
    auth: { tokens: [TOKEN] },
    routes: [
      { playbook: 'alarm-echo', alarm: {} },
      { playbook: 'alert-echo', match: { alertname: 'HighLatency' } },
    ],
    sns: {
      topicArns: ['arn:aws:sns:us-east-1:123456789012:firstline-alarms'],
      fetchCertificate: () => Promise.resolve(signer.certificate),
    },
  });
});

afterEach(() => server.close({ graceMs: 0 }));

/** Waits for the run to end; returns its stored trigger. */
async function finished(runId: string): Promise<unknown> {
  const done = await get(`${server.url}/runs/${runId}?wait=true`, AUTH);
  expect(done.body).toMatchObject({ status: 'done' });
  return (await store.load(runId))?.trigger;
}

describe('the run trigger', () => {
  test.each(ALARM_EVENTS)(
    'POST /runs with the %s event: trigger.alarmName reaches the action',
    async (_what, path, alarm) => {
      const event = sample(path);
      const res = await post(`${server.url}/runs`, { playbook: 'alarm-echo', trigger: event }, AUTH);
      expect(res.status).toBe(202);
      expect(await finished(String(res.body.runId))).toEqual(classifyTrigger(event));
      expect(posted).toEqual([`alarm ${alarm} on i-0abc1234def567890 (cloudwatch.alarm)`]);
    },
  );

  test('POST /sns with the SNS HTTP body: the same text, the body under trigger.raw', async () => {
    // Stamped now: SNS messages older than an hour are refused as replays.
    const body = signer.sign({
      ...sample('server/test/fixtures/sns-alarm-notification.json'),
      Timestamp: new Date().toISOString(),
    });
    const res = await post(`${server.url}/sns`, JSON.stringify(body), {
      'Content-Type': 'text/plain; charset=UTF-8',
    });
    expect(res.status).toBe(202);
    const [run] = res.body.runs as Array<{ runId: string }>;
    expect(await finished(run!.runId)).toEqual(classifyTrigger(body));
    expect(posted).toEqual([
      'alarm StatusCheckFailed-i-0abc1234def567890 on i-0abc1234def567890 (cloudwatch.alarm)',
    ]);
  });

  test('POST /alertmanager: each alert its own trigger, the webhook with only that alert under raw', async () => {
    const alert = (instance: string) => ({
      status: 'firing',
      labels: { alertname: 'HighLatency', instance },
      annotations: {},
      startsAt: '2024-05-01T12:00:00.000Z',
      fingerprint: `fp-${instance}`,
    });
    const body = {
      version: '4',
      receiver: 'firstline',
      status: 'firing',
      alerts: [alert('web-1'), alert('web-2')],
    };
    const res = await post(`${server.url}/alertmanager`, body, AUTH);
    expect(res.status).toBe(202);
    const runs = res.body.runs as Array<{ runId: string }>;
    const triggers = await Promise.all(runs.map((run) => finished(run.runId)));
    expect(triggers).toEqual([
      classifyTrigger({ ...body, alerts: [alert('web-1')] }),
      classifyTrigger({ ...body, alerts: [alert('web-2')] }),
    ]);
    expect(posted).toEqual(['alert HighLatency via firstline', 'alert HighLatency via firstline']);
  });

  test('POST /runs without an event: a `direct` trigger, and a step reading an alarm field fails naming it', async () => {
    const res = await post(`${server.url}/runs`, { playbook: 'alarm-echo' }, AUTH);
    const runId = String(res.body.runId);
    expect(await finished(runId)).toEqual({
      kind: 'direct',
      playbook: 'alarm-echo',
      raw: { playbook: 'alarm-echo' },
    });
    expect(posted).toEqual([]);
    const status = await get(`${server.url}/runs/${runId}`, AUTH);
    expect(status.body.steps).toMatchObject({
      post: {
        outcome: 'error',
        error: expect.stringContaining('E_MISSING_VALUE: trigger.alarmName is missing') as unknown,
      },
    });
  });
});
