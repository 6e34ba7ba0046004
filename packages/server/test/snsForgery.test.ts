// Forged and replayed SNS deliveries: what they may cost the server (certificate fetches) and what
// is refused before any fetch. The certificate is served by a loopback HTTP server standing in for
// sns.<region>.amazonaws.com, which counts the GETs it answers.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createMemoryStore } from '@firstline/core';
import type { RunStore } from '@firstline/core';
import { serve, SNS_HOST } from '@firstline/server';
import type { FirstlineServer } from '@firstline/server';
import { post, recordingLogger, TOKEN, testActions, ec2Restart } from './support.js';
import { createTestSigner } from './snsSigner.js';
import type { TestSigner } from './snsSigner.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:firstline-alarms';
const CERT_URL = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem';
const notification: Record<string, unknown> = {
  ...(JSON.parse(
    readFileSync(new URL('./fixtures/sns-alarm-notification.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>),
  Timestamp: new Date().toISOString(),
};

let signer: TestSigner;
let certServer: Server;
let certBase: string;
/** Paths the certificate server was asked for, in order. */
let certGets: string[];
let store: RunStore;
let server: FirstlineServer;

beforeAll(async () => {
  signer = await createTestSigner(CERT_URL);
  certServer = createServer((req, res) => {
    certGets.push(req.url ?? '');
    if (req.url === '/SimpleNotificationService-test.pem') res.end(signer.certificate);
    else res.writeHead(404).end('no such certificate');
  });
  await new Promise<void>((resolve) => certServer.listen(0, '127.0.0.1', resolve));
  certBase = `http://127.0.0.1:${(certServer.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => certServer.close(() => resolve())));

beforeEach(async () => {
  certGets = [];
  store = createMemoryStore();
  server = await serve({
    playbooks: { 'ec2-restart': ec2Restart },
    actions: testActions().actions,
    store,
    logger: recordingLogger(),
    auth: { tokens: [TOKEN] },
    routes: [{ playbook: 'ec2-restart', alarm: { name: 'StatusCheckFailed-*' } }],
    sns: {
      topicArns: [TOPIC],
      // The SNS host, reached on loopback: the URL the verifier asks for, its path kept.
      fetchCertificate: async (url) => {
        const res = await fetch(`${certBase}${new URL(url).pathname}`);
        if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}`);
        return res.text();
      },
    },
  });
});
afterEach(() => server.close({ graceMs: 0 }));

const sns = (body: Record<string, unknown>) =>
  post(`${server.url}/sns`, JSON.stringify(body), { 'x-amz-sns-message-type': String(body.Type) });

/** Sends `count` bodies, `width` at a time; returns how many got each status. */
async function storm(count: number, body: (i: number) => Record<string, unknown>, width = 50) {
  const statuses: Record<number, number> = {};
  for (let start = 0; start < count; start += width) {
    const batch = Array.from({ length: Math.min(width, count - start) }, (_, k) => sns(body(start + k)));
    for (const res of await Promise.all(batch)) statuses[res.status] = (statuses[res.status] ?? 0) + 1;
  }
  return statuses;
}

// 2,000 requests over loopback take about 2 s alone, and longer on a machine busy with other suites.
const STORM_MS = 60_000;

