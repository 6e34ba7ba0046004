import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { advanceRecord as step, finishRecord as finish, makeRecord } from '@firstline/core/testing';
import { dynamoRunStore, RUN_STORE_STATUS_INDEX } from '../src/index.js';
import { motoClient, motoEndpoint, tableStore } from './support.js';

// How the DynamoDB store saves what changed, against moto: the commands it sends, what the item holds,
// and a change the SDK retried after losing its answer.

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** The names of the commands the client sends. */
function commandsOf(client: DynamoDBClient): string[] {
  const sent: string[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      sent.push(context.commandName ?? '');
      return next(args);
    },
    { step: 'initialize' },
  );
  return sent;
}

const itemOf = async (client: DynamoDBClient, table: string, runId: string) =>
  (
    await client.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: `run#${runId}` }, sk: { S: 'record' } } }),
    )
  ).Item!;

describe.skipIf(!motoEndpoint)('the DynamoDB store saving changes (moto)', () => {
  it('updates the item with each change and writes it whole every 8, and when the run ends', async () => {
    const made = await tableStore();
    cleanups.push(made.cleanup);
    const { client, table } = made;
    // Its own client: the reads below are not the store's commands.
    const own = motoClient();
    const sent = commandsOf(own);
    const store = dynamoRunStore({ table, client: own });
    const record = makeRecord('run-1');
    await store.save(record);
    for (let n = 1; n <= 8; n++) await store.saveChanges!(record, step(record, n));
    expect(sent).toEqual(['PutItemCommand', ...Array<string>(8).fill('UpdateItemCommand')]);
    const before = await itemOf(client, table, 'run-1');
    expect(before.changes?.L).toHaveLength(8);
    expect(before.revision?.N).toBe('9');
    // The indexed attributes follow the changes: resumeDue finds the run by its wake time.
    expect(before.wake?.N).toBe(String(record.deadlines.wake));
    const byStatus = await client.send(
      new QueryCommand({
        TableName: table,
        IndexName: RUN_STORE_STATUS_INDEX,
        KeyConditionExpression: '#s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': { S: 'running' } },
      }),
    );
    expect(byStatus.Items?.map((i) => i.wake?.N)).toEqual([String(record.deadlines.wake)]);

    sent.length = 0;
    await store.saveChanges!(record, step(record, 9));
    expect(sent).toEqual(['PutItemCommand']);
    expect((await itemOf(client, table, 'run-1')).changes).toBeUndefined();
    await store.saveChanges!(record, step(record, 10));
    await store.saveChanges!(record, finish(record));
    expect(sent).toEqual(['PutItemCommand', 'UpdateItemCommand', 'PutItemCommand']);
    const done = await itemOf(client, table, 'run-1');
    expect(done.changes).toBeUndefined();
    expect(done.status?.S).toBe('done');
    expect(done.outcome?.S).toBe('recovered');
    expect(await dynamoRunStore({ table, client }).load('run-1')).toEqual(record);
  });

  it('treats its own change, retried by the SDK after a lost response, as done (fault injected)', async () => {
    const made = await tableStore();
    cleanups.push(made.cleanup);
    const client = motoClient();
    let lost = false;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (lost || context.commandName !== 'UpdateItemCommand') return next(args);
        lost = true;
        await next(args);
        return next(args);
      },
      { step: 'finalizeRequest' },
    );
    const store = dynamoRunStore({ table: made.table, client });
    const record = makeRecord('run-1');
    await store.save(record);
    await store.saveChanges!(record, step(record, 1));
    expect(lost).toBe(true);
    await store.saveChanges!(record, step(record, 2));
    const loaded = await dynamoRunStore({ table: made.table, client: made.client }).load('run-1');
    expect(loaded).toEqual(record);
    // Applied once, though sent twice.
    expect(loaded?.journal).toHaveLength(2);
  });

  it('refuses a change to a run deleted since, with E_STORE_CONFLICT', async () => {
    const made = await tableStore();
    cleanups.push(made.cleanup);
    const store = dynamoRunStore({ table: made.table, client: made.client });
    const record = makeRecord('run-1');
    await store.save(record);
    const other = dynamoRunStore({ table: made.table, client: made.client });
    await other.load('run-1');
    await other.delete('run-1');
    await expect(store.saveChanges!(record, step(record, 1))).rejects.toMatchObject({
      code: 'E_STORE_CONFLICT',
      message: expect.stringContaining('was deleted') as unknown,
    });
    expect(await other.load('run-1')).toBeUndefined();
  });
});
