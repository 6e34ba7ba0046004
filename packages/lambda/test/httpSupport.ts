// Requests as a Lambda function URL delivers them (payload format 2.0), and Slack's signed button
// presses, for the HTTP route tests.
import { createHmac } from 'node:crypto';
import type { HttpApiEvent } from '../src/index.js';

/** The Slack signing secret the tests configure. Obviously fake. */
export const SIGNING_SECRET = 'fake-slack-signing-secret-0001';
/** The Alertmanager bearer token the tests configure. Obviously fake. */
export const ALERTMANAGER_TOKEN = 'fake-alertmanager-token-0002';

/** A function URL request event (payload 2.0), body as sent. */
export function urlEvent(
  method: string,
  path: string,
  body = '',
  headers: Record<string, string> = {},
): HttpApiEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'abc123.lambda-url.us-east-1.on.aws', ...lower(headers) },
    requestContext: {
      accountId: 'anonymous',
      domainName: 'abc123.lambda-url.us-east-1.on.aws',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
      requestId: 'req-1',
      time: '06/Dec/2026:22:00:00 +0000',
      timeEpoch: 0,
    },
    body,
    isBase64Encoded: false,
  } as HttpApiEvent;
}

/** The form body Slack posts when `user` presses `action` (firstline.approve / deny / open) on `approvalId`. */
export function slackPress(approvalId: string, action: string, user = 'U0APPROVER'): string {
  const payload = {
    type: 'block_actions',
    user: { id: user, username: 'ana', team_id: 'T0FAKE' },
    api_app_id: 'A0FAKE',
    container: { type: 'message', message_ts: '1712000000.000100', channel_id: 'C0OPS0001' },
    trigger_id: '123.456.abc',
    team: { id: 'T0FAKE', domain: 'example' },
    channel: { id: 'C0OPS0001', name: 'ops' },
    response_url: 'https://hooks.slack.com/actions/T0FAKE/1/fake',
    actions: [
      {
        action_id: action,
        block_id: 'firstline.approval',
        text: { type: 'plain_text', text: 'Approve' },
        value: approvalId,
        type: 'button',
        action_ts: '1712000001.000200',
      },
    ],
  };
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Slack's signature headers for `body` at `nowMs`, under `secret`. */
export function slackHeaders(body: string, nowMs: number, secret = SIGNING_SECRET): Record<string, string> {
  const ts = String(Math.floor(nowMs / 1000));
  const signature = createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex');
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': ts,
    'x-slack-signature': `v0=${signature}`,
  };
}

/** A signed Slack button press, as a function URL event. */
export function slackEvent(body: string, nowMs: number, secret = SIGNING_SECRET): HttpApiEvent {
  return urlEvent('POST', '/slack/interactions', body, slackHeaders(body, nowMs, secret));
}

/** An Alertmanager webhook (payload 4) with these alerts. */
export function alertmanagerBody(
  alerts: Array<{ labels: Record<string, string>; status?: string; fingerprint?: string; startsAt?: string }>,
): string {
  return JSON.stringify({
    version: '4',
    receiver: 'firstline',
    status: 'firing',
    groupKey: '{}:{alertname="HostDown"}',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example.test:9093',
    alerts: alerts.map((a, i) => ({
      status: a.status ?? 'firing',
      labels: a.labels,
      annotations: {},
      startsAt: a.startsAt ?? '2026-12-06T22:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      fingerprint: a.fingerprint ?? `f${i}0f0f0f0f0f0f0f`,
    })),
  });
}

function lower(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
