import { createFileStore } from '@firstline/core';
import type { RunStore } from '@firstline/core';
import type { CliContext } from './context.js';
import { displayPath } from './displayPath.js';
import { parseStore, storeUrl } from './options/storeUrl.js';
import type { StoreLocation } from './options/storeUrl.js';

/** A run store the CLI opened, how to show it, and how to let the process end once done with it. */
export interface OpenedStore {
  store: RunStore;
  /** The directory relative to the working directory, or the `dynamodb://` URL. */
  shown: string;
  location: StoreLocation;
  /** Where a run's record is and how to report it, in a line. */
  recordLine(runId: string): string;
  /** Closes the store's connections (the DynamoDB client's); a file store has none. */
  close(): void;
}

/**
 * Where run records are kept: `--store`, else the config's `store`, else `$FIRSTLINE_STORE`, else
 * `.firstline/runs`; a directory or a `dynamodb://` URL (E_STORE_URL for anything else).
 */
export function storeLocation(flags: { store?: string }, ctx: CliContext): StoreLocation {
  const given = flags.store ?? ctx.config?.store ?? ctx.io.env.FIRSTLINE_STORE ?? '.firstline/runs';
  return parseStore(given, ctx.io.cwd);
}

/**
 * Opens the store the flags name. A DynamoDB store's package and SDK are imported here, on use: no
 * command that keeps runs in a directory (or keeps none) loads them. Its credentials come from the
 * standard AWS chain.
 */
export async function openStore(flags: { store?: string }, ctx: CliContext): Promise<OpenedStore> {
  const location = storeLocation(flags, ctx);
  if (location.kind === 'dir') {
    const shown = displayPath(location.dir, ctx.io.cwd);
    return {
      store: createFileStore(location.dir),
      shown,
      location,
      recordLine: (runId) => `run record: ${shown}/${runId}.json  (firstline report ${shown}/${runId}.json)`,
      close: () => {},
    };
  }
  const [{ DynamoDBClient }, { dynamoRunStore }] = await Promise.all([
    import('@aws-sdk/client-dynamodb'),
    import('@firstline/store-dynamodb'),
  ]);
  const region = location.region ?? ctx.config?.region;
  const client = new DynamoDBClient({
    ...(region !== undefined && { region }),
    ...(location.endpoint !== undefined && { endpoint: location.endpoint }),
  });
  const shown = storeUrl(location);
  return {
    store: dynamoRunStore({ table: location.table, client }),
    shown,
    location,
    recordLine: (runId) => `run record: ${runId} in ${shown}  (firstline report ${runId} --store '${shown}')`,
    close: () => client.destroy(),
  };
}