describe('forged SNS deliveries cost at most one certificate fetch', () => {
  test(
    '2,000 forgeries on the real certificate URL: one fetch, all 403, nothing stored',
    async () => {
      const signed = signer.sign(notification);
      const statuses = await storm(2000, (i) => ({ ...signed, Message: `forged ${i}` }));
      expect(statuses).toEqual({ 403: 2000 });
      expect(certGets).toEqual(['/SimpleNotificationService-test.pem']);
      expect(await store.list()).toEqual([]);
    },
    STORM_MS,
  );

  test(
    '2,000 copies of a signed message, each SigningCertURL varied by query or fragment: 0 fetches',
    async () => {
      const signed = signer.sign(notification);
      const variants = ['?', `?n=`, '#', '?Action=x#'];
      const statuses = await storm(2000, (i) => ({
        ...signed,
        MessageId: `m-${i}`,
        SigningCertURL: `${CERT_URL}${variants[i % variants.length]}${i}`,
      }));
      expect(statuses).toEqual({ 403: 2000 });
      expect(certGets).toEqual([]);
      // The same message on the canonical URL is genuine, and then costs the one fetch.
      expect((await sns(signed)).status).toBe(202);
      expect(certGets).toHaveLength(1);
    },
    STORM_MS,
  );

  test(
    'ever new certificate paths cost at most the fetch budget; a failed path is not fetched again',
    async () => {
      const signed = signer.sign(notification);
      const statuses = await storm(300, (i) => ({
        ...signed,
        SigningCertURL: `https://sns.us-east-1.amazonaws.com/SimpleNotificationService-x${i % 30}.pem`,
      }));
      // 10 fetches a minute by default: 10 distinct paths answered 404 (403 each, remembered), the
      // rest refused unfetched: 503 with Retry-After while the budget is spent, 403 once remembered.
      expect(certGets).toHaveLength(10);
      expect(new Set(certGets).size).toBe(10);
      expect((statuses[403] ?? 0) + (statuses[503] ?? 0)).toBe(300);
      const throttled = await sns({ ...signed, SigningCertURL: CERT_URL.replace('-test', '-y') });
      expect(throttled.status).toBe(503);
      expect(throttled.headers.get('retry-after')).toBe('60');
    },
    STORM_MS,
  );
});

describe('refused before any fetch', () => {
  test('a message stamped 2015 (a replay) or an hour in the future is refused (403)', async () => {
    for (const Timestamp of ['2015-06-01T12:00:00.000Z', new Date(Date.now() + 3_600_000).toISOString()]) {
      const res = await sns(signer.sign({ ...notification, Timestamp }));
      expect(res.status).toBe(403);
      expect((res.body.error as { code: string; message: string }).message).toMatch(
        /^Timestamp .* is not within 60 min of now/,
      );
    }
    const garbled = await sns(signer.sign({ ...notification, Timestamp: 'yesterday' }));
    expect(garbled.status).toBe(403);
    expect(certGets).toEqual([]);
    expect(await store.list()).toEqual([]);
  });

  test('certificate URLs on hosts that are not SNS, or not in canonical form, are refused (403)', async () => {
    const signed = signer.sign(notification);
    const urls = [
      'https://sns.s3.amazonaws.com/SimpleNotificationService-test.pem',
      'https://sns.amazonaws.com/SimpleNotificationService-test.pem',
      'https://sns.us-east-1.amazonaws.com.evil.example/SimpleNotificationService-test.pem',
      'https://sns.us-east-1.amazonaws.com.cn/SimpleNotificationService-test.pem',
      'https://SNS.us-east-1.amazonaws.com/SimpleNotificationService-test.pem',
      'https://sns.us-east-1.amazonaws.com:443/SimpleNotificationService-test.pem',
      'https://user@sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem',
      'https://sns.us-east-1.amazonaws.com/a/../SimpleNotificationService-test.pem',
      'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-%74est.pem',
      'https://sns.us-east-1.amazonaws.com/cert.pem',
      'http://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem',
    ];
    for (const SigningCertURL of urls) {
      const res = await sns({ ...signed, SigningCertURL });
      expect({ SigningCertURL, status: res.status }).toEqual({ SigningCertURL, status: 403 });
      expect((res.body.error as { message: string }).message).toMatch(
        /is not an https \.pem URL on an SNS host/,
      );
    }
    expect(certGets).toEqual([]);
  });
});

test('SNS_HOST admits region hosts only', () => {
  for (const host of [
    'sns.us-east-1.amazonaws.com',
    'sns.ap-southeast-2.amazonaws.com',
    'sns.us-gov-west-1.amazonaws.com',
    'sns.cn-north-1.amazonaws.com.cn',
    'sns.cn-northwest-1.amazonaws.com.cn',
  ])
    expect(SNS_HOST.test(host)).toBe(true);
  for (const host of [
    'sns.s3.amazonaws.com',
    'sns.x.amazonaws.com',
    'sns.amazonaws.com',
    'sns.us-east-1.amazonaws.com.cn',
    'sns.us-east-1.amazonaws.com.evil',
    'sqs.us-east-1.amazonaws.com',
  ])
    expect(SNS_HOST.test(host)).toBe(false);
});
