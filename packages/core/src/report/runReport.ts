import { formatHumanDuration } from '../format/humanDuration.js';
import { traceTable } from '../runtime/renderTrace.js';
import { formatOffset, isoTime } from '../runtime/traceTime.js';
import { runChanges } from '../runtime/runChanges.js';
import type { ActionLookup } from '../runtime/runChanges.js';
import type { TraceEvent } from '../runtime/types.js';
import { reportSteps, reportValue } from './reportSteps.js';
import type { ReportStep, ReportValue } from './reportSteps.js';

// The one model of a run's report: Markdown and HTML render the same facts from it, so they cannot
// drift apart. Built from the trace alone (secrets are redacted at the source), so a stored run record,
// a resumed run and a fresh result all give the same report.

export type { ReportStep, ReportValue } from './reportSteps.js';

/** A moment of the run on its one clock: the offset from the run's start, and the wall-clock time. */
export interface ReportTime {
  /** `+02:05.300` from the run's first event. */
  offset: string;
  /** ISO 8601 wall-clock (virtual in simulations) time. */
  wall: string;
}

/** One change the run made (or would have made, in shadow mode). */
export interface ReportChange {
  at: ReportTime;
  step: string;
  action: string;
  kind: 'remediation' | 'notify';
  summary: string;
}

/** One row of the timeline. */
export interface ReportRow {
  at: ReportTime;
  step: string;
  event: string;
  detail: string;
}

/** Everything a report of a run says, in the order it says it. */
export interface RunReport {
  runId: string;
  playbook?: string;
  mode?: string;
  /** How the run ended, or `running`. */
  outcome: string;
  started: ReportTime;
  /** How long the run took (so far, when `running`), for people. */
  duration: string;
  /** How long it was allowed, for people (`1h`). */
  deadline?: string;
  /** True when the run was resumed from its record at least once. */
  resumed: boolean;
  /** Every input, in full (secrets redacted). */
  inputs: Array<{ name: string; value: ReportValue }>;
  /** The triggering event as pretty JSON, when the run had one. */
  trigger?: string;
  /** Each step visit, with its rendered input and output. */
  steps: ReportStep[];
  /** The engine's decisions at each branch, in words. */
  decisions: Array<{ at: ReportTime; step?: string; message: string }>;
  /** Only the calls that changed something: remediations (in shadow mode, notifications too). */
  changes: ReportChange[];
  timeline: ReportRow[];
}

/** What a report is built from: a run record, a run result, or anything with its trace. */
export interface ReportSource {
  trace: readonly TraceEvent[];
  trigger?: unknown;
}

/** Options of {@link buildRunReport}. */
export interface BuildReportOptions {
  /** The action definitions the run used: they tell which calls changed something. */
  actions?: ActionLookup;
}

/** Reads a run's report from its trace (and trigger): see {@link RunReport}. */
export function buildRunReport(source: ReportSource, options: BuildReportOptions = {}): RunReport {
  const trace = source.trace;
  const t0 = trace[0]?.at ?? 0;
  const time = (at: number): ReportTime => ({ offset: formatOffset(at - t0), wall: isoTime(at) });
  const start = trace.find((e) => e.type === 'run.start');
  const end = trace.findLast((e) => e.type === 'run.end');
  const last = trace[trace.length - 1];
  const { summary, rows } = traceTable(trace);
  // A notification is news of a change, not one; in shadow mode everything planned is listed, as "would".
  const changes = runChanges(trace, options.actions ?? [], { whole: true })
    .filter((change) => change.kind === 'remediation' || start?.mode === 'shadow')
    .map((change) => ({
      at: time(t0 + change.at),
      step: change.step,
      action: change.action,
      kind: change.kind,
      summary: change.summary,
    }));
  return {
    runId: summary.runId,
    ...(start && { playbook: start.playbook, mode: start.mode }),
    outcome: summary.outcome,
    started: time(start?.at ?? t0),
    duration: end ? formatHumanDuration(end.durationMs) : formatHumanDuration((last?.at ?? t0) - t0),
    ...(start && { deadline: formatHumanDuration(start.deadline - start.at) }),
    resumed: trace.some((e) => e.type === 'run.resume'),
    inputs: Object.entries(start?.inputs ?? {}).map(([name, value]) => ({ name, value: reportValue(value) })),
    ...(source.trigger !== undefined &&
      source.trigger !== null && { trigger: JSON.stringify(source.trigger, null, 2) }),
    steps: reportSteps(trace, time, options.actions ?? []),
    decisions: trace.flatMap((e) =>
      e.type === 'decision' ? [{ at: time(e.at), ...(e.step && { step: e.step }), message: e.message }] : [],
    ),
    changes,
    timeline: rows.map((row) => ({
      at: time(row.at),
      step: row.step,
      event: row.label,
      // The inputs are listed in full above; the timeline's one-line digest of them would be cut.
      detail: row.label === 'run' && start ? runLine(start) : row.detail,
    })),
  };
}

function runLine(start: Extract<TraceEvent, { type: 'run.start' }>): string {
  return `${start.playbook} (${start.mode}) run ${start.runId} — deadline ${formatHumanDuration(start.deadline - start.at)}`;
}
