import { randomBytes } from 'node:crypto';
import { DescribeTimeToLiveCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRecord } from '@firstline/core/testing';
import {
  createRunStoreTable,
  dynamoRunStore,
  MAX_RECORD_BYTES,
  RUN_STORE_STATUS_INDEX,
} from '../src/index.js';
import { motoClient, motoEndpoint, tableStore, uniqueTable } from './support.js';

// What only the DynamoDB store has to prove, against moto: optimistic concurrency, compression, TTLs,
// the status index, error messages, and writes the SDK retried after their response was lost.

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});
async function fresh(overrides: Parameters<typeof tableStore>[0] = {}) {
  const made = await tableStore(overrides);
  cleanups.push(made.cleanup);
  return made;
}

/** Records the name of every command the client sends. */
function recordCommands(client: DynamoDBClient): string[] {
  const sent: string[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      sent.push(
        `${context.commandName}${(args.input as { IndexName?: string }).IndexName ? ' (index)' : ''}`,
      );
      return next(args);
    },
    { step: 'initialize' },
  );
  return sent;
}

/** Sends the first `command` twice and drops the first answer, as when a response is lost and the SDK retries. */
function loseFirstResponse(client: DynamoDBClient, command: string) {
  let lost = false;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (lost || context.commandName !== command) return next(args);
      lost = true;
      await next(args);
      return next(args);
    },
    { step: 'finalizeRequest' },
  );
}

const item = async (client: DynamoDBClient, table: string, pk: string, sk: string) =>
  (await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk }, sk: { S: sk } } }))).Item!;

