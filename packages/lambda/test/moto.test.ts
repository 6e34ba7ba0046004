import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CreateTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { loadPlaybook } from '@firstline/core';
import type { RunRecord } from '@firstline/core';
import { createRunStoreTable, dynamoRunStore } from '@firstline/store-dynamodb';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import type { HandlerResult, SQSBatchResponse } from '../src/index.js';
import { launchUnhealthyInstance, motoHandler, REGION, sdkConfig } from './motoSupport.js';
import {
  createShiftedClock,
  eventBridgeAlarm,
  fixture,
  fixturePath,
  lambdaContext,
  recordingLogger,
  snsNotification,
  sqsRecord,
} from './support.js';

// The four scenarios, end to end: the handler invoked in-process with AWS's sample payloads,
// its runs kept in moto's DynamoDB (dynamoRunStore) and its AWS calls going to moto's EC2. Every test
// has its own table and instance, so nothing here resets moto. The reboot action is the real one,
// wrapped to count its calls (moto's RebootInstances leaves no trace to count).
const endpoint = inject('motoEndpoint');
if (!endpoint) console.warn('!! moto_server missing: SKIPPING the @firstline/lambda moto scenarios');

const MIN = 60_000;
type Batch = HandlerResult & SQSBatchResponse;

describe.skipIf(!endpoint)(
  'the Lambda handler against moto (DynamoDB run store, EC2)',
  { timeout: 60_000 },
  () => {
    const ec2 = new EC2Client(sdkConfig(endpoint));
    const opened: Array<() => Promise<void>> = [];
    afterEach(() => Promise.all(opened.splice(0).map((close) => close())));
    afterAll(() => ec2.destroy());

    /** A fresh table, an instance whose health tag says `bad`, and a handler as a Lambda module builds it. */
    async function setup(playbook?: object) {
      const table = `firstline-lambda-${randomUUID().slice(0, 8)}`;
      const clock = createShiftedClock();
      const logger = recordingLogger();
      const wakes: Array<{ runId: string; at: number }> = [];
      const made = motoHandler({
        endpoint,
        table,
        clock,
        logger,
        ...(playbook && { playbook }),
        scheduleWake: (wake) => {
          wakes.push(wake);
          return Promise.resolve();
        },
      });
      opened.push(made.close);
      await createRunStoreTable(made.dynamo, table);
      const instanceId = await launchUnhealthyInstance(ec2);
      const store = dynamoRunStore({ table, client: made.dynamo, now: () => clock.now() });
      const healthy = () =>
        ec2.send(
          new CreateTagsCommand({ Resources: [instanceId], Tags: [{ Key: 'health', Value: 'good' }] }),
        );
      return { ...made, table, clock, logger, wakes, instanceId, store, healthy };
    }

    const resumeRequest = () => fixture('scheduled-event.json');

    it('20 concurrent invocations for one instance: exactly one reboot, 19 runs skipped on the lock', async () => {
      const { handler, reboots, instanceId } = await setup();
      const results = (await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          handler(eventBridgeAlarm(instanceId, `ev-${i}`), lambdaContext(30_000)),
        ),
      )) as HandlerResult[];
      const runs = results.flatMap((r) => r.runs);
      expect(reboots()).toBe(1);
      const winner = runs.filter((r) => r.outcome === 'suspended');
      const skipped = runs.filter((r) => r.outcome === 'skipped');
      expect(winner).toHaveLength(1);
      expect(winner[0]!.suspended).toMatchObject({ reason: 'wait' });
      expect(skipped).toHaveLength(19);
      for (const run of skipped)
        expect(run.skipped).toMatchObject({ reason: 'lock', key: instanceId, holder: winner[0]!.runId });
    });

    it('one SQS batch of 20 with whenLocked: queue: one reboot, the other 19 left in the queue, none dropped', async () => {
      const loaded = await loadPlaybook(fixturePath('reboot-unhealthy.yaml'));
      const data = loaded.data as { lock: object };
      const queued = { ...data, lock: { ...data.lock, whenLocked: 'queue', queueFor: '300ms' } };
      const { handler, reboots, instanceId, clock, healthy } = await setup(queued);
      const records = Array.from({ length: 20 }, (_, i) =>
        sqsRecord(`m-${i}`, snsNotification(instanceId, `sns-${i}`)),
      );

      const batch = (await handler({ Records: records }, lambdaContext(30_000))) as Batch;
      expect(reboots()).toBe(1);
      const winner = batch.runs.find((r) => r.outcome === 'suspended')!;
      const failed = batch.batchItemFailures.map((f) => f.itemIdentifier).sort();
      expect(failed).toHaveLength(19);
      expect(failed).toEqual(
        records
          .map((r) => r.messageId as string)
          .filter((id) => id !== winner.messageId)
          .sort(),
      );
      expect(batch.failed?.[0]?.error).toMatch(
        /^the lock on i-\w+ is held by run reboot-unhealthy-sns-sns-\d+: left in the queue/,
      );

      // The winner finishes (the instance came back), freeing the lock; SQS redelivers the 19.
      await healthy();
      clock.jump(11 * MIN);
      const resumed = await handler(resumeRequest(), lambdaContext(30_000));
      expect(resumed.resumed?.runs).toMatchObject([{ runId: winner.runId, outcome: 'recovered' }]);
      const redelivered = records.filter((r) => failed.includes(r.messageId as string));
      const again = (await handler({ Records: redelivered }, lambdaContext(30_000))) as Batch;
      // Each either ran now (the instance is healthy: no reboot) or is still queued: nothing is dropped.
      const ran = again.runs.filter((r) => r.outcome === 'healthy').map((r) => r.messageId!);
      const stillQueued = again.batchItemFailures.map((f) => f.itemIdentifier);
      expect(ran.length).toBeGreaterThanOrEqual(1);
      expect([...ran, ...stillQueued].sort()).toEqual(failed);
      expect(reboots()).toBe(1);
    });

    it('budget of 2 reboots a day: the third alarm reboots nothing, ends skipped and escalates (notify.skipped)', async () => {
      const { handler, reboots, instanceId, clock, notifications } = await setup();
      for (const [i, id] of ['ev-b1', 'ev-b2'].entries()) {
        const started = await handler(eventBridgeAlarm(instanceId, id), lambdaContext(30_000));
        expect(started.runs).toMatchObject([{ outcome: 'suspended' }]);
        expect(reboots()).toBe(i + 1);
        clock.jump(11 * MIN);
        // Still unhealthy after the reboot: the run ends unrecovered and frees the lock.
        const resumed = await handler(resumeRequest(), lambdaContext(30_000));
        expect(resumed.resumed?.runs).toMatchObject([{ outcome: 'unrecovered' }]);
        clock.jump(MIN);
      }
      const third = await handler(eventBridgeAlarm(instanceId, 'ev-b3'), lambdaContext(30_000));
      expect(reboots()).toBe(2);
      expect(third.runs).toMatchObject([
        {
          runId: 'reboot-unhealthy-eb-ev-b3',
          outcome: 'skipped',
          skipped: {
            reason: 'budget',
            key: instanceId,
            action: 'aws.ec2.reboot',
            max: 2,
            windowMs: 24 * 60 * MIN,
          },
        },
      ]);
      expect((third.runs[0]!.skipped as { uses: number[] }).uses).toHaveLength(2);
      expect(notifications.at(-1)).toEqual({ text: `escalate: ${instanceId} was not rebooted` });
    });

    it('a crashed run holds the lock until its ttl; after it, a new alarm takes the lock and reboots', async () => {
      const { handler, reboots, instanceId, clock, store } = await setup();
      // What a run that crashed after taking the lock leaves behind: the lock (ttl 30m), never freed.
      expect(await store.lock!(instanceId, 'crashed-run', clock.now() + 30 * MIN, clock.now())).toEqual({
        acquired: true,
      });

      clock.jump(5 * MIN);
      const blocked = await handler(eventBridgeAlarm(instanceId, 'ev-c1'), lambdaContext(30_000));
      expect(blocked.runs).toMatchObject([
        { outcome: 'skipped', skipped: { reason: 'lock', holder: 'crashed-run' } },
      ]);
      expect(reboots()).toBe(0);

      clock.jump(26 * MIN);
      const after = await handler(eventBridgeAlarm(instanceId, 'ev-c2'), lambdaContext(30_000));
      expect(after.runs).toMatchObject([{ runId: 'reboot-unhealthy-eb-ev-c2', outcome: 'suspended' }]);
      expect(reboots()).toBe(1);
      expect(await store.lock!(instanceId, 'someone-else', clock.now() + MIN, clock.now())).toMatchObject({
        acquired: false,
        holder: 'reboot-unhealthy-eb-ev-c2',
      });
    });

    it('a run waiting 10 minutes suspends with 30 s left; a fresh process resumes it on a Scheduled Event', async () => {
      const { handler, reboots, instanceId, clock, wakes, table, store, healthy } = await setup();
      const first = await handler(eventBridgeAlarm(instanceId, 'ev-r1'), lambdaContext(30_000));
      const runId = 'reboot-unhealthy-eb-ev-r1';
      expect(first.runs).toMatchObject([{ runId, outcome: 'suspended', suspended: { reason: 'wait' } }]);
      expect(wakes).toEqual([{ runId, at: first.runs[0]!.suspended!.wakeAt }]);
      expect(wakes[0]!.at - clock.now()).toBeGreaterThan(9 * MIN);
      expect(reboots()).toBe(1);
      await healthy();

      // A new container, 11 minutes later: nothing shared with this process but the table.
      const child = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(new URL('./resumeChild.ts', import.meta.url))],
        {
          cwd: fileURLToPath(new URL('..', import.meta.url)),
          env: {
            ...process.env,
            TSX_TSCONFIG_PATH: fileURLToPath(new URL('../tsconfig.json', import.meta.url)),
            FIRSTLINE_MOTO_ENDPOINT: endpoint,
            FIRSTLINE_TABLE: table,
            FIRSTLINE_CLOCK_SHIFT_MS: String(clock.now() - Date.now() + 11 * MIN),
          },
          timeout: 50_000,
        },
      );
      const out = JSON.parse(child.stdout) as {
        result: HandlerResult;
        reboots: number;
        notifications: unknown[];
        errors: string[];
        pid: number;
      };
      expect(out.pid).not.toBe(process.pid);
      expect(out.errors).toEqual([]);
      expect(out.result.resumed).toEqual({
        runs: [{ runId, playbook: 'reboot-unhealthy', outcome: 'recovered' }],
        busy: [],
        failed: [],
      });
      expect(out.reboots).toBe(0);
      expect(out.notifications).toEqual([{ text: `recovered ${instanceId}` }]);

      // The reboot happened exactly once across both processes, as the stored trace shows.
      const record = (await store.load(runId)) as RunRecord;
      expect(record.status).toBe('done');
      const rebootCalls = record.trace.filter(
        (e) => e.type === 'attempt.start' && e.action === 'aws.ec2.reboot',
      );
      expect(rebootCalls).toHaveLength(1);
      expect(reboots()).toBe(1);
      expect(REGION).toBe('us-east-1');
    });
  },
);
