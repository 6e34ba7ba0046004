import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { FirstlineError } from '@firstline/core';
import type { RunRecord } from '@firstline/core';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * The most compressed bytes a record may take: DynamoDB's 400 KB item limit less room for the
 * item's other attributes (keys, status, revision…), which are bounded by the key limits.
 */
export const MAX_RECORD_BYTES = 400 * 1024 - 8 * 1024;

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/**
 * A record's JSON, gzipped: traces are repetitive text and shrink ten-fold or more. Throws E_STORE,
 * naming the sizes, for a record that would not fit in one item even so.
 */
export async function encodeRecord(record: RunRecord, json: string): Promise<Uint8Array> {
  const data = await gzipAsync(Buffer.from(json, 'utf8'));
  if (data.byteLength > MAX_RECORD_BYTES)
    throw new FirstlineError(
      'E_STORE',
      `run ${record.runId}: its record is ${kb(data.byteLength)} gzipped (${kb(Buffer.byteLength(json))} of JSON), over the ${kb(MAX_RECORD_BYTES)} a DynamoDB item can hold; its trace has ${record.trace.length} events and its journal ${record.journal.length} entries (large action outputs or log lines are the usual cause)`,
    );
  return data;
}

/** The record in a stored item's `data`; throws E_STORE when it is not one of run `runId`. */
export async function decodeRecord(
  data: Uint8Array | undefined,
  runId: string,
  table: string,
): Promise<RunRecord> {
  const where = `run ${runId} in DynamoDB table ${table}`;
  if (data === undefined)
    throw new FirstlineError('E_STORE', `${where} has no data: the item is not a run record`);
  let record: unknown;
  try {
    record = JSON.parse((await gunzipAsync(data)).toString('utf8'));
  } catch (error) {
    throw new FirstlineError('E_STORE', `${where} is not gzipped JSON: the record is corrupt`, {
      cause: error,
    });
  }
  const shape = record as Partial<RunRecord> | null;
  if (typeof shape !== 'object' || shape === null || shape.version !== 1 || shape.runId !== runId)
    throw new FirstlineError('E_STORE', `${where} does not hold a version 1 record of that run`);
  return record as RunRecord;
}
