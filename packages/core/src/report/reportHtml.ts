import { TONES } from '../runtime/renderTrace.js';
import { escape as esc } from '../runtime/traceReports.js';
import type { ReportStep, ReportValue } from './reportSteps.js';
import type { ReportTime, RunReport } from './runReport.js';

// The HTML report: one self-contained page (no scripts, no external files) with the same sections and
// facts as the Markdown one. Long values fold into <details>; wall-clock times sit in their own column
// and in each offset's tooltip. Every value is escaped: step ids, errors and outputs come from outside.

/** The outcome words {@link toneWords} colours in a timeline row's detail: the terminal's (`running` is not one). */
const TONE_WORDS = new RegExp(`\\b(${Object.keys(TONES).join('|')})\\b`);

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#222;max-width:70em}
table{border-collapse:collapse}td,th{padding:2px 10px;text-align:left;vertical-align:top;border-bottom:1px solid #eee}
code,pre,time{font-family:ui-monospace,monospace}pre{background:#f6f6f6;padding:.5em;overflow:auto;margin:.2em 0}
dt{font-weight:600;margin-top:.4em}dd{margin-left:1.5em}section.step{border-left:3px solid #ddd;padding-left:1em;margin:1em 0}
.good{color:#17702b}.bad{color:#b3261e}.warn{color:#8a5a00}.dim{color:#777}`;

/** A run's report as one self-contained HTML page: the same sections and facts as {@link reportMarkdown}. */
export function reportHtml(report: RunReport): string {
  const title = `Run ${report.runId} — ${report.outcome}`;
  const facts = [
    report.playbook !== undefined && `Playbook: ${esc(report.playbook)} (${esc(report.mode ?? '')})`,
    `Started: <time>${esc(report.started.wall)}</time>`,
    `Duration${report.outcome === 'running' ? ' so far' : ''}: ${esc(report.duration)}`,
    report.deadline !== undefined && `Deadline: ${esc(report.deadline)}`,
    report.resumed && 'Resumed from its record; every time below is on the run’s one clock',
  ].filter((fact): fact is string => typeof fact === 'string');
  const parts = [
    `<h1>Run ${esc(report.runId)} — ${tone(report.outcome)}</h1>`,
    `<ul>${facts.map((f) => `<li>${f}</li>`).join('')}</ul>`,
  ];
  if (report.inputs.length > 0)
    parts.push(
      '<h2>Inputs</h2>',
      `<dl>${report.inputs.map((i) => `<dt>${esc(i.name)}</dt><dd>${value(i.value)}</dd>`).join('')}</dl>`,
    );
  if (report.trigger !== undefined)
    parts.push('<h2>Trigger</h2>', value({ text: report.trigger, long: true }));
  parts.push(
    '<h2>What changed</h2>',
    report.changes.length === 0
      ? '<p>Nothing.</p>'
      : `<ul>${report.changes.map((c) => `<li>${at(c.at)} <b>${esc(c.step)}</b>: ${esc(c.summary)}</li>`).join('')}</ul>`,
  );
  if (report.decisions.length > 0)
    parts.push(
      '<h2>Decisions</h2>',
      `<ul>${report.decisions
        .map(
          (d) =>
            `<li>${at(d.at)} ${d.step !== undefined ? `<b>${esc(d.step)}</b>: ` : ''}${esc(d.message)}</li>`,
        )
        .join('')}</ul>`,
    );
  if (report.steps.length > 0)
    parts.push('<h2>Steps</h2>', ...report.steps.map((step) => stepHtml(step, report.mode)));
  parts.push(
    '<h2>Timeline</h2>',
    '<table><thead><tr><th>time</th><th>wall clock</th><th>step</th><th>event</th><th>detail</th></tr></thead><tbody>',
    ...report.timeline.map(
      (row) =>
        `<tr><td>${at(row.at)}</td><td><time>${esc(row.at.wall)}</time></td><td>${esc(row.step)}</td><td>${esc(row.event)}</td><td>${toneWords(row.detail)}</td></tr>`,
    ),
    '</tbody></table>',
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head>
<body>
${parts.join('\n')}
</body></html>
`;
}

function stepHtml(step: ReportStep, mode: string | undefined): string {
  const visit = step.visit > 1 ? ` (visit ${step.visit})` : '';
  const attempts = step.attempts > 1 ? `, ${step.attempts} attempts` : '';
  const took = step.duration !== undefined ? ` in ${esc(step.duration)}` : '';
  const rows = [
    `<dt>At</dt><dd>${at(step.at)}${step.action !== undefined ? `, action <code>${esc(step.action)}</code>` : ''}</dd>`,
    step.input && `<dt>Input</dt><dd>${value(step.input)}</dd>`,
    step.output &&
      `<dt>Output${step.synthesized ? ` <small>(${esc(step.synthesized)})</small>` : ''}</dt><dd>${value(step.output)}</dd>`,
    step.plan !== undefined && `<dt>Would</dt><dd>${esc(step.plan)}</dd>`,
    step.approval && `<dt>Asked</dt><dd>${esc(step.approval.asked)}</dd>`,
    step.approval?.decided !== undefined && `<dt>Decided</dt><dd>${esc(step.approval.decided)}</dd>`,
    step.error !== undefined && `<dt>Why</dt><dd>${esc(step.error)}</dd>`,
    step.then !== undefined && `<dt>Then</dt><dd>${esc(step.then)}</dd>`,
  ].filter((row): row is string => typeof row === 'string');
  const changed = step.changed
    ? ` — <b>${mode === 'shadow' ? 'would change something' : 'changed something'}</b>`
    : '';
  return `<section class="step"><h3>${esc(step.id)}${visit} — ${tone(step.outcome)}${took}${attempts}${changed}</h3><dl>${rows.join('')}</dl></section>`;
}

function value(v: ReportValue): string {
  if (!v.long) return `<code>${esc(v.text)}</code>`;
  // The closed fold shows the value's start on one line; opened, the whole of it.
  const flat = v.text.replace(/\s+/g, ' ');
  const preview = flat.length > 80 ? `${flat.slice(0, 79)}…` : flat;
  return `<details><summary><code>${esc(preview)}</code></summary><pre>${esc(v.text)}</pre></details>`;
}

function at(time: ReportTime): string {
  return `<time datetime="${esc(time.wall)}" title="${esc(time.wall)}">${esc(time.offset)}</time>`;
}

function tone(word: string): string {
  // The terminal's tones, and a run still going is one to watch.
  const cls = word === 'running' ? 'warn' : Object.hasOwn(TONES, word) ? TONES[word] : undefined;
  return cls ? `<span class="${cls}">${esc(word)}</span>` : esc(word);
}

/** The detail with its first outcome word coloured. */
function toneWords(detail: string): string {
  const match = TONE_WORDS.exec(detail);
  if (!match) return esc(detail);
  return `${esc(detail.slice(0, match.index))}${tone(match[1]!)}${esc(detail.slice(match.index + match[0].length))}`;
}
