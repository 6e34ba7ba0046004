import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createMemoryStore } from '@firstline/core';
import type { RunStore } from '@firstline/core';
import { parseAlarmEvent } from '@firstline/actions-aws/triggers';
import { alarmRunId, serve } from '@firstline/server';
import type { FirstlineServer } from '@firstline/server';
import { AUTH, get, post, recordingLogger, TOKEN, testActions, ec2Restart } from './support.js';
import type { TestActions } from './support.js';
import { createTestSigner } from './snsSigner.js';
import type { TestSigner } from './snsSigner.js';

// Stamped now: a delivery older than an hour is refused as a replay (snsForgery.test.ts).
const fixture = (name: string): Record<string, unknown> => ({
  ...(JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >),
  Timestamp: new Date().toISOString(),
});
const notification = fixture('sns-alarm-notification.json');
const confirmation = fixture('sns-subscription-confirmation.json');
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:firstline-alarms';

let signer: TestSigner;
let server: FirstlineServer;
let store: RunStore;
let test$: TestActions;
let certificateFetches: string[];
let confirmations: string[];
const logger = recordingLogger();

beforeAll(async () => {
  signer = await createTestSigner();
});

beforeEach(async () => {
  store = createMemoryStore();
  test$ = testActions();
  certificateFetches = [];
  confirmations = [];
  server = await serve({
    playbooks: { 'ec2-restart': ec2Restart },
    actions: test$.actions,
    store,
    logger,
    auth: { tokens: [TOKEN] },
    routes: [{ playbook: 'ec2-restart', alarm: { name: 'StatusCheckFailed-*', namespace: 'AWS/EC2' } }],
    sns: {
      topicArns: [TOPIC],
      autoConfirm: true,
      // (mock) stand-ins for the two GETs to SNS: the certificate and the SubscribeURL.
      fetchCertificate: (url) => {
        certificateFetches.push(url);
        return Promise.resolve(signer.certificate);
      },
      confirmSubscription: (url) => {
        confirmations.push(url);
        return Promise.resolve();
      },
    },
  });
});

afterEach(() => server.close({ graceMs: 0 }));

const sns = (body: Record<string, unknown>, type = String(body.Type)) =>
  post(`${server.url}/sns`, JSON.stringify(body), {
    'Content-Type': 'text/plain; charset=UTF-8',
    'x-amz-sns-message-type': type,
  });

