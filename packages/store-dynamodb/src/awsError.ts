import { FirstlineError } from '@firstline/core';
import type { FirstlineErrorCode } from '@firstline/core';

/** The code of a write refused because the item changed underneath it (a stale record, a budget that kept changing hands). */
export const STORE_CONFLICT: FirstlineErrorCode = 'E_STORE_CONFLICT';

/** The AWS error's name (`ConditionalCheckFailedException`, `ThrottlingException`…), or undefined. */
export function awsErrorName(error: unknown): string | undefined {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : undefined;
}

/** True for the failure of a write's condition: the expected answer to a lost race, not an error. */
export function isConditionFailed(error: unknown): error is { Item?: Record<string, unknown> } {
  return awsErrorName(error) === 'ConditionalCheckFailedException';
}

/**
 * An AWS failure as E_STORE, naming the operation and table, with the AWS error as `cause`. A missing
 * table says how to create one; AWS messages name resources, never credentials.
 */
export function storeError(operation: string, table: string, error: unknown): FirstlineError {
  const name = awsErrorName(error) ?? 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const hint =
    name === 'ResourceNotFoundException'
      ? ` (table ${table} does not exist in this account and region: create it with createRunStoreTable(client, '${table}') or from the README's CloudFormation)`
      : '';
  return new FirstlineError('E_STORE', `dynamodb ${operation} on ${table}: ${name}: ${message}${hint}`, {
    cause: error,
  });
}

/**
 * E_STORE_CONFLICT for a run record's write refused by its condition: the item was deleted (`found`
 * undefined) or another writer moved it to revision `found` past the `expected` one this store holds.
 */
export function recordConflict(
  runId: string,
  table: string,
  found: string | undefined,
  expected: number | undefined,
  cause: unknown,
): FirstlineError {
  const what =
    found === undefined
      ? 'deleted'
      : `changed by another writer (it is at revision ${found}; this store ${expected === undefined ? 'never loaded it' : `expected ${expected}`})`;
  return new FirstlineError(
    STORE_CONFLICT,
    `run ${runId} in DynamoDB table ${table} was ${what}: not overwriting it; load the run again`,
    { cause },
  );
}
