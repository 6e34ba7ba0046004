import { randomUUID } from 'node:crypto';
import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { FirstlineError } from '@firstline/core';
import type { RunRecord, RunRecordChange, RunStore } from '@firstline/core';
import { isConditionFailed, recordConflict, storeError } from './awsError.js';
import { runIdOf, runPk } from './keys.js';
import type { StoreContext } from './keys.js';
import { decodeRecord, encodeRecord, MAX_RECORD_BYTES } from './recordCodec.js';
import { appendCommand, encodeChange, indexed, listingJson, replayChanges } from './recordChanges.js';
import { LISTED, listRunsOf } from './listRuns.js';
import type { Indexed, ItemShape } from './recordChanges.js';
import { RUN_STORE_STATUS_INDEX } from './tableSchema.js';

/** How many runs' revisions a store remembers; a save of a run forgotten since fails safe (a conflict). */
const REVISIONS_KEPT = 10_000;

/** Changes appended to an item before the next save writes the record whole again. */
const COMPACT_CHANGES = 8;
/** Compressed bytes of record and changes past which the next save writes the record whole. */
const COMPACT_BYTES = MAX_RECORD_BYTES / 2;

type Item = Record<string, AttributeValue>;

/**
 * Run records as DynamoDB items (`pk=run#<id>`, `sk=record`), gzipped, written with optimistic
 * concurrency: each save is conditional on the revision this store last loaded or saved, so a writer
 * holding a stale record fails with E_STORE_CONFLICT instead of overwriting a newer one. A save of
 * changes is an UpdateItem appending the gzipped change to the item's `changes` list (and setting the
 * indexed attributes), under the same condition; every 8 changes the record is written whole again.
 */
