import { oneLine, traceTable } from './renderTrace.js';
import type { TraceEvent } from './types.js';

// The two reports of a run: Markdown for tickets and post-incident notes, HTML to open in a browser.

const GOOD = new Set(['pass', 'healthy', 'recovered']);
// `inconclusive` is a person's to look at, like `unrecovered`.
const BAD = new Set(['fail', 'error', 'timeout', 'failed', 'unrecovered', 'inconclusive', 'timed_out']);

/** Text safe in HTML, in an element or an attribute. */
export function escape(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** The row's tone for the stylesheet, from the first outcome word in its detail. */
function toneOf(detail: string): string {
  // The em dash escaped: one non-ASCII character in a bundle chunk makes Node hand V8 the whole chunk
  // as a two-byte string (the CLI's validate chunk holds this module).
  for (const word of detail.split(/[\s\u2014]+/)) {
    if (GOOD.has(word)) return 'good';
    if (BAD.has(word)) return 'bad';
    if (word === 'skipped' || word === 'cancelled') return 'dim';
  }
  return '';
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse}td,th{padding:2px 10px;text-align:left;vertical-align:top;border-bottom:1px solid #eee}
td:first-child{font-family:ui-monospace,monospace;white-space:nowrap}.good{color:#17702b}.bad{color:#b3261e}.dim{color:#777}`;

/**
 * A self-contained HTML page of a run: a heading with its outcome, the summary, and the timeline table.
 * Every value is escaped (step ids, errors and inputs come from playbooks and actions).
 */
export function renderHtml(trace: readonly TraceEvent[]): string {
  const { summary, rows } = traceTable(trace);
  const title = `Run ${summary.runId} — ${summary.outcome}`;
  const facts = [
    summary.playbook !== undefined
      ? `<li>Playbook: ${escape(summary.playbook)} (${escape(summary.mode ?? '')})</li>`
      : '',
    `<li>Started: ${escape(summary.started)}</li>`,
    `<li>Duration: ${escape(summary.duration)}</li>`,
  ].join('');
  const body = rows
    .map((row) => {
      const tone = toneOf(row.detail);
      const cls = tone ? ` class="${tone}"` : '';
      return `<tr${cls}><td>${escape(row.offset)}</td><td>${escape(row.step)}</td><td>${escape(row.label)}</td><td>${escape(row.detail)}</td></tr>`;
    })
    .join('\n');
  const outcomeTone = toneOf(summary.outcome);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title><style>${STYLE}</style></head>
<body><h1>Run ${escape(summary.runId)} — <span class="${outcomeTone}">${escape(summary.outcome)}</span></h1>
<ul>${facts}</ul>
<table><thead><tr><th>time</th><th>step</th><th>event</th><th>detail</th></tr></thead>
<tbody>
${body}
</tbody></table></body></html>
`;
}

/** A Markdown report: heading with the outcome, the summary, and the timeline as a table. */
export function renderMarkdown(trace: readonly TraceEvent[]): string {
  if (trace.length === 0) return '## Run (no events)\n\nThe trace is empty.\n';
  const { summary, rows } = traceTable(trace);
  const lines = [
    summary.playbook !== undefined ? `- Playbook: ${cell(summary.playbook)} (${summary.mode})` : undefined,
    `- Started: ${summary.started}`,
    summary.duration.endsWith('so far')
      ? `- Duration so far: ${summary.duration.replace(/ so far$/, '')}`
      : `- Duration: ${summary.duration}`,
  ].filter((line) => line !== undefined);
  const table = [
    '| time | step | event | detail |',
    '| --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row.offset} | ${cell(row.step)} | ${row.label} | ${cell(row.detail)} |`),
  ];
  const heading = `## Run ${oneLine(summary.runId)} — ${oneLine(summary.outcome)}`;
  return `${heading}\n\n${lines.join('\n')}\n\n${table.join('\n')}\n`;
}

/** Text fit for a Markdown table cell: on one line, with backslashes, `|` and tag-like `<` escaped. */
export function cell(text: string): string {
  return oneLine(text)
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/<(?=[A-Za-z/!?])/g, '&lt;');
}
