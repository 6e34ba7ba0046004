import { renderTrace } from '@firstline/core';
import type { RunResult } from '@firstline/core';
import { runFacts } from '../shared/runFacts.js';
import type { ActionKinds } from '../shared/runFacts.js';
import { truncate } from '../shared/text.js';

/** GitHub's limit on an issue or comment body, in characters. */
export const GITHUB_BODY_LIMIT = 65_536;

/** Options of {@link runMarkdown}. */
export interface RunMarkdownOptions {
  /** The event that started the run (an alarm, a webhook), shown as JSON; keep secrets out of it. */
  trigger?: unknown;
  /** The actions the run used: remediations among them are listed under "What changed". */
  actions?: ActionKinds;
  /** The longest body to return; defaults to {@link GITHUB_BODY_LIMIT}. */
  maxLength?: number;
}

const MAX_TRIGGER_CHARS = 4_000;
const MAX_DECISIONS = 50;
const MAX_LINE_CHARS = 1_000;

/**
 * A run as Markdown for an issue body or comment (and the CLI's `report`): core's Markdown report
 * (outcome, summary, timeline table) with the trigger, the decisions and what changed above the
 * timeline. Fits `maxLength` by leaving out the middle of the timeline, saying how much was left out.
 *
 * @example
 * await octokit.rest.issues.create({ owner, repo, title, body: runMarkdown(result, { trigger: event }) });
 */
export function runMarkdown(result: RunResult, options: RunMarkdownOptions = {}): string {
  const maxLength = options.maxLength ?? GITHUB_BODY_LIMIT;
  const report = renderTrace(result.trace, { format: 'markdown' });
  const lines = report.trimEnd().split('\n');
  const tableAt = lines.findIndex((line) => line.startsWith('| time |'));
  const head = (tableAt >= 0 ? lines.slice(0, tableAt) : lines).join('\n').trimEnd();
  const table = tableAt >= 0 ? lines.slice(tableAt).map((line) => capLine(line)) : [];
  const facts = runFacts(result, options.actions);

  const sections: string[] = [head];
  if (options.trigger !== undefined)
    sections.push(`### Trigger\n\n${codeBlock(triggerJson(options.trigger))}`);
  if (facts.decisions.length > 0) {
    const shown = facts.decisions.slice(0, MAX_DECISIONS).map((d) => {
      const where = d.step ? `\`${d.step}\`: ` : '';
      return capLine(`- ${where}${d.message.replace(/\s+/g, ' ')}`);
    });
    const more = facts.decisions.length - shown.length;
    if (more > 0) shown.push(`- … and ${more} more (see the timeline)`);
    sections.push(`### Decisions\n\n${shown.join('\n')}`);
  }
  const changedTitle = facts.mode === 'shadow' ? 'What would have changed (shadow run)' : 'What changed';
  const changed =
    facts.changed.length > 0 ? facts.changed.map((c) => capLine(`- ${c}`)).join('\n') : '- nothing';
  if (facts.mode === 'shadow' || options.actions !== undefined)
    sections.push(`### ${changedTitle}\n\n${changed}`);
  const before = `${sections.join('\n\n')}\n\n### Timeline\n\n`;
  return fit(before, table, maxLength);
}

/** Keeps the table's header and as many rows from both ends as fit, with a row saying how many were left out. */
function fit(before: string, table: string[], maxLength: number): string {
  const whole = `${before}${table.join('\n')}\n`;
  if (whole.length <= maxLength) return whole;
  const header = table.slice(0, 2);
  const rows = table.slice(2);
  const marker = (n: number) =>
    `| … | | | ${n} of ${rows.length} timeline rows left out to fit ${maxLength} characters |`;
  let budget = maxLength - before.length - header.join('\n').length - marker(rows.length).length - 3;
  const first: string[] = [];
  const last: string[] = [];
  let i = 0;
  let j = rows.length - 1;
  // Alternate ends: the start says what was tried, the end how it finished.
  while (i <= j) {
    const fromStart = first.length <= last.length;
    const row = fromStart ? rows[i]! : rows[j]!;
    if (row.length + 1 > budget) break;
    budget -= row.length + 1;
    if (fromStart) first.push(rows[i++]!);
    else last.unshift(rows[j--]!);
  }
  const left = rows.length - first.length - last.length;
  const text = `${before}${[...header, ...first, marker(left), ...last].join('\n')}\n`;
  // Only a head too large for the limit on its own gets here: cut it, never exceed the limit.
  return text.length <= maxLength ? text : `${truncate(text, maxLength - 1)}\n`;
}

function capLine(line: string): string {
  if (line.length <= MAX_LINE_CHARS) return line;
  return line.startsWith('|') ? `${line.slice(0, MAX_LINE_CHARS - 4)}… |` : truncate(line, MAX_LINE_CHARS);
}

function triggerJson(trigger: unknown): string {
  let json: string;
  try {
    json = JSON.stringify(trigger, null, 2) ?? String(trigger);
  } catch {
    json = String(trigger);
  }
  return truncate(json, MAX_TRIGGER_CHARS);
}

function codeBlock(text: string): string {
  // A fence longer than any backtick run inside, so the trigger cannot close it early.
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}json\n${text}\n${fence}`;
}
