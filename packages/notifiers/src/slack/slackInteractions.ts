import { createHmac, timingSafeEqual } from 'node:crypto';
import { FirstlineError } from '@firstline/core';

/** The `action_id` of the Approve button an approval message carries. */
export const APPROVE_ACTION_ID = 'firstline.approve';
/** The `action_id` of the Deny button an approval message carries. */
export const DENY_ACTION_ID = 'firstline.deny';
/** The `action_id` of the "Open in console" link button: Slack reports its press too, with nothing to decide. */
export const OPEN_ACTION_ID = 'firstline.open';

/** What {@link verifySlackRequest} checks: Slack's v0 request signature over the raw body. */
export interface SlackRequestToVerify {
  /** The Slack app's signing secret (Basic Information → App Credentials). */
  signingSecret: string;
  /** The request's headers; names in any case. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The body exactly as received: the signature covers its bytes, not a re-encoding. */
  rawBody: string;
  /** Now (ms since the epoch); from the host's clock so tests need no real time. */
  now: number;
  /** How far the request's timestamp may be from now, either way (default 300 s, Slack's advice). */
  toleranceSec?: number;
}

/** A Slack approval button press, as {@link parseSlackInteraction} reads it. */
export interface SlackInteraction {
  /** The approval id the button's `value` carries (`<runId>/<step>/<visit>`). */
  approvalId: string;
  decision: 'approved' | 'denied';
  /** Who pressed it: a Slack user id (`U…`), and their user name when Slack gives it. */
  user: { id: string; name?: string };
  /** Where to post a reply to the message (valid 30 minutes, 5 uses). */
  responseUrl?: string;
}

/**
 * Checks that a request came from Slack: `X-Slack-Signature` must be `v0=` + the hex HMAC-SHA256 of
 * `v0:{X-Slack-Request-Timestamp}:{rawBody}` under the signing secret (compared in constant time), and
 * the timestamp within `toleranceSec` of `now` so a captured request cannot be replayed later. Throws
 * E_SLACK_HEADERS (a header missing or malformed), E_SLACK_TIMESTAMP (too old or in the future) or
 * E_SLACK_SIGNATURE (no match); the messages never hold the secret or the expected signature.
 *
 * @example
 * verifySlackRequest({ signingSecret, headers: event.headers, rawBody, now: Date.now() });
 */
export function verifySlackRequest(request: SlackRequestToVerify): void {
  const { signingSecret, rawBody, now, toleranceSec = 300 } = request;
  const timestamp = header(request.headers, 'x-slack-request-timestamp');
  const signature = header(request.headers, 'x-slack-signature');
  if (timestamp === undefined || signature === undefined)
    throw new FirstlineError(
      'E_SLACK_HEADERS',
      `the request has no ${timestamp === undefined ? 'X-Slack-Request-Timestamp' : 'X-Slack-Signature'} header: it did not come from Slack`,
    );
  if (!/^[0-9]{1,12}$/.test(timestamp))
    throw new FirstlineError('E_SLACK_HEADERS', 'X-Slack-Request-Timestamp is not a number of seconds');
  if (!/^v0=[0-9a-f]{64}$/.test(signature))
    throw new FirstlineError('E_SLACK_HEADERS', 'X-Slack-Signature is not of the form v0=<64 hex digits>');
  const skewSec = Math.floor(now / 1000) - Number(timestamp);
  if (Math.abs(skewSec) > toleranceSec)
    throw new FirstlineError(
      'E_SLACK_TIMESTAMP',
      skewSec > 0
        ? `the request was signed ${skewSec} s ago, more than ${toleranceSec} s: refused as a possible replay`
        : `the request's timestamp is ${-skewSec} s in the future, more than ${toleranceSec} s: refused`,
    );
  const expected = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest();
  const given = Buffer.from(signature.slice(3), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new FirstlineError(
      'E_SLACK_SIGNATURE',
      "X-Slack-Signature does not match the body under the app's signing secret",
    );
}

/**
 * Reads an approval button press from a Slack interaction request body (`application/x-www-form-urlencoded`
 * with a `payload` field holding the JSON of a `block_actions` interaction): the approval id from the
 * button's value, the decision from its `action_id` (`firstline.approve` / `firstline.deny`), the user.
 * A press of the "Open in console" link button gives undefined: Slack reports it, but there is nothing
 * to decide. Anything else (another interaction type, another button, a missing user) throws
 * E_SLACK_PAYLOAD. Verify the request first ({@link verifySlackRequest}): this trusts what it reads.
 *
 * @example
 * const press = parseSlackInteraction(rawBody);
 * if (press) console.log(press.approvalId, press.decision, press.user.id);
 */
export function parseSlackInteraction(rawBody: string): SlackInteraction | undefined {
  const text = new URLSearchParams(rawBody).get('payload');
  if (text === null) bad('the body has no payload= field (is this a Slack interaction request?)');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    bad('payload is not JSON');
  }
  const payload = object(data, 'payload');
  if (payload.type !== 'block_actions')
    bad(`payload.type is ${JSON.stringify(payload.type)}; only block_actions (a button press) is handled`);
  const user = object(payload.user, 'payload.user');
  if (typeof user.id !== 'string' || user.id === '') bad('payload.user.id must be a non-empty string');
  const actions = (Array.isArray(payload.actions) ? payload.actions : []).map((a: unknown) =>
    typeof a === 'object' && a !== null ? (a as Record<string, unknown>) : {},
  );
  const action = actions.find((a) => a.action_id === APPROVE_ACTION_ID || a.action_id === DENY_ACTION_ID);
  if (!action && actions.length > 0 && actions.every((a) => a.action_id === OPEN_ACTION_ID)) return undefined;
  if (!action) bad(`payload.actions has no ${APPROVE_ACTION_ID} or ${DENY_ACTION_ID} button`);
  if (typeof action.value !== 'string' || action.value === '')
    bad(`the ${String(action.action_id)} button carries no approval id in its value`);
  const name = typeof user.username === 'string' ? user.username : user.name;
  const responseUrl = payload.response_url;
  return {
    approvalId: action.value,
    decision: action.action_id === APPROVE_ACTION_ID ? 'approved' : 'denied',
    user: { id: user.id, ...(typeof name === 'string' && name !== '' && { name }) },
    ...(typeof responseUrl === 'string' && responseUrl.startsWith('https://') && { responseUrl }),
  };
}

function header(headers: SlackRequestToVerify['headers'], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers))
    if (key.toLowerCase() === name && typeof value === 'string' && value !== '') return value;
  return undefined;
}

function object(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad(`${path} must be an object`);
  return value as Record<string, unknown>;
}

function bad(message: string): never {
  throw new FirstlineError('E_SLACK_PAYLOAD', message);
}
