import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isFirstlineError } from '@firstline/core';
import { parseSlackInteraction, verifySlackRequest } from './slackInteractions.js';

const SECRET = 'fake-signing-secret-0000';
const NOW = Date.UTC(2026, 11, 6, 22, 0, 0);
const TS = String(NOW / 1000);

/** A body Slack would send for a press of `actionId` on an approval message. */
function pressBody(actionId = 'firstline.approve', over: Record<string, unknown> = {}): string {
  const payload = {
    type: 'block_actions',
    user: { id: 'U0FAKE0001', username: 'ana', name: 'ana', team_id: 'T0FAKE' },
    api_app_id: 'A0FAKE',
    container: { type: 'message', message_ts: '1712000000.000100', channel_id: 'C0OPS0001' },
    trigger_id: '123.456.abc',
    team: { id: 'T0FAKE', domain: 'example' },
    channel: { id: 'C0OPS0001', name: 'ops' },
    response_url: 'https://hooks.slack.com/actions/T0FAKE/1/fake',
    actions: [
      {
        action_id: actionId,
        block_id: 'firstline.approval',
        text: { type: 'plain_text', text: 'Approve' },
        value: 'run-1/approve-reboot/1',
        type: 'button',
        action_ts: '1712000001.000200',
      },
    ],
    ...over,
  };
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

function sign(body: string, ts = TS, secret = SECRET): Record<string, string> {
  const hex = createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex');
  return { 'X-Slack-Request-Timestamp': ts, 'X-Slack-Signature': `v0=${hex}` };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isFirstlineError(error) ? error.code : 'not a FirstlineError';
  }
  return undefined;
}

describe('verifySlackRequest (Slack v0 signing)', () => {
  const body = pressBody();
  const verify = (headers: Record<string, string>, over: { rawBody?: string; now?: number } = {}) =>
    codeOf(() => verifySlackRequest({ signingSecret: SECRET, headers, rawBody: body, now: NOW, ...over }));

  it("accepts Slack's signature, headers in any case, a timestamp within the window either way", () => {
    expect(verify(sign(body))).toBeUndefined();
    const lower = Object.fromEntries(Object.entries(sign(body)).map(([k, v]) => [k.toLowerCase(), v]));
    expect(verify(lower)).toBeUndefined();
    expect(verify(sign(body), { now: NOW + 299_000 })).toBeUndefined();
    expect(verify(sign(body), { now: NOW - 299_000 })).toBeUndefined();
  });

  it("matches the example in Slack's documentation", () => {
    // docs.slack.dev "Verifying requests from Slack": its published secret, timestamp, body and signature.
    const rawBody =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(
      codeOf(() =>
        verifySlackRequest({
          signingSecret: '8f742231b10e8888abcd99yyyzzz85a5',
          headers: {
            'x-slack-request-timestamp': '1531420618',
            'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
          },
          rawBody,
          now: 1531420618_000,
        }),
      ),
    ).toBeUndefined();
  });

  it('refuses a missing or malformed header with E_SLACK_HEADERS', () => {
    const { 'X-Slack-Signature': signature, 'X-Slack-Request-Timestamp': ts } = sign(body);
    expect(verify({ 'X-Slack-Signature': signature! })).toBe('E_SLACK_HEADERS');
    expect(verify({ 'X-Slack-Request-Timestamp': ts! })).toBe('E_SLACK_HEADERS');
    expect(verify({ ...sign(body), 'X-Slack-Request-Timestamp': 'yesterday' })).toBe('E_SLACK_HEADERS');
    expect(verify({ ...sign(body), 'X-Slack-Signature': 'v1=abc' })).toBe('E_SLACK_HEADERS');
  });

  it('refuses a stale or a future timestamp with E_SLACK_TIMESTAMP, even when correctly signed', () => {
    expect(verify(sign(body), { now: NOW + 301_000 })).toBe('E_SLACK_TIMESTAMP');
    expect(verify(sign(body), { now: NOW - 301_000 })).toBe('E_SLACK_TIMESTAMP');
    expect(() =>
      verifySlackRequest({ signingSecret: SECRET, headers: sign(body), rawBody: body, now: NOW - 400_000 }),
    ).toThrow(/in the future/);
  });

  it('refuses a wrong secret, a changed body or a signature for another timestamp with E_SLACK_SIGNATURE', () => {
    expect(verify(sign(body, TS, 'fake-other-secret-1111'))).toBe('E_SLACK_SIGNATURE');
    expect(verify(sign(body), { rawBody: body.replace('approve', 'deny') })).toBe('E_SLACK_SIGNATURE');
    const other = String(Number(TS) - 1);
    expect(verify({ ...sign(body, other), 'X-Slack-Request-Timestamp': TS })).toBe('E_SLACK_SIGNATURE');
  });

  it('never puts the secret or the expected signature in its message', () => {
    const expected = sign(body)['X-Slack-Signature']!;
    try {
      verifySlackRequest({
        signingSecret: SECRET,
        headers: sign(body, TS, 'fake-other-secret-1111'),
        rawBody: body,
        now: NOW,
      });
    } catch (error) {
      expect((error as Error).message).not.toContain(SECRET);
      expect((error as Error).message).not.toContain(expected.slice(3));
    }
  });
});

describe('parseSlackInteraction (block_actions)', () => {
  it('reads the approval id, the decision and the user from an Approve or Deny press', () => {
    expect(parseSlackInteraction(pressBody())).toEqual({
      approvalId: 'run-1/approve-reboot/1',
      decision: 'approved',
      user: { id: 'U0FAKE0001', name: 'ana' },
      responseUrl: 'https://hooks.slack.com/actions/T0FAKE/1/fake',
    });
    expect(parseSlackInteraction(pressBody('firstline.deny'))?.decision).toBe('denied');
  });

  it('gives undefined for the "Open in console" link button: nothing to decide', () => {
    expect(parseSlackInteraction(pressBody('firstline.open'))).toBeUndefined();
  });

  it('refuses anything else with E_SLACK_PAYLOAD', () => {
    const cases = [
      'text=hello',
      'payload=%7Bnot-json',
      `payload=${encodeURIComponent('[]')}`,
      pressBody('firstline.approve', { type: 'view_submission' }),
      pressBody('firstline.approve', { user: { name: 'no id' } }),
      pressBody('another.button'),
      pressBody('firstline.approve', { actions: [] }),
      pressBody('firstline.approve', {
        actions: [{ action_id: 'firstline.approve', type: 'button', value: '' }],
      }),
    ];
    for (const body of cases)
      expect(
        codeOf(() => parseSlackInteraction(body)),
        body,
      ).toBe('E_SLACK_PAYLOAD');
  });
});
