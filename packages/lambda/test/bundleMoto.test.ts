// The bundle `pnpm build` writes (dist/bundle/handler.mjs and its chunks), alone in a directory with the
// example playbook, in a fresh node process, against moto: an EventBridge alarm for a moto instance runs
// ec2-first-line for real. The checks reach a local web server (up), moto's Route 53 (healthy) and
// CloudWatch (CPU at 97 %, so the check fails), the reboot reaches moto's EC2 (each client a chunk loaded
// on first use), and the run is stored in moto's DynamoDB, waiting for its recheck.
import { runInFreshNode } from './freshNode.js';
import { randomUUID } from 'node:crypto';
import { copyFile, cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { CreateHealthCheckCommand, Route53Client } from '@aws-sdk/client-route-53';
import { createRunStoreTable, dynamoRunStore } from '@firstline/store-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { HandlerResult } from '../src/index.js';
import { FAKE_CREDENTIALS, launchUnhealthyInstance, REGION, sdkConfig } from './motoSupport.js';
import { eventBridgeAlarm } from './support.js';

const endpoint = inject('motoEndpoint');
if (!endpoint) console.warn('!! moto_server missing: SKIPPING the bundled handler against moto');

const bundle = fileURLToPath(new URL('../dist/bundle/handler.mjs', import.meta.url));
const playbook = fileURLToPath(new URL('../../../examples/playbooks/ec2-first-line.yaml', import.meta.url));

// Imports the bundle and hands it one event; prints what it answered (or the error's code and message).
// A minute left (50 s after the handler's 10 s margin): the checks and the reboot finish well inside it even
// on a loaded machine, and the 2-minute recheck still does not fit, so the run is handed back. With 20 s
// left (10 s to spend), a loaded run was cut short mid-step, stored running with no wake time.
const script = `
  const { handler } = await import(process.env.BUNDLE);
  const context = { getRemainingTimeInMillis: () => 60_000, awsRequestId: 'bundle-moto-1' };
  const answer = await handler(JSON.parse(process.env.EVENT), context).then(
    (value) => ({ value }),
    (error) => ({ error: { code: error.code, message: error.message } }),
  );
  console.log(JSON.stringify(answer));
`;

describe.skipIf(!endpoint)('the Lambda bundle against moto, in a fresh node process', () => {
  let dir: string;
  const site = createServer((_req, res) => res.writeHead(200).end('ok'));
  const dynamo = new DynamoDBClient(sdkConfig(endpoint));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'firstline-bundle-moto-'));
    await copyFile(bundle, join(dir, 'handler.mjs')).catch(() => {
      throw new Error(
        'packages/lambda/dist/bundle/handler.mjs is missing: run `pnpm --filter @firstline/lambda build`',
      );
    });
    await cp(join(dirname(bundle), 'chunks/handler'), join(dir, 'chunks/handler'), { recursive: true });
    await mkdir(join(dir, 'playbooks'));
    await copyFile(playbook, join(dir, 'playbooks/ec2-first-line.yaml'));
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    site.close();
    dynamo.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  test('an alarm runs the checks, reboots the instance and leaves the run waiting in DynamoDB', async () => {
    const table = `firstline-bundle-${randomUUID().slice(0, 8)}`;
    await createRunStoreTable(dynamo, table);
    const ec2 = new EC2Client(sdkConfig(endpoint));
    const route53 = new Route53Client(sdkConfig(endpoint));
    const cloudWatch = new CloudWatchClient(sdkConfig(endpoint));
    try {
      const instanceId = await launchUnhealthyInstance(ec2);
      const { HealthCheck } = await route53.send(
        new CreateHealthCheckCommand({
          CallerReference: randomUUID(),
          HealthCheckConfig: { Type: 'HTTP', FullyQualifiedDomainName: 'app.example.com', Port: 80 },
        }),
      );
      await cloudWatch.send(
        new PutMetricDataCommand({
          Namespace: 'AWS/EC2',
          MetricData: [
            {
              MetricName: 'CPUUtilization',
              Dimensions: [{ Name: 'InstanceId', Value: instanceId }],
              Value: 97,
              // A minute back, well inside the check's 5-minute window: a datapoint stamped in the same second
              // as the query can fall outside moto's window, and a fast run then read no CPU at all.
              Timestamp: new Date(Date.now() - 60_000),
            },
          ],
        }),
      );
      const event = eventBridgeAlarm(instanceId, `bundle-${randomUUID().slice(0, 8)}`, REGION) as {
        detail: { alarmName: string };
      };
      const { stdout, stderr } = await runInFreshNode(dir, 'handler.mjs', script, {
        EVENT: JSON.stringify(event),
        FIRSTLINE_TABLE: table,
        FIRSTLINE_PLAYBOOK: 'ec2-first-line',
        FIRSTLINE_ALARM: event.detail.alarmName,
        FIRSTLINE_INPUTS: JSON.stringify({
          url: `http://127.0.0.1:${(site.address() as AddressInfo).port}/health`,
          healthCheckId: HealthCheck!.Id,
        }),
        SLACK_TOKEN: 'fake-slack-token-bundle',
        AWS_REGION: REGION,
        AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
        AWS_ENDPOINT_URL: endpoint,
      });
      expect(stderr).not.toMatch(/Dynamic require|Cannot find (module|package)/);
      const answer = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
        value?: HandlerResult;
        error?: unknown;
      };
      expect(answer.error, stderr).toBeUndefined();
      const [run] = answer.value!.runs;
      expect(run).toMatchObject({ playbook: 'ec2-first-line', outcome: 'suspended' });
      const record = await dynamoRunStore({ table, client: dynamo }).load(run!.runId);
      // Still running, waiting for its recheck (2 minutes: past what the invocation had left).
      expect(record?.status).toBe('running');
      expect(record?.deadlines.wake).toBeGreaterThan(Date.now());
      // Each attempt, as the trace has it: the site up, Route 53 healthy, the CPU too high, the reboot.
      const attempts = record!.trace.flatMap((event) =>
        event.type === 'attempt.end' ? [[event.step, event.outcome]] : [],
      );
      expect(attempts).toEqual(
        expect.arrayContaining([
          ['url', 'pass'],
          ['route53', 'pass'],
          ['cpu', 'fail'],
          ['reboot', 'pass'],
        ]),
      );
      // The reboot, at most once: journaled before and after the call to moto's EC2.
      expect(record!.journal.map((entry) => [entry.step, entry.status, entry.outcome])).toEqual([
        ['reboot', 'started', undefined],
        ['reboot', 'done', 'pass'],
      ]);
    } finally {
      ec2.destroy();
      route53.destroy();
      cloudWatch.destroy();
    }
  });
});
