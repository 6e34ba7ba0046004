import { oneLine } from '../runtime/renderTrace.js';
import { cell } from '../runtime/traceReports.js';
import type { ReportStep, ReportValue } from './reportSteps.js';
import type { ReportTime, RunReport } from './runReport.js';

// The Markdown report: for tickets and post-incident notes. Long values are kept whole, in fenced
// blocks inside <details> (GitHub and GitLab fold them; plain viewers show them).

/** A run's report as Markdown: the same sections and facts as {@link reportHtml}. */
export function reportMarkdown(report: RunReport): string {
  const out: string[] = [`## Run ${inline(report.runId)} — ${inline(report.outcome)}`, ''];
  out.push(
    ...[
      report.playbook !== undefined && `- Playbook: ${inline(report.playbook)} (${report.mode ?? ''})`,
      `- Started: ${report.started.wall}`,
      `- Duration${report.outcome === 'running' ? ' so far' : ''}: ${report.duration}`,
      report.deadline !== undefined && `- Deadline: ${report.deadline}`,
      report.resumed && '- Resumed from its record; every time below is on the run’s one clock',
    ].filter((line): line is string => typeof line === 'string'),
    '',
  );
  if (report.inputs.length > 0) {
    out.push('### Inputs', '');
    for (const input of report.inputs) out.push(...field(input.name, input.value));
    out.push('');
  }
  if (report.trigger !== undefined) out.push('### Trigger', '', fence(report.trigger, 'json'), '');
  out.push('### What changed', '');
  out.push(
    ...(report.changes.length === 0
      ? ['Nothing.']
      : report.changes.map((c) => `- ${at(c.at)} ${inline(c.step)}: ${inline(c.summary)}`)),
    '',
  );
  if (report.decisions.length > 0) {
    out.push('### Decisions', '');
    for (const d of report.decisions)
      out.push(`- ${at(d.at)} ${d.step !== undefined ? `${inline(d.step)}: ` : ''}${inline(d.message)}`);
    out.push('');
  }
  if (report.steps.length > 0) {
    out.push('### Steps', '');
    for (const step of report.steps) out.push(...stepLines(step, report.mode), '');
  }
  out.push(
    '### Timeline',
    '',
    '| time | wall clock | step | event | detail |',
    '| --- | --- | --- | --- | --- |',
  );
  for (const row of report.timeline)
    out.push(
      `| ${row.at.offset} | ${row.at.wall} | ${cell(row.step)} | ${row.event} | ${cell(row.detail)} |`,
    );
  return `${out.join('\n')}\n`;
}

function stepLines(step: ReportStep, mode: string | undefined): string[] {
  const visit = step.visit > 1 ? ` (visit ${step.visit})` : '';
  const attempts = step.attempts > 1 ? `, ${step.attempts} attempts` : '';
  const took = step.duration !== undefined ? ` in ${step.duration}` : '';
  const lines = [
    `#### ${inline(step.id)}${visit} — ${step.outcome}${took}${attempts}${step.changed ? ` — ${changedWords(mode)}` : ''}`,
    '',
    `- At ${at(step.at)}${step.action !== undefined ? `, action \`${step.action}\`` : ''}`,
  ];
  if (step.input) lines.push(...field('Input', step.input));
  if (step.output)
    lines.push(...field(step.synthesized ? `Output (${step.synthesized})` : 'Output', step.output));
  if (step.plan !== undefined) lines.push(`- Would: ${inline(step.plan)}`);
  if (step.approval) lines.push(`- Asked: ${inline(step.approval.asked)}`);
  if (step.approval?.decided !== undefined) lines.push(`- Decided: ${inline(step.approval.decided)}`);
  if (step.error !== undefined) lines.push(`- Why: ${inline(step.error)}`);
  if (step.then !== undefined) lines.push(`- Then: ${inline(step.then)}`);
  return lines;
}

function field(name: string, value: ReportValue): string[] {
  if (!value.long) return [`- ${inline(name)}: ${code(value.text)}`];
  return [
    `- ${inline(name)}:`,
    '',
    '  <details><summary>show</summary>',
    '',
    indent(fence(value.text)),
    '',
    '  </details>',
    '',
  ];
}

function changedWords(mode: string | undefined): string {
  return mode === 'shadow' ? 'would change something' : 'changed something';
}

function at(time: ReportTime): string {
  return `\`${time.offset}\``;
}

/** A fenced block long enough that no run of backticks inside it can close it. */
function fence(text: string, lang = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${lang}\n${text}\n${ticks}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/** Text on one line with Markdown's specials that matter in running text neutralised. */
function inline(text: string): string {
  return oneLine(text).replace(/<(?=[A-Za-z/!?])/g, '&lt;');
}