describe.skipIf(!motoEndpoint)('the DynamoDB store (moto)', () => {
  it('refuses a stale writer with E_STORE_CONFLICT instead of overwriting a newer record', async () => {
    const { store: first, client, table } = await fresh();
    const second = dynamoRunStore({ table, client });
    await first.save(makeRecord('run-1'));
    await second.load('run-1');
    await second.save(makeRecord('run-1', { updatedAt: 2_000 }));

    await expect(first.save(makeRecord('run-1', { updatedAt: 1_500 }))).rejects.toMatchObject({
      code: 'E_STORE_CONFLICT',
      message: expect.stringMatching(/run-1 .* at revision 2; this store expected 1/) as unknown,
    });
    // A third writer that never loaded the run is refused too.
    await expect(dynamoRunStore({ table, client }).save(makeRecord('run-1'))).rejects.toMatchObject({
      code: 'E_STORE_CONFLICT',
      message: expect.stringContaining('never loaded it') as unknown,
    });
    expect((await first.load('run-1'))?.updatedAt).toBe(2_000);
    await first.save(makeRecord('run-1', { updatedAt: 3_000 }));
    await second.delete('run-1');
    await expect(first.save(makeRecord('run-1'))).rejects.toMatchObject({
      message: expect.stringContaining('was deleted') as unknown,
    });
  });

  it('applies many saves of one run from one store in call order', async () => {
    const { store } = await fresh();
    await Promise.all(
      Array.from({ length: 15 }, (_, i) => store.save(makeRecord('run-1', { updatedAt: i }))),
    );
    expect((await store.load('run-1'))?.updatedAt).toBe(14);
  });

  it('treats its own write, retried by the SDK after a lost response, as done (fault injected)', async () => {
    const { table } = await fresh();
    for (const command of ['PutItemCommand']) {
      const client = motoClient();
      loseFirstResponse(client, command);
      const store = dynamoRunStore({ table, client });
      await store.save(makeRecord('run-1'));
      await store.save(makeRecord('run-1', { updatedAt: 2 }));
      expect((await store.load('run-1'))?.updatedAt).toBe(2);
    }
    const claimer = motoClient();
    loseFirstResponse(claimer, 'PutItemCommand');
    expect(await dynamoRunStore({ table, client: claimer }).claim!('run-1', 'run-1:reboot:1:1')).toBe(true);
    const spender = motoClient();
    loseFirstResponse(spender, 'PutItemCommand');
    const use = { id: 'run-1:reboot:1', at: 0, max: 2, windowMs: 100 };
    expect(await dynamoRunStore({ table, client: spender }).spend!('i-0abc', use)).toEqual({
      allowed: true,
      uses: [0],
    });
    expect(
      (await dynamoRunStore({ table, client: motoClient() }).spend!('i-0abc', { ...use, id: 'x' })).uses,
    ).toEqual([0, 0]);
  });

  it('gzips records: a long trace round-trips byte for byte in one small item', async () => {
    const { store, client, table } = await fresh();
    const trace = Array.from({ length: 20_000 }, (_, seq) => ({
      seq,
      at: 1_700_000_000_000 + seq * 37,
      type: 'log' as const,
      level: 'info' as const,
      message: `probe ${seq}: GET https://app.example.com/health answered 503 after ${seq % 900} ms`,
    }));
    const record = makeRecord('run-big', { trace });
    const json = JSON.stringify(record);
    expect(json.length).toBeGreaterThan(2_000_000);
    await store.save(record);
    expect(JSON.stringify(await dynamoRunStore({ table, client }).load('run-big'))).toBe(json);
    const stored = await item(client, table, 'run#run-big', 'record');
    expect(stored.data?.B?.byteLength).toBeLessThan(MAX_RECORD_BYTES);
    expect(Number(stored.jsonBytes?.N)).toBe(Buffer.byteLength(json));
  });

  it('refuses a record too big for an item even gzipped, saying why, and stores nothing', async () => {
    const { store } = await fresh();
    const noise = randomBytes(450 * 1024).toString('base64');
    await expect(store.save(makeRecord('run-huge', { inputs: { noise } }))).rejects.toMatchObject({
      code: 'E_STORE',
      message: expect.stringMatching(
        /run-huge: its record is .* KB gzipped .* over the .* a DynamoDB item can hold/,
      ) as unknown,
    });
    expect(await store.load('run-huge')).toBeUndefined();
  });

  it('sets the TTL attribute on locks, leases and budgets, and turns TTL on for the table', async () => {
    const wall = 1_700_000_000_000;
    const { store, client, table } = await fresh({ now: () => wall });
    await store.lock!('i-0abc', 'run-1', wall + 30 * 60_000, wall);
    await store.acquire!('run-1', 'host-1');
    await store.spend!('i-0abc', { id: 'u', at: wall, max: 2, windowMs: 86_400_000 });
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: table }));
    expect(ttl.TimeToLiveDescription).toMatchObject({
      TimeToLiveStatus: 'ENABLED',
      AttributeName: 'expiresAt',
    });
    const seconds = (ms: number) => String(Math.ceil(ms / 1000) + 3600);
    expect((await item(client, table, 'lock#i-0abc', 'lock')).expiresAt).toEqual({
      N: seconds(wall + 1_800_000),
    });
    expect((await item(client, table, 'run#run-1', 'lease')).expiresAt).toEqual({
      N: seconds(wall + 900_000),
    });
    expect((await item(client, table, 'budget#i-0abc', 'budget')).expiresAt).toEqual({
      N: seconds(wall + 86_400_000),
    });
    // A lock's logical expiry is the run's clock; its TTL never falls before the wall clock plus a grace.
    await store.lock!('i-0virtual', 'run-2', 5_000, 0);
    expect((await item(client, table, 'lock#i-0virtual', 'lock')).expiresAt).toEqual({ N: seconds(wall) });
  });

  it('lets a lease lapse leaseTtlMs after it was taken, so a dead host does not hold a run forever', async () => {
    let now = 0;
    const { store } = await fresh({ now: () => now, leaseTtlMs: 60_000 });
    expect(await store.acquire!('run-1', 'dead-host')).toBe(true);
    now = 59_999;
    expect(await store.acquire!('run-1', 'new-host')).toBe(false);
    now = 60_000;
    expect(await store.acquire!('run-1', 'new-host')).toBe(true);
    await store.release!('run-1', 'dead-host');
    expect(await store.acquire!('run-1', 'dead-host')).toBe(false);
  });

  it('lists by status through the index, everything through a paginated scan', async () => {
    const { client, table } = await fresh();
    const sent = recordCommands(client);
    const store = dynamoRunStore({ table, client, pageSize: 3 });
    for (let i = 0; i < 10; i++)
      await store.save(makeRecord(`run-${i}`, i % 3 === 0 ? { status: 'done', outcome: 'recovered' } : {}));
    await store.lock!('i-0abc', 'run-1', 1_000, 0);
    await store.claim!('run-1', 'run-1:reboot:1:1');
    sent.length = 0;
    expect(await store.list({ status: 'running' })).toEqual([
      'run-1',
      'run-2',
      'run-4',
      'run-5',
      'run-7',
      'run-8',
    ]);
    expect(sent.every((name) => name === 'QueryCommand (index)')).toBe(true);
    expect(sent.length).toBeGreaterThan(1);
    expect(await store.list({ status: 'done' })).toEqual(['run-0', 'run-3', 'run-6', 'run-9']);
    sent.length = 0;
    expect(await store.list()).toHaveLength(10);
    expect(sent.every((name) => name === 'ScanCommand')).toBe(true);
    expect(sent.length).toBeGreaterThan(3);
    expect(RUN_STORE_STATUS_INDEX).toBe('status-wake');
  });

  it('takes keys too long for a DynamoDB key, by digest, each its own lock', async () => {
    const { store } = await fresh();
    const long = (tail: string) => `${'k'.repeat(3_000)}${tail}`;
    expect(await store.lock!(long('a'), 'run-a', 1_000, 0)).toEqual({ acquired: true });
    expect(await store.lock!(long('b'), 'run-b', 1_000, 0)).toEqual({ acquired: true });
    expect(await store.lock!(long('a'), 'run-b', 1_000, 0)).toMatchObject({ holder: 'run-a' });
    expect(await store.claim!('run-a', long('c'))).toBe(true);
    expect(await store.claim!('run-a', long('c'))).toBe(false);
  });

  it('says a table is missing and how to create it, for every kind of call', async () => {
    const table = uniqueTable('missing');
    const store = dynamoRunStore({ table, client: motoClient({ maxAttempts: 1 }) });
    const calls = [
      () => store.load('run-1'),
      () => store.save(makeRecord('run-1')),
      () => store.lock!('k', 'o', 1, 0),
    ];
    for (const call of calls) {
      const error = (await call().then(
        () => undefined,
        (e: unknown) => e,
      )) as Error & { code?: string };
      expect(error.code).toBe('E_STORE');
      expect(error.message).toMatch(
        new RegExp(`^dynamodb (GetItem|PutItem) on ${table}: ResourceNotFoundException: `),
      );
      expect(error.message).toContain(`createRunStoreTable(client, '${table}')`);
      expect(error.cause).toBeInstanceOf(Error);
    }
  });

  it('creates a table that already exists without complaint, and rejects bad options', async () => {
    const { client, table } = await fresh();
    await createRunStoreTable(client, table);
    expect(() => dynamoRunStore({ table, client, leaseTtlMs: 0 })).toThrow(/leaseTtlMs must be a positive/);
    expect(() => dynamoRunStore({ table: '', client })).toThrow(/needs a table name/);
  });

  it('lets exactly max of many spends through across stores, as across Lambda invocations', async () => {
    const { table } = await fresh();
    const stores = Array.from({ length: 3 }, () => dynamoRunStore({ table, client: motoClient() }));
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        stores[i % 3]!.spend!('i-0abc', { id: `run-${i}:reboot:1`, at: 1_000, max: 2, windowMs: 86_400_000 }),
      ),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(2);
  });
});
