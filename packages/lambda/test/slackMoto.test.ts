import { randomUUID } from 'node:crypto';
import { EC2Client } from '@aws-sdk/client-ec2';
import { createRunStoreTable } from '@firstline/store-dynamodb';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import type { JournalEntry } from '@firstline/core';
import type { HandlerResult } from '../src/index.js';
import { SIGNING_SECRET, slackEvent, slackPress } from './httpSupport.js';
import { launchUnhealthyInstance, motoHandler, sdkConfig } from './motoSupport.js';
import { createShiftedClock, fixturePath, lambdaContext, recordingLogger } from './support.js';
import { dynamoRunStore } from '@firstline/store-dynamodb';

// "Done when" of the Slack callbacks: a run suspended on its approval in DynamoDB (moto) is resumed by
// the signed Slack callback once, even when Slack delivers the press twice: one RebootInstances (the real
// aws.ec2.reboot against moto, wrapped to count its calls), one remediation journal entry.
const endpoint = inject('motoEndpoint');
if (!endpoint) console.warn('!! moto_server missing: SKIPPING the @firstline/lambda Slack approval scenario');

describe.skipIf(!endpoint)(
  'Slack approvals against moto (DynamoDB run store, EC2)',
  { timeout: 60_000 },
  () => {
    const ec2 = new EC2Client(sdkConfig(endpoint));
    const opened: Array<() => Promise<void>> = [];
    afterEach(() => Promise.all(opened.splice(0).map((close) => close())));
    afterAll(() => ec2.destroy());

    async function setup() {
      const table = `firstline-approve-${randomUUID().slice(0, 8)}`;
      const clock = createShiftedClock();
      const logger = recordingLogger();
      const wakes: Array<{ runId: string; at: number }> = [];
      const made = motoHandler({
        endpoint,
        table,
        clock,
        logger,
        playbook: fixturePath('approve-reboot.yaml'),
        scheduleWake: (wake) => (wakes.push(wake), Promise.resolve()),
        extra: {
          env: { SLACK_SIGNING_SECRET: SIGNING_SECRET },
          http: { slack: { signingSecret: { env: 'SLACK_SIGNING_SECRET' }, respond: false } },
        },
      });
      opened.push(made.close);
      await createRunStoreTable(made.dynamo, table);
      const instanceId = await launchUnhealthyInstance(ec2);
      const store = dynamoRunStore({ table, client: made.dynamo, now: () => clock.now() });
      // The direct invocation starts the run; it stops at the approval, stored in DynamoDB.
      const started: HandlerResult = await made.handler(
        { playbook: 'reboot-unhealthy', input: { instanceId }, runId: `approve-${instanceId}` },
        lambdaContext(60_000),
      );
      return { ...made, clock, logger, wakes, instanceId, store, started, runId: `approve-${instanceId}` };
    }

    /** The reboot's attempts in the journal (each is written `started`, then `done`): one key per attempt. */
    const remediations = (journal: JournalEntry[]) => [
      ...new Set(journal.filter((entry) => entry.action === 'aws.ec2.reboot').map((entry) => entry.key)),
    ];

    it("an approver's press resumes the run once: one RebootInstances, and the second delivery changes nothing", async () => {
      const { handler, reboots, store, clock, started, runId } = await setup();
      expect(started.runs[0]).toMatchObject({ outcome: 'suspended', suspended: { reason: 'approval' } });
      const record = (await store.load(runId))!;
      expect(record.approval).toMatchObject({ step: 'ask', approvers: { slack: ['U0APPROVER'] } });
      expect(record.approval!.decision).toBeUndefined();
      expect(reboots()).toBe(0);

      const press = slackEvent(slackPress(record.approval!.id, 'firstline.approve'), clock.now());
      const first = await handler(press, lambdaContext(60_000));
      expect(first.statusCode).toBe(200);
      expect(JSON.parse(first.body)).toMatchObject({
        replace_original: true,
        text: expect.stringContaining('Approved by <@U0APPROVER>') as unknown,
      });
      expect(reboots()).toBe(1);
      const after = (await store.load(runId))!;
      expect(after.approval!.decision).toMatchObject({
        decision: 'approved',
        by: 'U0APPROVER',
        via: 'slack',
      });
      expect(after.status).toBe('done');
      expect(remediations(after.journal)).toHaveLength(1);

      // Slack delivers the same press again (a retry after a slow answer): refused, nothing changes.
      const again = await handler(press, lambdaContext(60_000));
      expect(again.statusCode).toBe(200);
      expect(JSON.parse(again.body)).toMatchObject({
        response_type: 'ephemeral',
        text: expect.stringContaining('Already decided') as unknown,
      });
      expect(reboots()).toBe(1);
      const unchanged = (await store.load(runId))!;
      expect(remediations(unchanged.journal)).toHaveLength(1);
      expect(unchanged.trace.length).toBe(after.trace.length);
    });

    it('two deliveries at once still decide once and reboot once', async () => {
      const { handler, reboots, store, clock, runId } = await setup();
      const record = (await store.load(runId))!;
      const press = slackEvent(slackPress(record.approval!.id, 'firstline.approve'), clock.now());
      const answers = await Promise.all([
        handler(press, lambdaContext(60_000)),
        handler(press, lambdaContext(60_000)),
      ]);
      expect(answers.map((a) => a.statusCode)).toEqual([200, 200]);
      const texts = answers.map((a) => (JSON.parse(a.body) as { text: string }).text);
      expect(texts.filter((t) => t.includes('Approved by'))).toHaveLength(1);
      expect(reboots()).toBe(1);
      expect(remediations((await store.load(runId))!.journal)).toHaveLength(1);
    });

    it("a stranger's press, or a forged one, changes nothing in DynamoDB", async () => {
      const { handler, reboots, store, clock, runId } = await setup();
      const before = JSON.stringify(await store.load(runId));
      const id = (await store.load(runId))!.approval!.id;
      const stranger = await handler(
        slackEvent(slackPress(id, 'firstline.approve', 'U0STRANGER'), clock.now()),
      );
      expect(JSON.parse(stranger.body)).toMatchObject({ response_type: 'ephemeral' });
      const forged = await handler(
        slackEvent(slackPress(id, 'firstline.approve'), clock.now(), 'fake-forged-secret-000'),
      );
      expect(forged.statusCode).toBe(401);
      expect(JSON.stringify(await store.load(runId))).toBe(before);
      expect(reboots()).toBe(0);
    });
  },
);
