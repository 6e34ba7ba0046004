import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { FirstlineError } from '@firstline/core';
import { runStoreTableSchema, RUN_STORE_TTL_ATTRIBUTE } from '@firstline/store-dynamodb';

const ATTRIBUTE_TYPES: Record<string, dynamodb.AttributeType> = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
  B: dynamodb.AttributeType.BINARY,
};

const PROJECTIONS: Record<string, dynamodb.ProjectionType> = {
  ALL: dynamodb.ProjectionType.ALL,
  KEYS_ONLY: dynamodb.ProjectionType.KEYS_ONLY,
  INCLUDE: dynamodb.ProjectionType.INCLUDE,
};

/**
 * The run store's DynamoDB table, declared from @firstline/store-dynamodb's own CreateTable input
 * (keys, index, billing) and TTL attribute, so the stack cannot drift from what dynamoRunStore reads
 * and writes; point-in-time recovery on. Its name is left to CloudFormation.
 */
export function runStoreTable(
  scope: Construct,
  id: string,
  removalPolicy: RemovalPolicy = RemovalPolicy.RETAIN,
): dynamodb.Table {
  const schema = runStoreTableSchema('unused: CloudFormation names the table');
  const types = new Map((schema.AttributeDefinitions ?? []).map((a) => [a.AttributeName, a.AttributeType]));
  const key = (keySchema: typeof schema.KeySchema, keyType: 'HASH' | 'RANGE') => {
    const name = keySchema?.find((k) => k.KeyType === keyType)?.AttributeName;
    if (name === undefined) return undefined;
    const type = ATTRIBUTE_TYPES[types.get(name) ?? ''];
    if (!type) throw schemaError(`attribute ${name} has no S, N or B type`);
    return { name, type };
  };
  const partitionKey = key(schema.KeySchema, 'HASH');
  if (!partitionKey) throw schemaError('no partition (HASH) key');
  if (schema.BillingMode !== 'PAY_PER_REQUEST')
    throw schemaError(`billing mode ${schema.BillingMode} is not declared here`);

  const sortKey = key(schema.KeySchema, 'RANGE');
  const table = new dynamodb.Table(scope, id, {
    partitionKey,
    ...(sortKey && { sortKey }),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: RUN_STORE_TTL_ATTRIBUTE,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    removalPolicy,
  });
  for (const index of schema.GlobalSecondaryIndexes ?? []) {
    const indexKey = key(index.KeySchema, 'HASH');
    const indexSortKey = key(index.KeySchema, 'RANGE');
    const projectionType = PROJECTIONS[index.Projection?.ProjectionType ?? 'ALL'];
    if (!index.IndexName || !indexKey || !projectionType)
      throw schemaError(`index ${index.IndexName ?? '(unnamed)'} is incomplete`);
    table.addGlobalSecondaryIndex({
      indexName: index.IndexName,
      partitionKey: indexKey,
      ...(indexSortKey && { sortKey: indexSortKey }),
      projectionType,
      ...(index.Projection?.NonKeyAttributes && { nonKeyAttributes: index.Projection.NonKeyAttributes }),
    });
  }
  return table;
}

function schemaError(message: string): FirstlineError {
  return new FirstlineError('E_DEPLOY_CONFIG', `run store schema: ${message}`);
}
