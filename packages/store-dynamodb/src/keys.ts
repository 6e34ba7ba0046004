import { createHash } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FirstlineError } from '@firstline/core';

/** What the parts of a DynamoDB run store share. */
export interface StoreContext {
  table: string;
  client: DynamoDBClient;
  /** Wall clock for leases and TTLs (locks and budgets use the caller's clock). */
  now: () => number;
  leaseTtlMs: number;
  /** Items per Query/Scan page; undefined for DynamoDB's own 1 MB pages. */
  pageSize: number | undefined;
  maxSpendAttempts: number;
}

// DynamoDB bounds key values: 2048 bytes for a partition key, 1024 for a sort key.
const MAX_PK_BYTES = 2048;
const MAX_SK_BYTES = 1024;

/** Extra lifetime of an item past its logical expiry before TTL may delete it: a clock behind the wall one is covered. */
const TTL_GRACE_S = 3600;

/** The partition key of a run's items; throws E_STORE for an id that cannot be one. */
export function runPk(runId: unknown): string {
  if (typeof runId !== 'string' || runId === '')
    throw new FirstlineError(
      'E_STORE',
      `invalid run id ${JSON.stringify(runId)}: it must be a non-empty string`,
    );
  const pk = `run#${runId}`;
  if (Buffer.byteLength(pk) > MAX_PK_BYTES)
    throw new FirstlineError('E_STORE', `run id ${runId.slice(0, 40)}… is too long for a DynamoDB key`);
  return pk;
}

/** The run id in a run item's partition key. */
export const runIdOf = (pk: string): string => pk.slice('run#'.length);

// Any key is accepted: one too long for DynamoDB is replaced by its digest (the raw key is kept in the item).
function fit(prefix: string, key: string, max: number): string {
  const value = `${prefix}${key}`;
  return Buffer.byteLength(value) <= max
    ? value
    : `${prefix}sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

/** The partition key of a resource lock. */
export const lockPk = (key: string): string => fit('lock#', key, MAX_PK_BYTES);

/** The partition key of a budget. */
export const budgetPk = (key: string): string => fit('budget#', key, MAX_PK_BYTES);

/** The sort key of a journal claim within its run. */
export const claimSk = (key: string): string => fit('claim#', key, MAX_SK_BYTES);

/** The TTL value (epoch seconds) of an item that lapses at `untilMs`, never before `wallMs` plus a grace. */
export function ttlSeconds(untilMs: number, wallMs: number): string {
  return String(Math.ceil(Math.max(untilMs, wallMs) / 1000) + TTL_GRACE_S);
}
