import { checkRunQuery, FirstlineError, parseDuration } from '@firstline/core';
import type { RunPage, RunQuery } from '@firstline/core';
import { EXIT } from '../context.js';
import type { CliContext } from '../context.js';
import { openStore } from '../openStore.js';
import { renderRunList } from '../render/runList.js';
import { nowOf } from './run.js';
import type { RunHost } from './run.js';

/** Options of `firstline runs`, as commander gives them (strings, checked here). */
export interface RunsFlags {
  /** `running` or `done`. */
  status?: string;
  /** Only runs of this playbook (its `name:`). */
  playbook?: string;
  /** Only runs started this long ago or since then: `2h`, `7d`, `30m`, or an ISO 8601 time. */
  since?: string;
  /** `approval`: only runs waiting for a person's decision. */
  awaiting?: string;
  /** Runs per page (default 50, at most 1000). */
  limit?: string;
  /** The `cursor` a page printed: the next page. */
  cursor?: string;
  /** A directory or a `dynamodb://` URL (default: the config's store, `$FIRSTLINE_STORE`, `.firstline/runs`). */
  store?: string;
  /** The page as JSON (`{ runs, cursor? }`) instead of a table. */
  json?: boolean;
}

const DAY = 86_400_000;

const badOption = (option: string, value: string, expected: string) =>
  new FirstlineError('E_RUN_QUERY', `${option} ${JSON.stringify(value)}: expected ${expected}`);

/** The `--since` time: `now` less a duration (`90s`, `2h`, `7d`), or an ISO 8601 date or time. */
export function parseSince(value: string, now: number): number {
  const days = /^(\d+)d$/.exec(value.trim());
  const ms = days ? Number(days[1]) * DAY : parseDuration(value.trim());
  if (ms !== undefined) return now - ms;
  const time = /^\d{4}-\d{2}-\d{2}/.test(value.trim()) ? Date.parse(value.trim()) : Number.NaN;
  if (Number.isNaN(time))
    throw badOption(
      '--since',
      value,
      'a duration back from now (30m, 2h, 7d) or an ISO 8601 time (2026-12-06T09:00Z)',
    );
  return time;
}

/**
 * The query the flags ask for, checked by core's own rules (E_RUN_QUERY for a bad value, E_RUN_CURSOR
 * for a cursor no page gave), each bad flag named.
 */
export function runsQuery(flags: RunsFlags, now: number): RunQuery {
  const query: RunQuery = {};
  if (flags.status !== undefined) {
    if (flags.status !== 'running' && flags.status !== 'done')
      throw badOption('--status', flags.status, 'running or done');
    query.status = flags.status;
  }
  if (flags.playbook !== undefined) {
    if (flags.playbook.trim() === '') throw badOption('--playbook', flags.playbook, "a playbook's name");
    query.playbook = flags.playbook;
  }
  if (flags.since !== undefined) query.since = parseSince(flags.since, now);
  if (flags.awaiting !== undefined) {
    if (flags.awaiting !== 'approval') throw badOption('--awaiting', flags.awaiting, 'approval');
    query.awaiting = 'approval';
  }
  if (flags.limit !== undefined) {
    const limit = Number(flags.limit);
    if (!/^\d+$/.test(flags.limit.trim()) || limit < 1 || limit > 1000)
      throw badOption('--limit', flags.limit, 'a whole number from 1 to 1000');
    query.limit = limit;
  }
  if (flags.cursor !== undefined) query.cursor = flags.cursor;
  // Core's check too, so the CLI refuses exactly what stores refuse (a forged cursor among them).
  checkRunQuery(query);
  return query;
}

/**
 * `firstline runs`: one page of the store's runs, newest first, as a table (run, playbook, trigger,
 * started, duration, outcome, what it waits for, what it changed) or `--json`; the next page's
 * command when there is one. Exit 0, or 2 for a bad option or store (with its E_ code).
 */
export async function runsCommand(flags: RunsFlags, ctx: CliContext, host: RunHost = {}): Promise<number> {
  const now = nowOf(host);
  const query = runsQuery(flags, now);
  const store = await openStore(flags, ctx);
  let page: RunPage;
  try {
    if (!store.store.listRuns)
      throw new FirstlineError('E_STORE', `the store ${store.shown} cannot list runs (it has no listRuns)`);
    page = await store.store.listRuns(query);
  } finally {
    store.close();
  }
  if (flags.json) {
    ctx.io.out(`${JSON.stringify(page, null, 2)}\n`);
    return EXIT.ok;
  }
  ctx.io.out(renderRunList(page, { io: ctx.io, now, store: store.shown, flags }));
  return EXIT.ok;
}
