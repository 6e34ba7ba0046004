import { formatHumanDuration } from '../format/humanDuration.js';
import { renderHtml, renderMarkdown } from './traceReports.js';
import { formatClockDuration, formatOffset, isoTime, offsetText } from './traceTime.js';

export { formatClockDuration, formatOffset } from './traceTime.js';
import type { TraceEvent } from './types.js';

/** How {@link renderTrace} writes a trace: aligned text, one JSON event per line, or a Markdown or HTML report. */
export type TraceFormat = 'text' | 'jsonl' | 'markdown' | 'html';

/** Options of {@link renderTrace}. */
export interface RenderTraceOptions {
  /** Defaults to `text`. */
  format?: TraceFormat;
  /** Text only: ANSI colours on outcomes (green pass, red failures, dim skips). Defaults to false. */
  color?: boolean;
}

/** Renders a run's trace for people (`text`, `markdown`, `html`) or machines (`jsonl`); always ends with a newline. */
export function renderTrace(trace: readonly TraceEvent[], options: RenderTraceOptions = {}): string {
  const format = options.format ?? 'text';
  if (format === 'jsonl') return trace.map((event) => `${JSON.stringify(event)}\n`).join('');
  if (format === 'markdown') return renderMarkdown(trace);
  if (format === 'html') return renderHtml(trace);
  return renderText(trace, options.color === true);
}

/** Offsets from the first event, padded to one width. */
function offsetsOf(rows: readonly Row[], t0: number): string[] {
  const withHours = rows.some((row) => Math.abs(row.at - t0) >= 3_600_000);
  const texts = rows.map((row) => offsetText(row.at - t0, withHours));
  const width = Math.max(0, ...texts.map((text) => text.length));
  return texts.map((text) => text.padStart(width));
}

type Tone = 'good' | 'bad' | 'dim' | 'warn';

/** One rendered row: the same rows feed the text lines and the Markdown table. */
interface Row {
  at: number;
  label: string;
  /** Events inside a step (attempts, retries) are indented under it in text. */
  nested?: boolean;
  step?: string;
  /** Short status words (`#1 fail 5ms`), outcome words already painted for text. */
  detail?: string;
  /** Colours the label (warning and error logs). */
  labelTone?: Tone;
  /** Free text (errors, messages), set apart from the status words. */
  note?: string;
}

const LABEL_WIDTH = 9;
const MAX_INPUT_CHARS = 40;
const MAX_INPUTS_CHARS = 60;

function renderText(trace: readonly TraceEvent[], color: boolean): string {
  const first = trace[0];
  if (!first) return '(empty trace)\n';
  const paint = color ? paintOutcome : (text: string) => text;
  const rows = rowsOf(trace, paint);
  const offsets = offsetsOf(rows, first.at);
  const lines = rows.map((row, i) => {
    let label = `${row.nested ? '  ' : ''}${row.label}`.padEnd(LABEL_WIDTH);
    if (color && row.labelTone)
      label = label.replace(row.label, `${ANSI[row.labelTone]}${row.label}${RESET}`);
    const head = [row.step, row.detail].filter(Boolean).join(' ');
    const note = row.note ? (head ? `  ${oneLine(row.note)}` : oneLine(row.note)) : '';
    return `${offsets[i] ?? ''}  ${label} ${head}${note}`.trimEnd();
  });
  return `${lines.join('\n')}\n`;
}

/** What a report says of a run above its timeline. */
export interface RunSummary {
  runId: string;
  outcome: string;
  playbook?: string;
  mode?: string;
  started: string;
  duration: string;
}

/** The run's summary and its timeline rows (offset, step, event, detail), as the reports show them. */
export function traceTable(trace: readonly TraceEvent[]): {
  summary: RunSummary;
  rows: Array<{ at: number; offset: string; step: string; label: string; detail: string }>;
} {
  const first = trace[0];
  const start = trace.find((event) => event.type === 'run.start');
  const resume = trace.find((event) => event.type === 'run.resume');
  const end = trace.findLast((event) => event.type === 'run.end');
  const t0 = first?.at ?? 0;
  const last = trace[trace.length - 1];
  const summary: RunSummary = {
    runId: start?.runId ?? resume?.runId ?? 'unknown',
    outcome: end?.outcome ?? 'running',
    ...(start && { playbook: start.playbook, mode: start.mode }),
    started: isoTime(start?.at ?? t0),
    duration: end
      ? formatClockDuration(end.durationMs)
      : `${formatClockDuration((last?.at ?? t0) - t0)} so far`,
  };
  const rows = rowsOf(trace, (text) => text);
  const offsets = offsetsOf(rows, t0);
  return {
    summary,
    rows: rows.map((row, i) => ({
      at: row.at,
      offset: offsets[i] ?? '',
      step: row.step ?? '',
      label: row.label,
      detail: oneLine([row.detail, row.note].filter(Boolean).join(' — ')),
    })),
  };
}

type Paint = (outcome: string) => string;

function rowsOf(trace: readonly TraceEvent[], paint: Paint): Row[] {
  const t0 = trace[0]?.at ?? 0;
  return trace.flatMap((event) => describe(event, t0, paint));
}

