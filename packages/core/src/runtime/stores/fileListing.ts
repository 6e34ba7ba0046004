import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FirstlineError } from '../../errors.js';
import { runListing } from '../listing/runListing.js';
import type { RunListing, RunRecord } from '../types.js';

/** The field of a record file holding the run's listing, first and alone on the file's first line. */
export const LISTING_FIELD = 'listing';

const HEAD = `{"${LISTING_FIELD}":`;
const CHUNK = 4096;

/** How {@link readListings} reads: batch size, which runs have a write queued, and a whole load. */
export interface ReadListingsOptions {
  batch: number;
  busy(runId: string): boolean;
  load(runId: string): Promise<RunRecord | undefined>;
}

/**
 * The listings of runs `ids` in `dir`: from each record file's first line, which a whole save writes
 * (a few hundred bytes, whatever the trace's size). A run whose first line may be behind (changes in
 * its log, a write queued, a file written before listings) is loaded whole instead. Runs gone since
 * the directory was read are left out.
 */
export async function readListings(
  dir: string,
  ids: readonly string[],
  options: ReadListingsOptions,
): Promise<RunListing[]> {
  const listings: RunListing[] = [];
  const one = async (runId: string): Promise<RunListing | undefined> => {
    const quick =
      !options.busy(runId) && !(await hasLog(join(dir, `${runId}.log`)))
        ? await firstLine(join(dir, `${runId}.json`))
        : undefined;
    const listing = quick === undefined ? undefined : parseListing(quick, runId);
    if (listing) return listing;
    const record = await options.load(runId);
    return record && runListing(record);
  };
  // In batches: thousands of runs read at once would run out of file descriptors.
  for (let start = 0; start < ids.length; start += options.batch) {
    const read = await Promise.all(ids.slice(start, start + options.batch).map(one));
    for (const listing of read) if (listing) listings.push(listing);
  }
  return listings;
}

async function hasLog(path: string): Promise<boolean> {
  try {
    return (await stat(path)).size > 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new FirstlineError('E_STORE', `cannot read ${path}`, { cause: error });
  }
}

/** The file's text up to its first newline; undefined when it has none or is gone. */
async function firstLine(path: string): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new FirstlineError('E_STORE', `cannot read ${path}`, { cause: error });
  }
  try {
    const chunks: Buffer[] = [];
    for (let position = 0; ; position += CHUNK) {
      const buffer = Buffer.alloc(CHUNK);
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, position);
      const newline = buffer.subarray(0, bytesRead).indexOf(10);
      if (newline >= 0) {
        chunks.push(buffer.subarray(0, newline));
        return Buffer.concat(chunks).toString('utf8');
      }
      chunks.push(buffer.subarray(0, bytesRead));
      if (bytesRead < CHUNK) return undefined;
      // A first line this long is no listing line (a record written whole on one line): read it all instead.
      if (position > 64 * CHUNK) return undefined;
    }
  } finally {
    await handle.close();
  }
}

/** The listing in a record file's first line, or undefined when the line is not one (of this run). */
function parseListing(line: string, runId: string): RunListing | undefined {
  if (!line.startsWith(HEAD) || !line.endsWith(',')) return undefined;
  try {
    const listing = JSON.parse(line.slice(HEAD.length, -1)) as Partial<RunListing> | null;
    return listing?.runId === runId && Array.isArray(listing.changed) ? (listing as RunListing) : undefined;
  } catch {
    return undefined;
  }
}