describe('POST /sns', () => {
  test('a signed CloudWatch alarm notification starts the routed run, instance id from its dimensions', async () => {
    const res = await sns(signer.sign(notification));
    expect(res.status).toBe(202);
    const [run] = res.body.runs as Array<{ runId: string; playbook: string }>;
    expect(run!.playbook).toBe('ec2-restart');
    const done = await get(`${server.url}/runs/${run!.runId}?wait=true`, AUTH);
    expect(done.body).toMatchObject({
      status: 'done',
      outcome: 'recovered',
      inputs: {
        instanceId: 'i-0abc1234def567890',
        alarmName: 'StatusCheckFailed-i-0abc1234def567890',
        region: 'us-east-1',
      },
    });
    expect(test$.restarts).toEqual(['i-0abc1234def567890']);
    expect(certificateFetches).toEqual([signer.certUrl]);
  });

  test('SignatureVersion 2 (SHA256) verifies too; the certificate is fetched once and cached', async () => {
    const first = await sns(signer.sign(notification, '2'));
    expect(first.status).toBe(202);
    const again = await sns(signer.sign({ ...notification, MessageId: 'another-delivery' }, '2'));
    // The same alarm change delivered again (an SNS retry with a new id) is the same run.
    expect(again.body.runs).toEqual([expect.objectContaining({ duplicate: true })]);
    expect(certificateFetches).toHaveLength(1);
  });

  test('a bad signature is refused with 403 and nothing runs', async () => {
    const signed = signer.sign(notification);
    const tampered = {
      ...signed,
      Message: String(signed.Message).replace('i-0abc1234def567890', 'i-0fffffffffffffff0'),
    };
    const res = await sns(tampered);
    expect(res.status).toBe(403);
    expect(res.body.error).toEqual({
      code: 'E_SIGNATURE_INVALID',
      message: 'the SNS message signature does not verify; the message was not processed',
    });
    const garbage = await sns({ ...signed, Signature: 'bm90IGEgc2lnbmF0dXJl' });
    expect(garbage.status).toBe(403);
    expect(await store.list()).toEqual([]);
    expect(test$.restarts).toEqual([]);
  });

  test('a certificate URL off SNS hosts, another topic, or an unknown SignatureVersion is refused (403)', async () => {
    const evil = await createTestSigner('https://sns.us-east-1.amazonaws.com.evil.example/cert.pem');
    const offHost = await sns(evil.sign(notification));
    expect(offHost.status).toBe(403);
    expect((offHost.body.error as { message: string }).message).toMatch(
      /not an https \.pem URL on an SNS host/,
    );
    const plain = await createTestSigner('http://sns.us-east-1.amazonaws.com/cert.pem');
    expect((await sns(plain.sign(notification))).status).toBe(403);
    const otherTopic = await sns(
      signer.sign({ ...notification, TopicArn: 'arn:aws:sns:us-east-1:999999999999:other' }),
    );
    expect(otherTopic.status).toBe(403);
    expect((otherTopic.body.error as { message: string }).message).toMatch(/is not one this server accepts/);
    const v3 = await sns({ ...signer.sign(notification), SignatureVersion: '3' });
    expect(v3.status).toBe(403);
    expect(certificateFetches).toEqual([]);
    expect(await store.list()).toEqual([]);
  });

  test('subscription confirmation: verified, then exactly its SubscribeURL is fetched', async () => {
    const res = await sns(signer.sign(confirmation));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ type: 'SubscriptionConfirmation', confirmed: true });
    expect(confirmations).toEqual([confirmation.SubscribeURL]);

    const forged = signer.sign({
      ...confirmation,
      SubscribeURL: 'https://attacker.example/?Action=ConfirmSubscription',
    });
    const refused = await sns(forged);
    expect(refused.status).toBe(403);
    const unsigned = await sns({ ...signer.sign(confirmation), Token: 'changed' });
    expect(unsigned.status).toBe(403);
    expect(confirmations).toHaveLength(1);
  });

  test('OK and INSUFFICIENT_DATA notifications, unrouted alarms and other messages start nothing (200)', async () => {
    const ok = String(notification.Message).replace('"NewStateValue": "ALARM"', '"NewStateValue": "OK"');
    const other = String(notification.Message).replace(/StatusCheckFailed-i-/g, 'DiskFull-i-');
    for (const message of [ok, other, 'Hello world!']) {
      const res = await sns(signer.sign({ ...notification, Message: message }));
      expect(res.status).toBe(200);
      expect(res.body.runs).toEqual([]);
    }
    expect(await store.list()).toEqual([]);
  });

  test('a header that disagrees with the body, or a body that is no SNS message, is a 400', async () => {
    expect((await sns(signer.sign(notification), 'SubscriptionConfirmation')).status).toBe(400);
    const res = await sns({ hello: 'world' });
    expect(res.status).toBe(400);
    expect((res.body.error as { message: string }).message).toMatch(/^Type must be Notification/);
  });
});

describe('alarmRunId', () => {
  test('one alarm state change is one run id, whatever the SNS delivery', () => {
    const parsed = parseAlarmEvent(notification)!;
    expect(alarmRunId('ec2-restart', parsed.trigger, 'm-1')).toBe(
      alarmRunId('ec2-restart', parsed.trigger, 'm-2'),
    );
    expect(alarmRunId('ec2-restart', parsed.trigger, 'm-1')).toMatch(/^sns-[0-9a-f]{32}$/);
    const later = { ...parsed.trigger, time: '2024-05-01T13:00:00.000Z' };
    expect(alarmRunId('ec2-restart', later, 'm-1')).not.toBe(
      alarmRunId('ec2-restart', parsed.trigger, 'm-1'),
    );
  });
});

test('without autoConfirm a subscription confirmation is logged for an operator, not fetched', async () => {
  const log = recordingLogger();
  const manual = await serve({
    playbooks: { 'ec2-restart': ec2Restart },
    actions: testActions().actions,
    logger: log,
    auth: false,
    sns: { fetchCertificate: () => Promise.resolve(signer.certificate) },
  });
  try {
    const res = await post(`${manual.url}/sns`, signer.sign(confirmation), {
      'x-amz-sns-message-type': 'SubscriptionConfirmation',
    });
    expect(res.body).toEqual({ type: 'SubscriptionConfirmation', confirmed: false });
    expect(log.lines.find((l) => l.level === 'warn')?.message).toMatch(/confirm it yourself/);
    expect(confirmations).toEqual([]);
  } finally {
    await manual.close({ graceMs: 0 });
  }
});
