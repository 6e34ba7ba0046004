import {
  CreateTableCommand,
  DeleteTableCommand,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRecord } from '@firstline/core/testing';
import { dynamoRunStore, RUN_STORE_LIST_INDEX, runStoreTableSchema } from '../src/index.js';
import { motoClient, motoEndpoint, tableStore, uniqueTable } from './support.js';

// What listRuns on DynamoDB has to prove beyond the contract (test/contract.test.ts), against moto:
// a list is a Query of the list index, the listing is kept on the item by whole saves and by changes,
// and a table made before the index, or an item without its listing, gets a clear error.

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});
async function fresh(overrides: Parameters<typeof tableStore>[0] = {}) {
  const made = await tableStore(overrides);
  cleanups.push(made.cleanup);
  return made;
}

/** The name of every command the client sends, with the index it names. */
function recordCommands(client: DynamoDBClient): string[] {
  const sent: string[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      const index = (args.input as { IndexName?: string }).IndexName;
      sent.push(`${context.commandName}${index ? ` ${index}` : ''}`);
      return next(args);
    },
    { step: 'initialize' },
  );
  return sent;
}

describe.skipIf(!motoEndpoint)('listRuns on DynamoDB (moto)', () => {
  it('is a Query of the list index, page after page, never a Scan', async () => {
    const { store, client } = await fresh({ pageSize: 3 });
    for (let i = 0; i < 10; i++)
      await store.save(
        makeRecord(`run-${i}`, { createdAt: 1_000 + i, ...(i % 2 === 0 && { status: 'done' as const }) }),
      );
    await store.lock!('i-0fake0001', 'run-1', 5_000, 0);
    const sent = recordCommands(client);
    const page = await store.listRuns!({ status: 'running', limit: 4 });
    expect(page.runs.map((run) => run.runId)).toEqual(['run-9', 'run-7', 'run-5', 'run-3']);
    expect(sent.length).toBeGreaterThan(1);
    expect(sent.every((name) => name === `QueryCommand ${RUN_STORE_LIST_INDEX}`)).toBe(true);
    expect((await store.listRuns!({ status: 'running', cursor: page.cursor! })).runs).toMatchObject([
      { runId: 'run-1' },
    ]);
    expect(RUN_STORE_LIST_INDEX).toBe('listed-created');
  });

  it('keeps the listing on the item: written whole by a save, set again by a change', async () => {
    const { store, client, table } = await fresh();
    const record = makeRecord('run-1', { trigger: { kind: 'cloudwatch.alarm', alarmName: 'web-5xx' } });
    await store.save(record);
    const listing = async () => {
      const { Item } = await client.send(
        new GetItemCommand({ TableName: table, Key: { pk: { S: 'run#run-1' }, sk: { S: 'record' } } }),
      );
      return { listed: Item?.listed?.S, listing: JSON.parse(Item?.listing?.S ?? 'null') as unknown };
    };
    expect(await listing()).toMatchObject({
      listed: 'run',
      listing: { trigger: 'alarm web-5xx', updatedAt: 1_000 },
    });
    await store.saveChanges!(
      { ...record, updatedAt: 1_400 },
      { base: { journal: 0, trace: 0 }, journal: [], trace: [], set: { updatedAt: 1_400 }, unset: [] },
    );
    expect(await listing()).toMatchObject({ listing: { updatedAt: 1_400 } });
  });

  it('refuses an item in the index without a listing as corrupt', async () => {
    const { store, client, table } = await fresh();
    await store.save(makeRecord('run-1'));
    await client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: 'run#run-1' }, sk: { S: 'record' } },
        UpdateExpression: 'SET listing = :torn',
        ExpressionAttributeValues: { ':torn': { S: '{"runId":' } },
      }),
    );
    await expect(store.listRuns!()).rejects.toMatchObject({
      code: 'E_STORE',
      message: expect.stringContaining('run#run-1 in DynamoDB table') as string,
    });
  });

  it('says how to add the index to a table made before it', async () => {
    const client = motoClient({ maxAttempts: 1 });
    const table = uniqueTable('old');
    const schema = runStoreTableSchema(table);
    await client.send(
      new CreateTableCommand({
        ...schema,
        AttributeDefinitions: schema.AttributeDefinitions!.filter(
          (a) => !['listed', 'createdAt'].includes(a.AttributeName!),
        ),
        GlobalSecondaryIndexes: schema.GlobalSecondaryIndexes!.filter(
          (i) => i.IndexName !== RUN_STORE_LIST_INDEX,
        ),
      }),
    );
    cleanups.push(async () => {
      await client.send(new DeleteTableCommand({ TableName: table }));
    });
    const error = await dynamoRunStore({ table, client }).listRuns!().catch(
      (e: unknown) => e as Error & { code?: string },
    );
    expect(error).toMatchObject({ code: 'E_STORE' });
    expect((error as Error).message).toContain(`add the index ${RUN_STORE_LIST_INDEX}`);
  });
});
