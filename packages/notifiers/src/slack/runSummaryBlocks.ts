import { formatClockDuration } from '@firstline/core';
import type { RunResult } from '@firstline/core';
import { runFacts } from '../shared/runFacts.js';
import type { ActionKinds, StepFact } from '../shared/runFacts.js';
import { truncate } from '../shared/text.js';

/** Options of {@link runSummaryBlocks} and {@link runSummaryMessage}. */
export interface RunSummaryOptions {
  /** The actions the run used: remediations among them are listed under "What changed". */
  actions?: ActionKinds;
  /** A link to the full report (an issue, a run viewer), shown under the summary. */
  reportUrl?: string;
}

/** A Slack message: plain text (notifications, fallback) and Block Kit blocks. */
export interface SlackRunMessage {
  text: string;
  blocks: Array<Record<string, unknown>>;
}

const MAX_SECTION = 3_000;
const MAX_HEADER = 150;
const EMOJI: Record<string, string> = {
  pass: ':white_check_mark:',
  healthy: ':large_green_circle:',
  recovered: ':white_check_mark:',
  fail: ':x:',
  error: ':x:',
  timeout: ':hourglass:',
  unrecovered: ':rotating_light:',
  // A check could not run: nobody knows whether the target is healthy, and nothing was changed.
  inconclusive: ':grey_question:',
  failed: ':x:',
  timed_out: ':hourglass:',
  skipped: ':fast_forward:',
  cancelled: ':no_entry_sign:',
};

/**
 * A run as Block Kit: header with the outcome, a context line (run id, mode, duration), the steps
 * with their outcomes and durations, what changed, and the errors. Every text is escaped and cut to
 * Slack's limits (150 characters a header, 3,000 a section).
 *
 * @example
 * await client.postMessage({ channel: '#ops', ...runSummaryMessage(result, { actions }) });
 */
export function runSummaryBlocks(
  result: RunResult,
  options: RunSummaryOptions = {},
): SlackRunMessage['blocks'] {
  const facts = runFacts(result, options.actions);
  const emoji = EMOJI[facts.outcome] ?? ':information_source:';
  const blocks: SlackRunMessage['blocks'] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: truncate(`${emoji} ${facts.playbook}: ${facts.outcome}`, MAX_HEADER),
        emoji: true,
      },
    },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: escape(`run ${facts.runId} · ${facts.mode} · ${facts.duration} · started ${facts.started}`),
        },
      ],
    },
  ];
  if (facts.steps.length > 0) blocks.push(section('Steps', facts.steps.map(stepLine)));
  if (facts.changed.length > 0 || facts.mode === 'shadow' || options.actions !== undefined) {
    const title = facts.mode === 'shadow' ? 'Would have changed (shadow run)' : 'What changed';
    const lines = facts.changed.length > 0 ? facts.changed.map((c) => `• ${escape(c)}`) : ['• nothing'];
    blocks.push(section(title, lines));
  }
  const errors = facts.steps.filter((step) => step.error);
  if (errors.length > 0)
    blocks.push(
      section(
        'Errors',
        errors.map((step) => `• \`${escape(step.id)}\`: ${escape(truncate(step.error!, 300))}`),
      ),
    );
  if (options.reportUrl)
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `<${options.reportUrl}|Full report>` }],
    });
  return blocks;
}

/** The plain-text side of a run summary: one line for notifications and clients that show no blocks. */
export function runSummaryText(result: RunResult, options: RunSummaryOptions = {}): string {
  const facts = runFacts(result, options.actions);
  const steps = facts.steps.map((step) => `${step.id} ${step.outcome}`).join(', ');
  const changed = facts.changed.length > 0 ? ` Changed: ${facts.changed.join('; ')}.` : '';
  const text = `${facts.playbook}: ${facts.outcome} in ${facts.duration} (run ${facts.runId}, ${facts.mode}).${steps ? ` Steps: ${steps}.` : ''}${changed}`;
  return truncate(text, 3_000);
}

/** {@link runSummaryText} and {@link runSummaryBlocks} together, ready for `slack.post` or `postMessage`. */
export function runSummaryMessage(result: RunResult, options: RunSummaryOptions = {}): SlackRunMessage {
  return { text: runSummaryText(result, options), blocks: runSummaryBlocks(result, options) };
}

function stepLine(step: StepFact): string {
  const emoji = EMOJI[step.outcome] ?? ':white_circle:';
  const attempts = step.attempts > 1 ? ` · ${step.attempts} attempts` : '';
  const visits = step.visits > 1 ? ` · ${step.visits} visits` : '';
  const action = step.action ? ` (${escape(step.action)})` : '';
  return `${emoji} \`${escape(step.id)}\`${action} — ${step.outcome} · ${formatClockDuration(step.durationMs)}${attempts}${visits}`;
}

/** A mrkdwn section with a bold title; lines that do not fit are counted, not cut mid-way. */
function section(title: string, lines: string[]): Record<string, unknown> {
  let text = `*${title}*`;
  let shown = 0;
  for (const line of lines) {
    const rest = lines.length - shown - 1;
    const reserve = rest > 0 ? 20 : 0;
    if (text.length + 1 + line.length + reserve > MAX_SECTION) break;
    text += `\n${line}`;
    shown++;
  }
  if (shown < lines.length) text += `\n…and ${lines.length - shown} more`;
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

/** Slack's mrkdwn escaping: &, < and > only (so step ids cannot turn into links or mentions). */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
