import { truncate } from '../shared/text.js';
import { APPROVE_ACTION_ID, DENY_ACTION_ID, OPEN_ACTION_ID } from './slackInteractions.js';

/** What an approval message asks: the approval's id (the buttons' value), and optionally more. */
export interface SlackApproval {
  /** The approval id (`<runId>/<step>/<visit>`) a button press sends back. */
  id: string;
  /** The question; defaults to the message's text. */
  message?: string;
  /** A link to the approval in the console ("Open in console"); empty or absent: no link. */
  url?: string;
  /** When the approval expires (an ISO date, or ms since the epoch), shown in the reader's time zone. */
  expiresAt?: string | number;
}

// Slack's Block Kit limits: a section's text, a button's label, value and URL, an action_id.
const MAX_SECTION = 3_000;
const MAX_VALUE = 2_000;
const MAX_URL = 3_000;

/**
 * The blocks of an approval request: the question, when it expires, and an actions block with
 * Approve (primary) and Deny (danger) buttons carrying the approval id, plus "Open in console" when a
 * URL is given. Given `blocks` come first and the actions block is appended to them instead.
 *
 * @example
 * await client.postMessage({ channel: '#ops', text, blocks: approvalBlocks({ id }, text) });
 */
export function approvalBlocks(
  approval: SlackApproval,
  text: string,
  blocks?: readonly unknown[],
): Array<Record<string, unknown>> {
  if (approval.id.length > MAX_VALUE)
    throw new RangeError(`the approval id is longer than Slack's ${MAX_VALUE}-character button value`);
  const question = approval.message ?? text;
  const head: Array<Record<string, unknown>> = blocks
    ? (blocks as Array<Record<string, unknown>>)
    : [{ type: 'section', text: { type: 'mrkdwn', text: truncate(question, MAX_SECTION) } }];
  const expiresAt =
    typeof approval.expiresAt === 'string' ? Date.parse(approval.expiresAt) : approval.expiresAt;
  const expires =
    expiresAt !== undefined && Number.isFinite(expiresAt)
      ? [
          {
            type: 'context',
            elements: [{ type: 'mrkdwn', text: `Expires ${slackDate(expiresAt)}` }],
          },
        ]
      : [];
  const url = approval.url && approval.url.length <= MAX_URL ? approval.url : undefined;
  return [
    ...head,
    ...expires,
    {
      type: 'actions',
      block_id: 'firstline.approval',
      elements: [
        button('Approve', APPROVE_ACTION_ID, approval.id, 'primary'),
        button('Deny', DENY_ACTION_ID, approval.id, 'danger'),
        ...(url
          ? [
              {
                type: 'button',
                text: { type: 'plain_text', text: 'Open in console' },
                action_id: OPEN_ACTION_ID,
                url,
              },
            ]
          : []),
      ],
    },
  ];
}

function button(label: string, actionId: string, value: string, style: 'primary' | 'danger') {
  return { type: 'button', text: { type: 'plain_text', text: label }, style, action_id: actionId, value };
}

/** Slack's date formatting: each reader sees the time in their own zone; the fallback is UTC. */
function slackDate(ms: number): string {
  const unix = Math.floor(ms / 1000);
  const fallback = new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `<!date^${unix}^{date_short_pretty} at {time}|${fallback}>`;
}
