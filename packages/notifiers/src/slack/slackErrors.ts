import { ActionError } from '@firstline/core';
import type { WebAPICallResult } from '@slack/web-api';
import { networkCode, statusAdvice } from '../shared/http.js';
import { scrub } from '../shared/text.js';

/** @slack/web-api's error codes (its `ErrorCode` enum), written out so reading its errors does not import it. */
export const SLACK_ERROR = {
  PlatformError: 'slack_webapi_platform_error',
  RateLimitedError: 'slack_webapi_rate_limited_error',
  HTTPError: 'slack_webapi_http_error',
  RequestError: 'slack_webapi_request_error',
} as const;

// What the usual Slack error codes mean for whoever reads the failed step at 3 a.m.
const HINTS: Record<string, string> = {
  channel_not_found: 'the channel does not exist or the bot cannot see it; use its id, or invite the bot',
  not_in_channel: 'the bot is not a member of the channel; /invite it',
  is_archived: 'the channel is archived',
  invalid_auth: 'the token is not valid',
  not_authed: 'no token was sent',
  token_revoked: 'the token was revoked',
  token_expired: 'the token expired',
  account_inactive: 'the token belongs to a deactivated user or workspace',
  missing_scope: 'the token lacks a scope',
  msg_too_long: 'the text is too long',
  no_text: 'the message has no text',
  invalid_blocks: 'the blocks are not valid Block Kit',
  message_not_found: 'no message with that ts in the channel',
  cant_update_message: 'the message was not posted by this bot',
  edit_window_closed: 'the message is too old to edit',
  thread_not_found: 'no thread with that ts in the channel',
};

// Slack answers these with HTTP 200 and ok:false, but they are transient on Slack's side.
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/**
 * Turns a @slack/web-api failure into an ActionError naming Slack's own error code (`channel_not_found`),
 * retryable only when a retry can help; `credentials` are scrubbed from the message.
 */
export function slackError(
  actionId: string,
  method: string,
  error: unknown,
  credentials: ReadonlyArray<string | undefined>,
): ActionError {
  const fail = (text: string, advice: ConstructorParameters<typeof ActionError>[2]) =>
    new ActionError(actionId, scrub(`Slack ${method} failed: ${text}`, credentials), advice);
  const code = (error as { code?: unknown } | undefined)?.code;
  switch (code) {
    case SLACK_ERROR.PlatformError: {
      const data = (error as { data: WebAPICallResult & { error: string; needed?: string } }).data;
      const slackCode = String(data.error);
      const needed = slackCode === 'missing_scope' && data.needed ? `: ${data.needed}` : '';
      const hint = HINTS[slackCode] ? ` (${HINTS[slackCode]}${needed})` : '';
      const details = (data.response_metadata?.messages ?? []).slice(0, 3).join('; ');
      const text = `${slackCode}${hint}${details ? `: ${details}` : ''}`;
      if (slackCode === 'ratelimited') return fail(text, { retryable: true, kind: 'throttled' });
      if (TRANSIENT.has(slackCode)) return fail(text, { retryable: true, kind: '5xx' });
      return fail(text, { retryable: false, kind: 'error' });
    }
    case SLACK_ERROR.RateLimitedError: {
      const seconds = (error as { retryAfter: number }).retryAfter;
      return fail(`ratelimited (HTTP 429, Retry-After ${seconds}s)`, {
        retryable: true,
        kind: 'throttled',
        afterMs: seconds * 1000,
      });
    }
    case SLACK_ERROR.HTTPError: {
      const status = (error as { statusCode: number }).statusCode;
      return fail(`HTTP ${status}`, statusAdvice(status, undefined));
    }
    case SLACK_ERROR.RequestError:
      return fail(`unreachable: ${networkCode((error as { original: unknown }).original)}`, {
        retryable: true,
        kind: 'network',
      });
    default:
      return fail(error instanceof Error ? error.message : String(error), { retryable: false });
  }
}

/** The reply of an incoming webhook that refused a message, as an ActionError naming its error text. */
export function webhookError(
  actionId: string,
  status: number,
  body: string,
  retryAfterMs: number | undefined,
  credentials: ReadonlyArray<string | undefined>,
): ActionError {
  // The webhook answers a short error word (invalid_payload, no_service, channel_is_archived…).
  const word = body.trim().split(/\s+/)[0]?.slice(0, 80) ?? '';
  const hint =
    word === 'no_service' || status === 404
      ? ' (the webhook was removed or disabled)'
      : word === 'invalid_payload'
        ? ' (the message is not valid Block Kit or JSON)'
        : '';
  const text = `Slack incoming webhook refused the message: HTTP ${status}${word ? ` ${word}` : ''}${hint}`;
  return new ActionError(actionId, scrub(text, credentials), statusAdvice(status, retryAfterMs));
}
