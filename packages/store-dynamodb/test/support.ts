import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { createRunStoreTable, dynamoRunStore } from '../src/index.js';
import type { DynamoRunStoreOptions } from '../src/index.js';

/** moto_server's endpoint, or '' when it is not installed (the suites then skip, loudly). */
export const motoEndpoint = inject('motoEndpoint');

if (!motoEndpoint)
  console.warn(
    '!! moto_server is not on PATH: the @firstline/store-dynamodb tests against DynamoDB are SKIPPED',
  );

/** A client for moto, with fake credentials. */
export function motoClient(options: { maxAttempts?: number } = {}): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: motoEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'fake-access-key', secretAccessKey: 'fake-secret-key' },
    maxAttempts: options.maxAttempts ?? 3,
  });
}

/** A table name no other test uses: test files share one moto_server and run in parallel. */
export const uniqueTable = (label = 'runs') => `firstline-${label}-${randomUUID().slice(0, 8)}`;

/** A fresh table, a store on it, and the cleanup that drops the table. */
export async function tableStore(overrides: Partial<DynamoRunStoreOptions> = {}) {
  const client = overrides.client ?? motoClient();
  const table = overrides.table ?? uniqueTable();
  await createRunStoreTable(client, table);
  const store = dynamoRunStore({ table, client, ...overrides });
  const cleanup = async () => {
    await client.send(new DeleteTableCommand({ TableName: table }));
  };
  return { store, client, table, cleanup };
}
