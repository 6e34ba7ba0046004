import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FirstlineError } from '@firstline/core';
import type { RunStore } from '@firstline/core';
import { createDynamoRecords } from './dynamoRecords.js';
import { createDynamoSafety } from './dynamoSafety.js';

/** What {@link dynamoRunStore} needs: the table and a client for its region. */
export interface DynamoRunStoreOptions {
  /** Table name; create it with `createRunStoreTable` or from `runStoreTableSchema`. */
  table: string;
  /** A DynamoDB client, made once per process (Lambda container) and shared. */
  client: DynamoDBClient;
  /** Wall clock for leases and item TTLs (default `Date.now`); locks and budgets use the run's clock. */
  now?: () => number;
  /**
   * How long a run's lease lasts without being given back (default 15 min, a Lambda's longest run):
   * after that another host may resume a run whose host died. Set it above the longest time one host
   * runs a run without suspending it.
   */
  leaseTtlMs?: number;
  /** Items per Query/Scan page in `list` and `delete` (default: DynamoDB's 1 MB pages). */
  pageSize?: number;
  /** Tries of a budget spend losing to concurrent spenders before E_STORE_CONFLICT (default 20). */
  maxSpendAttempts?: number;
}

/** The lease length when none is given: the longest a Lambda invocation can run. */
export const DEFAULT_LEASE_TTL_MS = 15 * 60_000;

/**
 * A {@link RunStore} in one DynamoDB table, shared by every Lambda invocation and service replica:
 * run records (gzipped, optimistic concurrency), leases, journal claims, per-resource locks and
 * remediation budgets, each decided by a conditional write. See the package README for the table,
 * IAM and costs.
 *
 * @example
 * const client = new DynamoDBClient({});
 * const store = dynamoRunStore({ table: process.env.FIRSTLINE_TABLE!, client });
 */
export function dynamoRunStore(options: DynamoRunStoreOptions): RunStore {
  const { table, client } = options;
  if (typeof table !== 'string' || table === '')
    throw new FirstlineError('E_STORE', 'dynamoRunStore needs a table name');
  const positive = (value: number | undefined, fallback: number, name: string) => {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value <= 0)
      throw new FirstlineError(
        'E_STORE',
        `dynamoRunStore: ${name} must be a positive whole number, not ${value}`,
      );
    return value;
  };
  const ctx = {
    table,
    client,
    now: options.now ?? Date.now,
    leaseTtlMs: positive(options.leaseTtlMs, DEFAULT_LEASE_TTL_MS, 'leaseTtlMs'),
    pageSize: options.pageSize === undefined ? undefined : positive(options.pageSize, 0, 'pageSize'),
    maxSpendAttempts: positive(options.maxSpendAttempts, 20, 'maxSpendAttempts'),
  };
  return { ...createDynamoRecords(ctx), ...createDynamoSafety(ctx) };
}
