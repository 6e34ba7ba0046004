import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import {
  buildRunReport,
  createFileStore,
  FirstlineError,
  isRunId,
  reportHtml,
  reportMarkdown,
} from '@firstline/core';
import type { ActionLookup, TraceEvent } from '@firstline/core';
import { EXIT } from '../context.js';
import type { CliContext } from '../context.js';
import { displayPath } from '../displayPath.js';
import { DataFileInvalid, readDataFile } from '../options/readData.js';
import { openStore, storeLocation } from '../openStore.js';

/** Options of `firstline report`. */
export interface ReportFlags {
  /** `md` (default) or `html` (one self-contained file). */
  format?: 'md' | 'html';
  /** Write the report here instead of stdout. */
  output?: string;
  /**
   * Where a run given by its id is looked up: a directory or a `dynamodb://` URL (default: the config's
   * store, `$FIRSTLINE_STORE`, `.firstline/runs`).
   */
  store?: string;
}

/** The parts of a run record or a `--json` run result a report is made from. */
export interface ReportSource {
  trace: TraceEvent[];
  trigger?: unknown;
}

/**
 * `firstline report <run.json|runId>`: a post-incident report from a run record (the store's
 * `<runId>.json`, or just the id) or a run result printed with `--json`: what triggered it, each step with timing and
 * result, decisions, what changed and the outcome. The trace is redacted at the source, so the report
 * holds no secret value; the HTML is one self-contained file to attach to a ticket.
 */
export async function reportCommand(given: string, flags: ReportFlags, ctx: CliContext): Promise<number> {
  const source = isStoredId(given, ctx)
    ? await storedSource(given, flags, ctx)
    : await fileSource(reportFile(given, flags, ctx), ctx);
  const report = await renderReport(source, flags.format ?? 'md', ctx.actions);
  if (flags.output) {
    await writeFile(resolve(ctx.io.cwd, flags.output), report);
    ctx.io.err(`wrote ${flags.output}\n`);
  } else {
    ctx.io.out(report);
  }
  return EXIT.ok;
}

/** True when `given` names a stored run by its id rather than a file. */
function isStoredId(given: string, ctx: CliContext): boolean {
  return !existsSync(resolve(ctx.io.cwd, given)) && isRunId(given) && !/\.(json|ya?ml)$/.test(given);
}

/** The file a report reads: the path given, or for a run id in a directory store, `<store>/<runId>.json`. */
function reportFile(given: string, flags: ReportFlags, ctx: CliContext): string {
  if (!isStoredId(given, ctx)) return given;
  const location = storeLocation(flags, ctx);
  if (location.kind !== 'dir') return given;
  return displayPath(join(location.dir, `${given}.json`), ctx.io.cwd);
}

async function fileSource(path: string, ctx: CliContext): Promise<ReportSource> {
  return readReportSource(
    await withChangeLog(await readDataFile(path, ctx.io.cwd, 'object'), resolve(ctx.io.cwd, path)),
    path,
  );
}

/** A run given by its id: read from a directory store's file, or loaded from another store (DynamoDB). */
async function storedSource(runId: string, flags: ReportFlags, ctx: CliContext): Promise<ReportSource> {
  if (storeLocation(flags, ctx).kind === 'dir') return fileSource(reportFile(runId, flags, ctx), ctx);
  const store = await openStore(flags, ctx);
  try {
    const record = await store.store.load(runId);
    if (!record) throw new FirstlineError('E_RUN_NOT_FOUND', `no run ${runId} in ${store.shown}`);
    return readReportSource(record, `run ${runId} in ${store.shown}`);
  } finally {
    store.close();
  }
}

/**
 * A file store's `<runId>.json` of a run not over may have changes in its `<runId>.log` not yet folded in:
 * the record is read through the store then, so the report has the whole trace.
 */
async function withChangeLog(data: unknown, file: string): Promise<unknown> {
  const { runId, changeLog } = data as { runId?: unknown; changeLog?: unknown };
  if (typeof changeLog !== 'string' || typeof runId !== 'string' || basename(file) !== `${runId}.json`)
    return data;
  return (
    (await createFileStore(dirname(file))
      .load(runId)
      .catch(() => undefined)) ?? data
  );
}

/** Checks that the data is a run (it has a trace of events), or says what it is not. */
export function readReportSource(data: unknown, file: string): ReportSource {
  const trace = (data as { trace?: unknown }).trace;
  const events = Array.isArray(trace) ? trace : undefined;
  const valid = events?.every(
    (e) =>
      typeof e === 'object' &&
      e !== null &&
      typeof (e as { type?: unknown }).type === 'string' &&
      typeof (e as { at?: unknown }).at === 'number',
  );
  if (!events || !valid || events.length === 0) {
    throw new DataFileInvalid(file, [
      {
        code: 'E_DATA_SHAPE',
        message: `${file} is not a run: expected a run record (the store's <runId>.json) or the output of --json, with a non-empty "trace" of events`,
        line: 1,
        column: 1,
        severity: 'error',
      },
    ]);
  }
  const trigger = (data as { trigger?: unknown }).trigger;
  return { trace: events as TraceEvent[], ...(trigger !== undefined && trigger !== null && { trigger }) };
}

/**
 * The report text: core's one report model ({@link buildRunReport}), as Markdown or as one self-contained
 * HTML page with the same sections (inputs in full, each step's input and output, decisions, what
 * changed, the timeline on the run's one clock).
 */
export function renderReport(
  source: ReportSource,
  format: 'md' | 'html',
  actions: ActionLookup = [],
): Promise<string> {
  const report = buildRunReport(source, { actions });
  return Promise.resolve(format === 'md' ? reportMarkdown(report) : reportHtml(report));
}