function describe(event: TraceEvent, t0: number, paint: Paint): Row[] {
  const at = event.at;
  switch (event.type) {
    case 'run.start': {
      const inputs = summarizeInputs(event.inputs);
      const detail = `${event.playbook} (${event.mode}) run ${event.runId}`;
      // People read a deadline as "1h", not "59m 59.9s" (the run started a moment after it was set).
      const deadline = `deadline ${formatHumanDuration(event.deadline - event.at)}`;
      return [
        {
          at,
          label: 'run',
          detail,
          note: [inputs && `inputs: ${inputs}`, deadline].filter(Boolean).join('  '),
        },
      ];
    }
    case 'run.resume':
      return [{ at, label: 'resume', detail: `run ${event.runId}` }];
    case 'step.start':
      return [
        {
          at,
          label: 'step',
          step: event.step,
          detail: [event.action, event.visit > 1 ? `(visit ${event.visit})` : ''].filter(Boolean).join(' '),
        },
      ];
    case 'attempt.start':
      // attempt.end carries everything worth showing about an attempt.
      return [];
    case 'attempt.end': {
      const rows: Row[] = [
        {
          at,
          label: 'attempt',
          nested: true,
          step: event.step,
          detail: `#${event.attempt} ${paint(event.outcome)} ${formatClockDuration(event.durationMs)}`,
          note: event.error,
        },
      ];
      if (event.retryInMs !== undefined)
        rows.push({
          at,
          label: 'retry',
          nested: true,
          step: event.step,
          detail: `in ${formatClockDuration(event.retryInMs)}`,
        });
      return rows;
    }
    case 'plan': {
      const changes = (event.changes ?? []).map((c) => `${c.resource}: ${c.change}`).join('; ');
      return [
        {
          at,
          label: 'would',
          step: event.step,
          note: changes ? `${event.summary} (${changes})` : event.summary,
        },
      ];
    }
    case 'step.end': {
      const plural = event.attempts === 1 ? '' : 's';
      const attempts = event.attempts > 0 ? ` after ${event.attempts} attempt${plural}` : '';
      const uncertain = event.uncertain ? ' (uncertain)' : '';
      return [
        {
          at,
          label: 'result',
          step: event.step,
          detail: `${paint(event.outcome)}${attempts} in ${formatClockDuration(event.durationMs)}${uncertain}`,
          note: event.error,
        },
      ];
    }
    case 'wait.start':
      return [
        {
          at,
          label: 'wait',
          step: event.step,
          detail: `until ${formatOffset(event.until - t0)} (${formatClockDuration(event.durationMs)})`,
        },
      ];
    case 'wait.end':
      return [{ at, label: 'wake', step: event.step }];
    case 'decision':
      return [{ at, label: 'decision', step: event.step, note: event.message }];
    case 'log': {
      const fields = event.fields ? summarizeInputs(event.fields) : '';
      const note = fields ? `${event.message}  ${fields}` : event.message;
      const labelTone = event.level === 'error' ? 'bad' : event.level === 'warn' ? 'warn' : undefined;
      return [{ at, label: event.level, step: event.step, note, labelTone }];
    }
    case 'approval.request':
      return [
        {
          at,
          label: 'ask',
          step: event.step,
          detail: `until ${formatOffset(event.expiresAt - t0)}`,
          note: event.message,
        },
      ];
    case 'approval.decision': {
      const who = event.by !== undefined ? ` by ${event.by}${event.via ? ` (${event.via})` : ''}` : '';
      const why = event.reason !== undefined ? `: ${JSON.stringify(event.reason)}` : '';
      return [{ at, label: 'decided', step: event.step, note: `${event.decision}${who}${why}` }];
    }
    case 'run.suspend':
      return [
        {
          at,
          label: 'suspend',
          detail:
            event.reason === 'approval'
              ? `waiting for approval until ${formatOffset((event.wakeAt ?? t0) - t0)}; decideApproval() goes on from here`
              : event.wakeAt !== undefined
                ? `stored until ${formatOffset(event.wakeAt - t0)}; resumeDue() goes on from here`
                : 'stored where it is; resumeDue() goes on from here',
        },
      ];
    case 'run.end':
      return [
        {
          at,
          label: 'end',
          detail: `${paint(event.outcome)} in ${formatClockDuration(event.durationMs)}`,
        },
      ];
    default: {
      // A trace written by a newer engine may hold event types this renderer does not know yet.
      const unknown = event as { type?: unknown };
      return [{ at, label: String(unknown.type), note: JSON.stringify(event) }];
    }
  }
}

function summarizeInputs(inputs: Record<string, unknown>): string {
  const text = Object.entries(inputs)
    .map(([key, value]) => `${key}=${truncate(inputText(value), MAX_INPUT_CHARS)}`)
    .join(' ');
  return truncate(text, MAX_INPUTS_CHARS);
}

function inputText(value: unknown): string {
  if (typeof value === 'string' && /^[^\s"=]+$/.test(value)) return value;
  return JSON.stringify(value) ?? String(value);
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const ANSI: Record<Tone, string> = { good: '\x1b[32m', bad: '\x1b[31m', dim: '\x1b[2m', warn: '\x1b[33m' };
const RESET = '\x1b[0m';
/** The tone of each outcome word: the terminal's colours, and the HTML report's classes. */
export const TONES: Record<string, Tone> = {
  pass: 'good',
  healthy: 'good',
  recovered: 'good',
  fail: 'bad',
  error: 'bad',
  timeout: 'bad',
  timed_out: 'bad',
  failed: 'bad',
  unrecovered: 'bad',
  // Nothing was known, nothing was changed: a person looks, but nothing broke.
  inconclusive: 'warn',
  skipped: 'dim',
  cancelled: 'warn',
};

function paintOutcome(outcome: string): string {
  const tone = TONES[outcome];
  return tone ? `${ANSI[tone]}${outcome}${RESET}` : outcome;
}

/** Text on one line: line breaks and the spaces around them become one space. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}
