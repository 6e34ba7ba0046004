import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as dynamo from '@aws-sdk/client-dynamodb';
import { compilePlaybook, loadPlaybook } from '@firstline/core';
import { createRunStoreTable, dynamoRunStore } from '@firstline/store-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runAslLocally } from '../../../test/support/stepfunctions/index.js';
import type { AslDefinition as HarnessDefinition } from '../../../test/support/stepfunctions/index.js';
import { exportAsl } from '../src/index.js';
import { EXAMPLES, installedActions } from './examples.js';
import { scriptedRunner } from './scriptedRunner.js';

// Locks and budgets of the exported state machine on a real DynamoDB table (moto), through the real
// SDK: the DynamoDB Tasks make the calls Step Functions' optimized integration makes, and
// @firstline/store-dynamodb, reading the same table, sees the same lock and the same count.

const endpoint = inject('motoEndpoint');
if (!endpoint) console.warn("!! moto_server missing: SKIPPING the export's locks and budgets on DynamoDB");

const TABLE = 'firstline-asl-safety';
const INSTANCE = 'i-0abc1234';
const client = new DynamoDBClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'fake-access-key', secretAccessKey: 'fake-secret-key' },
  maxAttempts: 1,
});
const actions = installedActions();

/** `arn:aws:states:::dynamodb:putItem` → PutItemCommand with the Task's input; errors named as Step Functions names them. */
async function dynamoTask(resource: string, input: unknown): Promise<unknown> {
  const api = resource.slice(resource.lastIndexOf(':') + 1);
  const Command = (dynamo as unknown as Record<string, new (input: unknown) => dynamo.PutItemCommand>)[
    `${api.charAt(0).toUpperCase()}${api.slice(1)}Command`
  ]!;
  try {
    const { $metadata: _, ...out } = await client.send(new Command(input));
    return out;
  } catch (error) {
    throw Object.assign(new Error((error as Error).message), { name: `DynamoDB.${(error as Error).name}` });
  }
}

async function run(name: string) {
  const compiled = compilePlaybook(await loadPlaybook(`${EXAMPLES}ec2-first-line.yaml`), { actions });
  const { definition } = exportAsl(compiled, { actions, nativeTasks: false, tableName: TABLE });
  // The URL check fails at first and passes after the reboot: every run reboots, if its budget allows.
  const runner = scriptedRunner(actions, compiled.ir, { url: ['fail', 'pass'] }, name);
  const result = await runAslLocally(
    definition as unknown as HarnessDefinition,
    { inputs: { instanceId: INSTANCE, url: 'https://app.example.com/health', healthCheckId: 'hc-1' } },
    {
      taskHandler: (_state, resource, input) =>
        resource === 'arn:aws:states:::lambda:invoke'
          ? runner((input as { Payload: unknown }).Payload).then((Payload) => ({ Payload }))
          : dynamoTask(resource, input),
      context: { Execution: { Name: name, StartTime: new Date().toISOString() } },
    },
  );
  const calls = result.calls.map((c) => (c.input as { Payload?: { action: string } }).Payload?.action);
  return { result, reboots: calls.filter((a) => a === 'aws.ec2.reboot').length };
}

describe.skipIf(!endpoint)(
  'locks and budgets on DynamoDB (moto), shared with @firstline/store-dynamodb',
  () => {
    const store = dynamoRunStore({ table: TABLE, client });

    beforeAll(async () => {
      await createRunStoreTable(client, TABLE);
    });
    afterAll(() => client.destroy());

    it('a lock another run holds (taken through the store) ends the run skipped, nothing called', async () => {
      const now = Date.now();
      expect(await store.lock!(INSTANCE, 'engine-run-1', now + 60_000, now)).toMatchObject({
        acquired: true,
      });
      const { result, reboots } = await run('asl-locked');
      expect(result.output).toMatchObject({ outcome: 'skipped', path: [] });
      expect(reboots).toBe(0);
      await store.unlock!(INSTANCE, 'engine-run-1');
    });

    it('two runs reboot, the third is refused by the budget (max 2 per 24 h), and the store counts the same', async () => {
      expect((await run('asl-1')).result.output).toMatchObject({ outcome: 'recovered' });
      expect((await run('asl-2')).result.output).toMatchObject({ outcome: 'recovered' });
      const third = await run('asl-3');
      expect(third.result.output).toMatchObject({ outcome: 'skipped', path: ['url:fail', 'reboot:skipped'] });
      expect(third.reboots).toBe(0);
      // The engine's store sees both uses in the same item: its own spend is refused too.
      const spent = await store.spend!(INSTANCE, {
        id: 'engine-run-2:reboot:1',
        at: Date.now(),
        max: 2,
        windowMs: 24 * 3_600_000,
      });
      expect(spent).toMatchObject({ allowed: false });
      expect(spent.uses).toHaveLength(2);
    });

    it('each run let go of its lock: the store can take it', async () => {
      const now = Date.now();
      expect(await store.lock!(INSTANCE, 'engine-run-3', now + 60_000, now)).toMatchObject({
        acquired: true,
      });
    });
  },
);
