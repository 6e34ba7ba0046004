import { formatHumanDuration } from '@firstline/core';
import type { RunListing, RunPage } from '@firstline/core';
import type { CliIo } from '../io.js';
import { paletteFor } from '../io.js';
import type { Palette } from '../io.js';
import { GOOD_OUTCOMES } from './simulation.js';

/** What {@link renderRunList} needs besides the page. */
export interface RunListContext {
  io: Pick<CliIo, 'color'>;
  /** The time now (ms), for durations of runs not over and waits. */
  now: number;
  /** The store as shown (its directory or URL). */
  store: string;
  /** The flags given, repeated in the next page's command. */
  flags: ListFlags;
}

const HEADERS = ['RUN', 'PLAYBOOK', 'TRIGGER', 'STARTED', 'DURATION', 'STATUS', 'WAITING FOR', 'CHANGED'];

/** A time as UTC, to the second: `2026-12-06 09:14:03Z`. */
const utc = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');

/** What a run waits for, in a few words: `approval (14m left)`, `wake in 2m`. */
function waitingText(run: RunListing, now: number): string {
  const { waiting } = run;
  if (!waiting) return '';
  const left = waiting.until === undefined ? '' : formatHumanDuration(Math.max(0, waiting.until - now));
  if (waiting.reason === 'approval') return `approval${left ? ` (${left} left)` : ''}`;
  return waiting.until === undefined ? 'resume' : `wake in ${left}`;
}

/** The remediations a run made, in a line: `reboot aws.ec2.reboot pass`, several joined by `; `. */
const changedText = (run: RunListing) =>
  run.changed.map((c) => `${c.step} ${c.action}${c.outcome === 'pass' ? '' : ` ${c.outcome}`}`).join('; ');

function statusCell(run: RunListing, palette: Palette): [string, (text: string) => string] {
  if (run.status === 'running') return ['running', (text) => palette.yellow(text)];
  const outcome = run.outcome ?? 'done';
  const good = GOOD_OUTCOMES.includes(outcome);
  return [outcome, (text) => (good ? palette.green(text) : palette.red(text))];
}

/**
 * A page of runs as an aligned table, newest first, then how many are shown and, when there are
 * more, the command that prints the next page.
 */
export function renderRunList(page: RunPage, context: RunListContext): string {
  const palette = paletteFor(context.io);
  if (page.runs.length === 0) return `no runs${filtersText(context.flags)} in ${context.store}\n`;
  const rows = page.runs.map((run) => {
    const [status, color] = statusCell(run, palette);
    const cells = [
      run.runId,
      run.playbook,
      run.trigger ?? '',
      utc(run.createdAt),
      formatHumanDuration(Math.max(0, (run.status === 'done' ? run.updatedAt : context.now) - run.createdAt)),
      status,
      waitingText(run, context.now),
      changedText(run),
    ];
    return { cells, color };
  });
  const widths = HEADERS.map((header, i) =>
    Math.max(header.length, ...rows.map((row) => row.cells[i]!.length)),
  );
  const line = (cells: string[], style: (cell: string, i: number) => string) =>
    `${cells.map((cell, i) => style(i === cells.length - 1 ? cell : cell.padEnd(widths[i]!), i)).join('  ')}`.trimEnd();
  let text = `${line(HEADERS, (cell) => palette.bold(cell))}\n`;
  for (const row of rows)
    text += `${line(row.cells, (cell, i) => (i === 0 ? palette.cyan(cell) : i === 5 ? row.color(cell) : cell))}\n`;
  const shown = `${page.runs.length} run${page.runs.length === 1 ? '' : 's'}${filtersText(context.flags)} in ${context.store}, newest first`;
  text += `${palette.dim(shown)}\n`;
  if (page.cursor !== undefined)
    text += `${palette.dim(`more: firstline runs${repeatFlags(context.flags)} --cursor ${page.cursor}`)}\n`;
  return text;
}

const FILTERS = ['status', 'playbook', 'since', 'awaiting'] as const;

/** The `firstline runs` flags a list repeats: its filters, page size and store. */
export type ListFlags = Partial<Record<(typeof FILTERS)[number] | 'limit' | 'store', string>>;

function filtersText(flags: ListFlags): string {
  const given = FILTERS.filter((name) => typeof flags[name] === 'string').map(
    (name) => `${name} ${String(flags[name])}`,
  );
  return given.length === 0 ? '' : ` (${given.join(', ')})`;
}

/** The flags of this page that the next one needs, as command-line options. */
function repeatFlags(flags: ListFlags): string {
  const quote = (value: string) =>
    /^[\w.:/@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
  return [...FILTERS, 'limit' as const, 'store' as const]
    .flatMap((name) => (flags[name] === undefined ? [] : [` --${name} ${quote(flags[name])}`]))
    .join('');
}
