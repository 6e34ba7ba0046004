import { isFirstlineError } from '@firstline/core';
import type { RunPage, RunQuery, RunStore } from '@firstline/core';
import { HttpError } from '../http/httpError.js';

/** The codes a store's listRuns refuses a query with (core's checkRunQuery). */
const REFUSED_QUERY: readonly string[] = ['E_RUN_QUERY', 'E_RUN_CURSOR'];

/**
 * One page of runs from the store's `listRuns`. A cursor or filter the store refuses is the request's
 * fault (400); a store without `listRuns` (an older third-party one) cannot back the console's lists (501).
 */
export async function listRunsOf(store: RunStore, query: RunQuery): Promise<RunPage> {
  if (!store.listRuns)
    throw new HttpError(
      501,
      'E_NOT_IMPLEMENTED',
      'this server’s run store cannot list runs (it has no listRuns); runs are still shown by id at /runs/<id>',
    );
  try {
    return await store.listRuns(query);
  } catch (error) {
    if (isFirstlineError(error) && REFUSED_QUERY.includes(error.code))
      throw new HttpError(400, 'E_BAD_REQUEST', error.message);
    throw error;
  }
}
