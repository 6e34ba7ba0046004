import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { applyRecordChange, checkRecordChange, FirstlineError, runListing } from '@firstline/core';
import type { RunRecord } from '@firstline/core';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** What this store knows a run's item holds: the record's journal and trace lengths, its changes' count and bytes. */
export interface ItemShape {
  journal: number;
  trace: number;
  /** Changes appended since the last whole write. */
  changes: number;
  /** Compressed bytes of the record and its changes. */
  bytes: number;
}

/** A change's JSON, gzipped, as one element of the item's `changes` list. */
export async function encodeChange(json: string): Promise<Uint8Array> {
  return gzipAsync(Buffer.from(json, 'utf8'));
}

/**
 * Applies the item's `changes` (gzipped JSON, oldest first) to its decoded `record`, and says what the
 * item holds. Throws E_STORE for a change that is not one, or does not follow the record: the item is
 * written by conditional writes only, so that is corruption, not a race.
 */
export async function replayChanges(
  record: RunRecord,
  changes: AttributeValue[] | undefined,
  dataBytes: number,
  where: string,
): Promise<ItemShape> {
  let bytes = dataBytes;
  for (const [i, value] of (changes ?? []).entries()) {
    const what = `${where}: change ${i + 1}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse((await gunzipAsync(value.B!)).toString('utf8'));
    } catch (error) {
      throw new FirstlineError('E_STORE', `${what} is not gzipped JSON: the record is corrupt`, {
        cause: error,
      });
    }
    applyRecordChange(record, checkRecordChange(parsed, what));
    bytes += value.B!.byteLength;
  }
  return { journal: record.journal.length, trace: record.trace.length, changes: changes?.length ?? 0, bytes };
}

/** The item attributes a save sets besides the record: what the status index and readers query. */
export interface Indexed {
  status: string;
  wake: number;
  updatedAt: number;
  outcome?: string;
  /** The run's listing as JSON: what `listRuns` reads through the list index. */
  listing: string;
}

/** The most bytes of listing JSON an item holds: `changed` is cut to fit (a long run's list stays a line). */
const MAX_LISTING_BYTES = 4 * 1024;

/** The run's listing as JSON, its `changed` cut until it fits in {@link MAX_LISTING_BYTES}. */
export function listingJson(record: RunRecord): string {
  const listing = runListing(record);
  let json = JSON.stringify(listing);
  while (Buffer.byteLength(json) > MAX_LISTING_BYTES && listing.changed.length > 0) {
    listing.changed = listing.changed.slice(0, Math.floor(listing.changed.length / 2));
    json = JSON.stringify(listing);
  }
  return json;
}

/** The indexed attributes of `record`, taken now (the caller goes on changing it). */
export function indexed(record: RunRecord): Indexed {
  return {
    status: record.status,
    wake: record.status === 'running' ? (record.deadlines.wake ?? 0) : 0,
    updatedAt: record.updatedAt,
    ...(record.outcome !== undefined && { outcome: record.outcome }),
    listing: listingJson(record),
  };
}

/** What {@link appendCommand} writes. */
export interface AppendWrite {
  table: string;
  pk: string;
  /** The gzipped change. */
  data: Uint8Array;
  /** The item's revision after the write; it must be one less before it. */
  revision: number;
  /** Names the write, so a retry finding it done is told apart from a conflict. */
  writer: string;
  fields: Indexed;
}

/**
 * The UpdateItem appending one change to a run's item: the change to `changes`, the indexed attributes
 * set, the revision moved on, all conditional on the revision it follows (ALL_OLD returned on refusal).
 */
export function appendCommand(write: AppendWrite): UpdateItemCommand {
  const { fields } = write;
  const outcome = fields.outcome !== undefined ? ', outcome = :outcome' : '';
  return new UpdateItemCommand({
    TableName: write.table,
    Key: { pk: { S: write.pk }, sk: { S: 'record' } },
    UpdateExpression: `SET changes = list_append(if_not_exists(changes, :none), :change), revision = :revision, writer = :writer, #status = :status, wake = :wake, updatedAt = :updatedAt, listing = :listing${outcome}`,
    ConditionExpression: 'revision = :expected',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':none': { L: [] },
      ':change': { L: [{ B: write.data }] },
      ':revision': { N: String(write.revision) },
      ':expected': { N: String(write.revision - 1) },
      ':writer': { S: write.writer },
      ':status': { S: fields.status },
      ':wake': { N: String(fields.wake) },
      ':updatedAt': { N: String(fields.updatedAt) },
      ':listing': { S: fields.listing },
      ...(fields.outcome !== undefined && { ':outcome': { S: fields.outcome } }),
    },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  });
}
