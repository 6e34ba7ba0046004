import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { DeleteItemCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { FirstlineError } from '@firstline/core';
import type { RunStore } from '@firstline/core';
import { isConditionFailed, STORE_CONFLICT, storeError } from './awsError.js';
import { applySpend, checkBudgetUse } from '@firstline/core/internal';
import { budgetPk, claimSk, lockPk, runPk, ttlSeconds } from './keys.js';
import type { StoreContext } from './keys.js';

type Item = Record<string, AttributeValue>;
type Safety = Required<
  Pick<RunStore, 'acquire' | 'release' | 'leaseHolder' | 'claim' | 'lock' | 'unlock' | 'spend'>
>;

// Takes a lost race's answer from a failed condition: the item as it was (ALL_OLD), no second read.
const oldItem = (error: { Item?: Record<string, unknown> }) => error.Item as Item | undefined;

/**
 * Leases, journal claims, resource locks and budgets as conditional writes: each decision is one
 * atomic PutItem or DeleteItem, so invocations racing on any number of hosts agree on one winner.
 */
export function createDynamoSafety(ctx: StoreContext): Safety {
  const { table, client } = ctx;

  /** PutItem; false when its condition failed (then `lost` sees the item as it was). */
  const put = async (
    input: Omit<ConstructorParameters<typeof PutItemCommand>[0], 'TableName'>,
    lost?: (old: Item | undefined) => boolean,
  ) => {
    try {
      await client.send(
        new PutItemCommand({ TableName: table, ReturnValuesOnConditionCheckFailure: 'ALL_OLD', ...input }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return lost?.(oldItem(error)) ?? false;
      throw storeError('PutItem', table, error);
    }
  };

  /** DeleteItem of `key` if `owner` holds it; a delete of someone else's item does nothing. */
  const deleteOwned = async (pk: string, sk: string, owner: string) => {
    try {
      await client.send(
        new DeleteItemCommand({
          TableName: table,
          Key: { pk: { S: pk }, sk: { S: sk } },
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': { S: owner } },
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw storeError('DeleteItem', table, error);
    }
  };

  const get = async (pk: string, sk: string): Promise<Item | undefined> => {
    try {
      const out = await client.send(
        new GetItemCommand({ TableName: table, Key: { pk: { S: pk }, sk: { S: sk } }, ConsistentRead: true }),
      );
      return out.Item;
    } catch (error) {
      throw storeError('GetItem', table, error);
    }
  };

  /** A conditional put taking an item that is free, lapsed at `now` (`until`), or already `owner`'s. */
  const takeOwned = (
    pk: string,
    sk: string,
    fields: Item,
    owner: string,
    now: number,
    lost?: (old: Item | undefined) => void,
  ) =>
    put(
      {
        Item: { pk: { S: pk }, sk: { S: sk }, owner: { S: owner }, ...fields },
        ConditionExpression: 'attribute_not_exists(pk) OR #until <= :now OR #owner = :owner',
        ExpressionAttributeNames: { '#until': 'until', '#owner': 'owner' },
        ExpressionAttributeValues: { ':now': { N: String(now) }, ':owner': { S: owner } },
      },
      (old) => (lost?.(old), false),
    );

  return {
    // A lease lapses leaseTtlMs after it is taken: a host that died mid-run holds the run no longer.
    async acquire(runId, owner) {
      const now = ctx.now();
      const until = now + ctx.leaseTtlMs;
      return takeOwned(
        runPk(runId),
        'lease',
        { until: { N: String(until) }, expiresAt: { N: ttlSeconds(until, now) } },
        owner,
        now,
      );
    },
    release: async (runId, owner) => deleteOwned(runPk(runId), 'lease', owner),
    // A lapsed lease item may linger until TTL deletes it: it holds nothing.
    async leaseHolder(runId) {
      const item = await get(runPk(runId), 'lease');
      const owner = item?.owner?.S;
      const until = Number(item?.until?.N);
      return owner !== undefined && until > ctx.now() ? { owner, until } : undefined;
    },
    async claim(runId, key) {
      const token = randomUUID();
      return put(
        {
          Item: {
            pk: { S: runPk(runId) },
            sk: { S: claimSk(key) },
            key: { S: key },
            token: { S: token },
            at: { N: String(ctx.now()) },
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
        // Our own claim, found by the SDK's retry after a lost response, is still ours.
        (old) => old?.token?.S === token,
      );
    },
    async lock(key, owner, expiresAt, now) {
      const pk = lockPk(key);
      const fields: Item = {
        key: { S: key },
        until: { N: String(expiresAt) },
        expiresAt: { N: ttlSeconds(expiresAt, ctx.now()) },
      };
      // A holder that let go between the failed write and the read below: ask again (rarely more than once).
      for (let tries = 0; tries < 5; tries++) {
        let holder: Item | undefined;
        const taken = await takeOwned(pk, 'lock', fields, owner, now, (old) => (holder = old));
        if (taken) return { acquired: true };
        holder ??= await get(pk, 'lock');
        const heldUntil = Number(holder?.until?.N);
        const heldBy = holder?.owner?.S;
        if (heldBy !== undefined && heldBy !== owner && heldUntil > now)
          return { acquired: false, holder: heldBy, expiresAt: heldUntil };
      }
      throw new FirstlineError(
        STORE_CONFLICT,
        `lock ${JSON.stringify(key)} in ${table} kept changing hands; try again`,
      );
    },
    unlock: async (key, owner) => deleteOwned(lockPk(key), 'lock', owner),
    async spend(key, use) {
      checkBudgetUse(key, use);
      const pk = budgetPk(key);
      for (let attempt = 1; attempt <= ctx.maxSpendAttempts; attempt++) {
        const item = await get(pk, 'budget');
        const revision = item?.revision?.N;
        const state = item && {
          uses: Object.entries(item.uses?.M ?? {}).map(([id, at]): [string, number] => [id, Number(at.N)]),
          windowMs: Number(item.windowMs?.N ?? 0),
        };
        const { result, next } = applySpend(state, use);
        if (!next) return result;
        const latest = Math.max(...next.uses.map(([, at]) => at));
        const written = await put({
          Item: {
            pk: { S: pk },
            sk: { S: 'budget' },
            key: { S: key },
            revision: { N: String(Number(revision ?? 0) + 1) },
            uses: { M: Object.fromEntries(next.uses.map(([id, at]) => [id, { N: String(at) }])) },
            windowMs: { N: String(next.windowMs) },
            expiresAt: { N: ttlSeconds(latest + next.windowMs, ctx.now()) },
          },
          ...(revision === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: '#revision = :revision',
                ExpressionAttributeNames: { '#revision': 'revision' },
                ExpressionAttributeValues: { ':revision': { N: revision } },
              }),
        });
        if (written) return result;
        // Another spender won this round: read again. Jittered, so a crowd does not collide in lockstep.
        await delay(Math.floor(Math.random() * Math.min(2 ** attempt, 50)));
      }
      throw new FirstlineError(
        STORE_CONFLICT,
        `budget ${JSON.stringify(key)} in ${table}: ${ctx.maxSpendAttempts} tries in a row lost to concurrent spenders; not spending it`,
      );
    },
  };
}
