import { isFirstlineError, runChanges } from '@firstline/core';
import type { ActionLookup, RunListing, RunPage, RunQuery, RunRecord, RunStore } from '@firstline/core';
import { HttpError } from '../http/httpError.js';

// The console lists runs through the store's listRuns. A store without one (written before it
// existed, or a third-party store) is read here instead, the slow way: every id, every record.
// Kept in one place so it can go once every store has listRuns.

/** The codes a store's listRuns refuses a query with (core's checkRunQuery). */
const REFUSED_QUERY: readonly string[] = ['E_RUN_QUERY', 'E_RUN_CURSOR'];

/** One page of runs from the store's `listRuns`, or, for a store without it, from `list()` and `load()`. */
export async function listRunsOf(store: RunStore, query: RunQuery, actions: ActionLookup): Promise<RunPage> {
  if (store.listRuns)
    return store.listRuns(query).catch((error: unknown) => {
      // A cursor or filter the store refuses is the request's fault, not the server's.
      if (isFirstlineError(error) && REFUSED_QUERY.includes(error.code))
        throw new HttpError(400, 'E_BAD_REQUEST', error.message);
      throw error;
    });
  const limit = Math.min(Math.max(1, query.limit ?? 50), 1000);
  const ids = await store.list(query.status ? { status: query.status } : undefined);
  const records = (await Promise.all(ids.map((id) => store.load(id)))).filter(
    (r): r is RunRecord =>
      r !== undefined &&
      (query.playbook === undefined || r.playbook.name === query.playbook) &&
      (query.since === undefined || r.createdAt >= query.since) &&
      (query.awaiting !== 'approval' ||
        (r.status === 'running' && r.approval?.decision === undefined && r.approval !== undefined)),
  );
  records.sort((a, b) => b.createdAt - a.createdAt || (a.runId < b.runId ? -1 : 1));
  // The cursor is the last listed run's place in the order, so runs added meanwhile shift nothing.
  const after = query.cursor !== undefined ? decodeCursor(query.cursor) : undefined;
  if (query.cursor !== undefined && !after)
    throw new HttpError(400, 'E_BAD_REQUEST', 'cursor is not one a page of this list gave');
  const start = after
    ? records.findIndex(
        (r) => r.createdAt < after.createdAt || (r.createdAt === after.createdAt && r.runId > after.runId),
      )
    : 0;
  const page = start < 0 ? [] : records.slice(start, start + limit);
  const last = page[page.length - 1];
  const more = start >= 0 && start + limit < records.length;
  return {
    runs: page.map((record) => listingOf(record, actions)),
    ...(more && last && { cursor: encodeCursor(last) }),
  };
}

/** What a list shows of one stored run. */
export function listingOf(record: RunRecord, actions: ActionLookup): RunListing {
  const wake = record.deadlines.wake;
  const pending = record.status === 'running' && record.approval && !record.approval.decision;
  const outcomes = new Map<string, RunListing['changed'][number]['outcome']>();
  for (const e of record.trace) if (e.type === 'step.end') outcomes.set(e.step, e.outcome);
  return {
    runId: record.runId,
    playbook: record.playbook.name,
    mode: record.mode,
    status: record.status,
    ...(record.outcome !== undefined && { outcome: record.outcome }),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    ...(triggerLine(record.trigger) !== undefined && { trigger: triggerLine(record.trigger) }),
    ...(pending
      ? {
          waiting: {
            reason: 'approval' as const,
            until: record.approval!.expiresAt,
            approval: record.approval!.id,
          },
        }
      : record.status === 'running' &&
        wake !== undefined && { waiting: { reason: 'wait' as const, until: wake } }),
    changed: runChanges(record.trace, actions)
      .filter((c) => c.kind === 'remediation')
      .map((c) => ({ step: c.step, action: c.action, outcome: outcomes.get(c.step) ?? 'pass' })),
  };
}

/** What started a run, in a line: the alarm's name, the alert's, `direct`. */
export function triggerLine(trigger: unknown): string | undefined {
  if (typeof trigger !== 'object' || trigger === null) return undefined;
  const t = trigger as Record<string, unknown>;
  const labels = t.labels as Record<string, unknown> | undefined;
  const name = t.alarmName ?? labels?.alertname;
  const kind = typeof t.kind === 'string' ? t.kind : typeof t.type === 'string' ? t.type : undefined;
  if (kind === undefined) return undefined;
  return typeof name === 'string' ? `${kind}: ${name}` : kind;
}

function encodeCursor(record: RunRecord): string {
  return Buffer.from(JSON.stringify([record.createdAt, record.runId])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: number; runId: string } | undefined {
  try {
    const [createdAt, runId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    return typeof createdAt === 'number' && typeof runId === 'string' ? { createdAt, runId } : undefined;
  } catch {
    return undefined;
  }
}