export function createDynamoRecords(
  ctx: StoreContext,
): Pick<RunStore, 'save' | 'saveChanges' | 'load' | 'list' | 'listRuns' | 'delete'> {
  const { table, client } = ctx;
  const revisions = new Map<string, { revision: number; shape: ItemShape }>();
  const queues = new Map<string, Promise<void>>();

  const remember = (runId: string, revision: number | undefined, shape?: ItemShape) => {
    revisions.delete(runId);
    if (revision === undefined || shape === undefined) return;
    revisions.set(runId, { revision, shape });
    if (revisions.size > REVISIONS_KEPT) revisions.delete(revisions.keys().next().value!);
  };

  // Saves and deletes of one run apply in call order: the second would otherwise race the first's revision.
  const enqueue = (runId: string, task: () => Promise<void>): Promise<void> => {
    const current = (queues.get(runId) ?? Promise.resolve()).then(task, task);
    queues.set(runId, current);
    const forget = () => {
      if (queues.get(runId) === current) queues.delete(runId);
    };
    void current.then(forget, forget);
    return current;
  };

  const write = async (record: RunRecord, pk: string, json: string, lengths: LengthsOf): Promise<void> => {
    const data = await encodeRecord(record, json);
    const expected = revisions.get(record.runId)?.revision;
    const revision = (expected ?? 0) + 1;
    // Names this write, so a retry of it that finds its own work done (the SDK retries after a lost response) succeeds.
    const writer = randomUUID();
    const item: Item = {
      pk: { S: pk },
      sk: { S: 'record' },
      runId: { S: record.runId },
      status: { S: record.status },
      wake: { N: String(record.status === 'running' ? (record.deadlines.wake ?? 0) : 0) },
      revision: { N: String(revision) },
      writer: { S: writer },
      data: { B: data },
      jsonBytes: { N: String(Buffer.byteLength(json)) },
      playbook: { S: record.playbook.name },
      updatedAt: { N: String(record.updatedAt) },
      ...(record.outcome !== undefined && { outcome: { S: record.outcome } }),
      // The list index's keys and what it projects: a run is listed from the item it is saved in.
      listed: { S: LISTED },
      createdAt: { N: String(record.createdAt) },
      listing: { S: listingJson(record) },
    };
    try {
      await client.send(
        new PutItemCommand({
          TableName: table,
          Item: item,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...(expected === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: '#revision = :expected',
                ExpressionAttributeNames: { '#revision': 'revision' },
                ExpressionAttributeValues: { ':expected': { N: String(expected) } },
              }),
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw storeError('PutItem', table, error);
      refuseUnlessOurs(record.runId, error, writer, expected);
    }
    remember(record.runId, revision, { ...lengths, changes: 0, bytes: data.byteLength });
  };

  // A failed condition is our own write when the SDK retried it after losing its answer; else a conflict.
  const refuseUnlessOurs = (
    runId: string,
    error: { Item?: Record<string, unknown> },
    writer: string,
    expected: number | undefined,
  ) => {
    const old = error.Item as Item | undefined;
    if (old?.writer?.S === writer) return;
    remember(runId, undefined);
    throw recordConflict(runId, table, old?.revision?.N, expected, error);
  };

  // One change appended to the item, conditional on the revision it follows.
  const append = async (
    pk: string,
    runId: string,
    change: RunRecordChange,
    json: string,
    fields: Indexed,
  ) => {
    const known = revisions.get(runId);
    const { base } = change;
    if (known?.shape.journal !== base.journal || known.shape.trace !== base.trace)
      throw new FirstlineError(
        'E_STORE',
        `run ${runId}: not written, as the write before it failed; save the record whole or load it again`,
      );
    const data = await encodeChange(json);
    const revision = known.revision + 1;
    const writer = randomUUID();
    try {
      await client.send(appendCommand({ table, pk, data, revision, writer, fields }));
    } catch (error) {
      if (!isConditionFailed(error)) throw storeError('UpdateItem', table, error);
      refuseUnlessOurs(runId, error, writer, known.revision);
    }
    remember(runId, revision, {
      journal: base.journal + change.journal.length,
      trace: base.trace + change.trace.length,
      changes: known.shape.changes + 1,
      bytes: known.shape.bytes + data.byteLength,
    });
  };

  const pages = async function* (query: () => QueryCommand | ScanCommand, operation: string) {
    let start: Item | undefined;
    do {
      const command = query();
      command.input.ExclusiveStartKey = start;
      let page;
      try {
        page = await client.send(command);
      } catch (error) {
        throw storeError(operation, table, error);
      }
      yield page.Items ?? [];
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
  };

  const save = (record: RunRecord): Promise<void> => {
    let pk: string;
    let json: string;
    try {
      pk = runPk(record.runId);
      // Serialized now: the caller may change the record while the write waits its turn.
      json = JSON.stringify(record);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const lengths = { journal: record.journal.length, trace: record.trace.length };
    return enqueue(record.runId, () => write(record, pk, json, lengths));
  };

  return {
    save,
    saveChanges(record, change) {
      let pk: string;
      let json: string;
      try {
        pk = runPk(record.runId);
        json = JSON.stringify(change);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      const shape = revisions.get(record.runId)?.shape;
      const whole =
        shape === undefined ||
        shape.journal !== change.base.journal ||
        shape.trace !== change.base.trace ||
        shape.changes >= COMPACT_CHANGES ||
        // Uncompressed, so surely no less than what it adds.
        shape.bytes + Buffer.byteLength(json) + 64 > COMPACT_BYTES ||
        record.status === 'done';
      if (whole) return save(record);
      const fields = indexed(record);
      return enqueue(record.runId, () => append(pk, record.runId, change, json, fields));
    },
    async load(runId) {
      const pk = runPk(runId);
      let item: Item | undefined;
      try {
        item = (
          await client.send(
            new GetItemCommand({
              TableName: table,
              Key: { pk: { S: pk }, sk: { S: 'record' } },
              ConsistentRead: true,
            }),
          )
        ).Item;
      } catch (error) {
        throw storeError('GetItem', table, error);
      }
      if (!item) {
        remember(runId, undefined);
        return undefined;
      }
      const record = await decodeRecord(item.data?.B, runId, table);
      const where = `run ${runId} in DynamoDB table ${table}`;
      const shape = await replayChanges(record, item.changes?.L, item.data!.B!.byteLength, where);
      remember(runId, Number(item.revision?.N ?? 0), shape);
      return record;
    },
    // With a status: a Query of the status index (eventually consistent, keys only). Without one: a
    // Scan of the whole table, locks and budgets included, which is read-costly on a big table.
    async list(filter) {
      const ids: string[] = [];
      const limit = ctx.pageSize === undefined ? {} : { Limit: ctx.pageSize };
      const status = filter?.status;
      const source =
        status === undefined
          ? pages(
              () =>
                new ScanCommand({
                  TableName: table,
                  FilterExpression: 'sk = :record',
                  ProjectionExpression: 'pk',
                  ExpressionAttributeValues: { ':record': { S: 'record' } },
                  ...limit,
                }),
              'Scan',
            )
          : pages(
              () =>
                new QueryCommand({
                  TableName: table,
                  IndexName: RUN_STORE_STATUS_INDEX,
                  KeyConditionExpression: '#status = :status',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: { ':status': { S: status } },
                  ...limit,
                }),
              'Query',
            );
      for await (const items of source)
        for (const item of items) if (item.pk?.S?.startsWith('run#')) ids.push(runIdOf(item.pk.S));
      return ids.sort();
    },
    listRuns: listRunsOf(ctx),
    delete(runId) {
      let pk: string;
      try {
        pk = runPk(runId);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      return enqueue(runId, async () => {
        const remove = async (sk: string) => {
          try {
            await client.send(
              new DeleteItemCommand({ TableName: table, Key: { pk: { S: pk }, sk: { S: sk } } }),
            );
          } catch (error) {
            throw storeError('DeleteItem', table, error);
          }
        };
        // The record first: were it to stay while its claims went, a resume could repeat a reboot.
        await remove('record');
        remember(runId, undefined);
        const query = () =>
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ProjectionExpression: 'sk',
            ExpressionAttributeValues: { ':pk': { S: pk } },
            ConsistentRead: true,
          });
        for await (const items of pages(query, 'Query'))
          await Promise.all(items.map((item) => remove(item.sk?.S ?? 'record')));
      });
    },
  };
}

/** A record's journal and trace lengths when it was serialized. */
type LengthsOf = Pick<ItemShape, 'journal' | 'trace'>;
