import { formatDuration } from '@firstline/core';
import type { RunResult } from '@firstline/core';
import type { Palette } from '../io.js';

/** A wall-clock time for people: ISO 8601 in UTC, to the second. */
export function wallTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** How long ago `ms` was, to the second ("3h2m5s ago", "just now"). */
export function ago(ms: number, now: number): string {
  const seconds = Math.round((now - ms) / 1000);
  return seconds <= 0 ? 'just now' : `${formatDuration(seconds * 1000)} ago`;
}

/**
 * What a run handed back means and how to finish it: stored (not over), when its wait ends, and the
 * commands that go on with it or cancel it. `store` is the store's directory as shown; `wakeAt` the
 * stored wake time, for a run handed back by a signal in the middle of a wait.
 */
export function renderHandedBack(
  result: RunResult,
  how: { palette: Palette; store: string; now: number; wakeAt?: number },
): string {
  const { palette, store } = how;
  const wakeAt = result.suspended?.wakeAt ?? how.wakeAt;
  if (result.suspended?.reason === 'approval') {
    const asked = result.trace.findLast((e) => e.type === 'approval.request');
    const id = asked?.type === 'approval.request' ? asked.id : '<approval id>';
    const until = wakeAt !== undefined ? ` until ${wallTime(wakeAt)}` : '';
    return (
      `${palette.yellow('waiting for approval')}  run ${result.runId} is stored in ${store}${until}: ${asked?.type === 'approval.request' ? asked.message : ''}\n` +
      `${palette.dim(`decide with: firstline approve ${id} --store ${store} --reason '…'   (or: firstline deny …)`)}\n` +
      `${palette.dim(`unanswered, it expires${until.replace(' until', ' at')} and does not remediate (firstline resume --due --store ${store} ends it then)`)}\n`
    );
  }
  const when =
    wakeAt !== undefined && wakeAt > how.now
      ? `its wait ends at ${wallTime(wakeAt)}`
      : 'it can go on at once';
  return (
    `${palette.yellow('handed back')}  run ${result.runId} is stored in ${store}, not over: ${when}\n` +
    `${palette.dim(`finish it with: firstline resume --due --store ${store}   (e.g. from cron; or: firstline resume ${result.runId} --store ${store})`)}\n` +
    `${palette.dim(`or cancel it:   firstline cancel ${result.runId} --store ${store}`)}\n`
  );
}

/** The line saying a run had already ended: its outcome, when (wall clock) and how long ago; nothing ran. */
export function renderAlreadyEnded(
  result: RunResult,
  how: { palette: Palette; now: number; did: string },
): string {
  const ended = result.alreadyEnded!;
  return `run ${result.runId} had already ended: outcome ${how.palette.bold(ended.outcome)} at ${wallTime(ended.endedAt)} (${ago(ended.endedAt, how.now)}); ${how.did}\n`;
}
