import {
  CreateTableCommand,
  DescribeTimeToLiveCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { awsErrorName, storeError } from './awsError.js';

/** The index `list({ status })` queries: run records by `status`, sorted by `wake` (clock ms, 0 for none). */
export const RUN_STORE_STATUS_INDEX = 'status-wake';

/**
 * The index `listRuns` queries: run records newest first, partition `listed` (the same value, `run`,
 * on every run record; locks, budgets and claims lack it) and sort `createdAt` (clock ms), projecting
 * the `listing` attribute (a run's `RunListing` as JSON), so a list is a Query, never a Scan.
 */
export const RUN_STORE_LIST_INDEX = 'listed-created';

/** The attribute DynamoDB's TTL must be set on: epoch seconds after which lapsed items may be removed. */
export const RUN_STORE_TTL_ATTRIBUTE = 'expiresAt';

/**
 * The CreateTable input of a run store table: keys `pk`/`sk` (strings), on-demand billing, the
 * {@link RUN_STORE_STATUS_INDEX} index (keys only) and the {@link RUN_STORE_LIST_INDEX} index. TTL is set separately, on {@link RUN_STORE_TTL_ATTRIBUTE}.
 */
export function runStoreTableSchema(table: string): CreateTableCommandInput & { TableName: string } {
  return {
    TableName: table,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'status', AttributeType: 'S' },
      { AttributeName: 'wake', AttributeType: 'N' },
      { AttributeName: 'listed', AttributeType: 'S' },
      { AttributeName: 'createdAt', AttributeType: 'N' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: RUN_STORE_STATUS_INDEX,
        KeySchema: [
          { AttributeName: 'status', KeyType: 'HASH' },
          { AttributeName: 'wake', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      {
        IndexName: RUN_STORE_LIST_INDEX,
        KeySchema: [
          { AttributeName: 'listed', KeyType: 'HASH' },
          { AttributeName: 'createdAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['listing'] },
      },
    ],
  };
}

/** How long {@link createRunStoreTable} waits for the table to become ACTIVE. */
export interface CreateTableOptions {
  /** Default 300 s: a new on-demand table with an index is usually ACTIVE within a minute. */
  maxWaitSeconds?: number;
}

/**
 * Creates a run store table (or finds it already there), waits until it is ACTIVE and turns TTL on,
 * for scripts and tests; infrastructure code should declare the same table (see the README).
 */
export async function createRunStoreTable(
  client: DynamoDBClient,
  table: string,
  options: CreateTableOptions = {},
): Promise<void> {
  try {
    await client.send(new CreateTableCommand(runStoreTableSchema(table)));
  } catch (error) {
    if (awsErrorName(error) !== 'ResourceInUseException') throw storeError('CreateTable', table, error);
  }
  try {
    await waitUntilTableExists(
      { client, minDelay: 1, maxDelay: 5, maxWaitTime: options.maxWaitSeconds ?? 300 },
      { TableName: table },
    );
  } catch (error) {
    throw storeError('DescribeTable', table, error);
  }
  let ttl;
  try {
    ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: table }));
  } catch (error) {
    throw storeError('DescribeTimeToLive', table, error);
  }
  const status = ttl.TimeToLiveDescription?.TimeToLiveStatus;
  if (status === 'ENABLED' || status === 'ENABLING') return;
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: table,
        TimeToLiveSpecification: { AttributeName: RUN_STORE_TTL_ATTRIBUTE, Enabled: true },
      }),
    );
  } catch (error) {
    throw storeError('UpdateTimeToLive', table, error);
  }
}
