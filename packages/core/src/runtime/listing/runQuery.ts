import { FirstlineError } from '../../errors.js';
import type { RunListing, RunPage, RunQuery } from '../types.js';

/** How many runs a page holds when the query does not say. */
export const DEFAULT_RUN_PAGE = 50;
/** The most runs one page may hold. */
export const MAX_RUN_PAGE = 1000;

/** Where a page starts: after the run created at `createdAt` with id `runId`, newest first. */
export interface RunCursor {
  createdAt: number;
  runId: string;
}

/** A {@link RunQuery} checked: `limit` filled in, `cursor` decoded. */
export interface CheckedRunQuery extends Omit<RunQuery, 'cursor' | 'limit'> {
  limit: number;
  cursor?: RunCursor;
}

const STATUSES = ['running', 'done'];

const bad = (message: string) => new FirstlineError('E_RUN_QUERY', `listRuns: ${message}`);

/**
 * Checks a {@link RunQuery} (throws E_RUN_QUERY naming the field for a bad value, E_RUN_CURSOR for a
 * cursor no store gave) and fills in its defaults: what every store's `listRuns` starts with.
 */
export function checkRunQuery(query: RunQuery = {}): CheckedRunQuery {
  if (typeof query !== 'object' || query === null) throw bad('the query must be an object');
  const { status, playbook, since, awaiting, limit, cursor } = query;
  if (status !== undefined && !STATUSES.includes(status))
    throw bad(`status must be running or done, not ${JSON.stringify(status)}`);
  if (playbook !== undefined && (typeof playbook !== 'string' || playbook === ''))
    throw bad(`playbook must be a playbook's name, not ${JSON.stringify(playbook)}`);
  if (since !== undefined && (typeof since !== 'number' || !Number.isFinite(since)))
    throw bad(`since must be a time in milliseconds, not ${JSON.stringify(since)}`);
  if (awaiting !== undefined && awaiting !== 'approval')
    throw bad(`awaiting must be approval, not ${JSON.stringify(awaiting)}`);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MAX_RUN_PAGE))
    throw bad(`limit must be a whole number from 1 to ${MAX_RUN_PAGE}, not ${JSON.stringify(limit)}`);
  return {
    ...(status !== undefined && { status }),
    ...(playbook !== undefined && { playbook }),
    ...(since !== undefined && { since }),
    ...(awaiting !== undefined && { awaiting }),
    limit: limit ?? DEFAULT_RUN_PAGE,
    ...(cursor !== undefined && { cursor: decodeRunCursor(cursor) }),
  };
}

/** The opaque `cursor` of a page that ends with `last`. */
export function encodeRunCursor(last: RunCursor): string {
  return Buffer.from(JSON.stringify({ v: 1, c: last.createdAt, r: last.runId }), 'utf8').toString(
    'base64url',
  );
}

/** The position a `cursor` names; throws E_RUN_CURSOR for anything no store made. */
export function decodeRunCursor(cursor: unknown): RunCursor {
  const refuse = () =>
    new FirstlineError(
      'E_RUN_CURSOR',
      'listRuns: the cursor is not one a page of runs gave (pass the `cursor` of the page before, unchanged)',
    );
  if (typeof cursor !== 'string' || cursor === '' || cursor.length > 4096 || !/^[\w-]+$/.test(cursor))
    throw refuse();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  const { v, c, r } = (parsed ?? {}) as { v?: unknown; c?: unknown; r?: unknown };
  if (v !== 1 || typeof c !== 'number' || !Number.isFinite(c) || typeof r !== 'string' || r === '')
    throw refuse();
  return { createdAt: c, runId: r };
}

/** True when `listing` is one the query asks for (all but the cursor and limit). */
export function matchesRunQuery(listing: RunListing, query: CheckedRunQuery): boolean {
  return (
    (query.status === undefined || listing.status === query.status) &&
    (query.playbook === undefined || listing.playbook === query.playbook) &&
    (query.since === undefined || listing.createdAt >= query.since) &&
    (query.awaiting === undefined || listing.waiting?.reason === query.awaiting)
  );
}

/** Newest first; runs created at the same time by id, descending, so every run has one place. */
export function compareListings(a: RunCursor, b: RunCursor): number {
  return b.createdAt - a.createdAt || (a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0);
}

/**
 * One page of `listings` (any order) for a checked query: matching, newest first, after the cursor,
 * at most `limit`, with a cursor when more follow. For stores that hold their listings in memory.
 */
export function pageOfListings(listings: Iterable<RunListing>, query: CheckedRunQuery): RunPage {
  const { cursor } = query;
  const matching = [...listings]
    .filter((listing) => matchesRunQuery(listing, query))
    .filter((listing) => cursor === undefined || compareListings(cursor, listing) < 0)
    .sort(compareListings);
  const runs = matching.slice(0, query.limit);
  const last = runs.at(-1);
  return matching.length > runs.length && last ? { runs, cursor: encodeRunCursor(last) } : { runs };
}
