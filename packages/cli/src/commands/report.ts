import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { renderTrace } from '@firstline/core';
import type { ActionInfo, ActionLookup, RunResult, TraceEvent } from '@firstline/core';
import { EXIT } from '../context.js';
import type { CliContext } from '../context.js';
import { DataFileInvalid, readDataFile } from '../options/readData.js';

/** Options of `firstline report`. */
export interface ReportFlags {
  /** `md` (default) or `html` (one self-contained file). */
  format?: 'md' | 'html';
  /** Write the report here instead of stdout. */
  output?: string;
}

/** The parts of a run record or a `--json` run result a report is made from. */
export interface ReportSource {
  trace: TraceEvent[];
  trigger?: unknown;
}

/**
 * `firstline report <run.json>`: a post-incident report from a run record (the store's
 * `<runId>.json`) or a run result printed with `--json`: what triggered it, each step with timing and
 * result, decisions, what changed and the outcome. The trace is redacted at the source, so the report
 * holds no secret value; the HTML is one self-contained file to attach to a ticket.
 */
export async function reportCommand(path: string, flags: ReportFlags, ctx: CliContext): Promise<number> {
  const source = readReportSource(await readDataFile(path, ctx.io.cwd, 'object'), path);
  const report = await renderReport(source, flags.format ?? 'md', ctx.actions);
  if (flags.output) {
    await writeFile(resolve(ctx.io.cwd, flags.output), report);
    ctx.io.err(`wrote ${flags.output}\n`);
  } else {
    ctx.io.out(report);
  }
  return EXIT.ok;
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
 * The report text. Markdown is the notifiers' `runMarkdown` (the same body a GitHub issue gets: trigger,
 * decisions, what changed, timeline); HTML is core's self-contained page with the trigger added.
 */
export async function renderReport(
  source: ReportSource,
  format: 'md' | 'html',
  actions: ActionLookup = [],
): Promise<string> {
  if (format === 'md') {
    // Loaded here, not at start-up: the notifiers bring Octokit and the Slack SDK with them.
    const { runMarkdown } = await import('@firstline/notifiers');
    return runMarkdown(asResult(source), {
      actions: [...toList(actions)],
      ...(source.trigger !== undefined && { trigger: source.trigger }),
      maxLength: Number.MAX_SAFE_INTEGER,
    });
  }
  const body = renderTrace(source.trace, { format: 'html' });
  if (source.trigger === undefined) return body;
  const event = JSON.stringify(source.trigger, null, 2).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  return body.replace('<table>', `<h2>Trigger</h2><pre>${event}</pre>\n<table>`);
}

/** A run record holds no result; the report needs only what its trace says. */
function asResult(source: ReportSource): RunResult {
  const end = source.trace.findLast((e) => e.type === 'run.end');
  const outcome = end?.type === 'run.end' ? end.outcome : 'running';
  const durationMs = end?.type === 'run.end' ? end.durationMs : source.trace.at(-1)!.at - source.trace[0]!.at;
  return { runId: runIdOf(source.trace), outcome, output: {}, steps: {}, trace: source.trace, durationMs };
}

function runIdOf(trace: readonly TraceEvent[]): string {
  const start = trace.find((e) => e.type === 'run.start');
  return start?.type === 'run.start' ? start.runId : 'run';
}

function toList(actions: ActionLookup): Iterable<ActionInfo> {
  return Symbol.iterator in actions ? actions : [];
}
