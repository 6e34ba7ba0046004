import { QueryCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { checkRunQuery, encodeRunCursor, FirstlineError, matchesRunQuery } from '@firstline/core';
import type { RunListing, RunStore } from '@firstline/core';
import { storeError } from './awsError.js';
import { runPk } from './keys.js';
import type { StoreContext } from './keys.js';
import { RUN_STORE_LIST_INDEX } from './tableSchema.js';

/** The `listed` value of every run record: the one partition of the list index. */
export const LISTED = 'run';

type Item = Record<string, AttributeValue>;

/**
 * `listRuns` of a DynamoDB store: a Query of {@link RUN_STORE_LIST_INDEX}, newest first, `since` in the
 * key condition; the other filters are applied to the projected listings, reading on until the page
 * is full and one more run shows whether another page follows. The cursor is core's (a run's
 * `createdAt` and id), which is also the index's start key: any store's cursor format, one meaning.
 * The index is eventually consistent: a run saved a moment ago may be missing, or shown as before.
 */
export function listRunsOf(ctx: StoreContext): NonNullable<RunStore['listRuns']> {
  const { table, client } = ctx;
  return async (query) => {
    const checked = checkRunQuery(query);
    const { cursor, since, limit } = checked;
    const values: Item = { ':run': { S: LISTED } };
    if (since !== undefined) values[':since'] = { N: String(since) };
    // Filters read on past the page; without them one more than the page shows whether one follows.
    const filtered = Object.keys(checked).some((key) => ['status', 'playbook', 'awaiting'].includes(key));
    const pageLimit = ctx.pageSize ?? (filtered ? undefined : limit + 1);
    let start: Item | undefined = cursor && {
      listed: { S: LISTED },
      createdAt: { N: String(cursor.createdAt) },
      pk: { S: runPk(cursor.runId) },
      sk: { S: 'record' },
    };
    const runs: RunListing[] = [];
    do {
      let page;
      try {
        page = await client.send(
          new QueryCommand({
            TableName: table,
            IndexName: RUN_STORE_LIST_INDEX,
            KeyConditionExpression: `listed = :run${since !== undefined ? ' AND createdAt >= :since' : ''}`,
            ExpressionAttributeValues: values,
            ScanIndexForward: false,
            ...(start && { ExclusiveStartKey: start }),
            ...(pageLimit !== undefined && { Limit: pageLimit }),
          }),
        );
      } catch (error) {
        throw indexMissing(error) ? noIndex(table, error) : storeError('Query', table, error);
      }
      for (const item of page.Items ?? []) {
        const listing = parseListing(item, table);
        if (matchesRunQuery(listing, checked)) runs.push(listing);
        if (runs.length > limit) break;
      }
      start = page.LastEvaluatedKey;
    } while (runs.length <= limit && start !== undefined);
    if (runs.length <= limit) return { runs };
    const shown = runs.slice(0, limit);
    return { runs: shown, cursor: encodeRunCursor(shown.at(-1)!) };
  };
}

/** The listing an index item projects; E_STORE when it holds none (not written by this store). */
function parseListing(item: Item, table: string): RunListing {
  const json = item.listing?.S;
  try {
    const listing = JSON.parse(json ?? '') as RunListing;
    if (typeof listing.runId === 'string' && Array.isArray(listing.changed)) return listing;
  } catch {
    // Reported below, with the item's key.
  }
  throw new FirstlineError(
    'E_STORE',
    `${item.pk?.S ?? 'an item'} in DynamoDB table ${table} is in the list index without a run listing: the item is corrupt`,
  );
}

// The answer to a Query of an index the table lacks: DynamoDB's ValidationException ("The table does
// not have the specified index"), moto's ResourceNotFoundException ("Invalid index").
const indexMissing = (error: unknown) =>
  error instanceof Error &&
  ['ValidationException', 'ResourceNotFoundException'].includes(error.name) &&
  /specified index|invalid index/i.test(error.message);

/** E_STORE for a table made before the list index: what to add. */
function noIndex(table: string, error: unknown): FirstlineError {
  return new FirstlineError(
    'E_STORE',
    `dynamodb Query on ${table}: the table has no index ${RUN_STORE_LIST_INDEX}, which listRuns reads: add the index ${RUN_STORE_LIST_INDEX} (partition listed S, sort createdAt N, projecting listing) as runStoreTableSchema declares it; runs saved since are listed`,
    { cause: error },
  );
}
