import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { slack } from '../src/index.js';
import { actionOf, leaksIn, recordingSleep, rejectionOf, run, testRetries } from './support/engine.js';
import { createTestContext } from '@firstline/core/testing';
import { SLACK_TOKEN, startMockSlack, WEBHOOK_SECRET } from './support/mockSlack.js';
import type { MockSlack } from './support/mockSlack.js';

let mock: MockSlack;
beforeAll(async () => {
  mock = await startMockSlack();
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

describe('Slack incoming webhooks (mock Slack API)', () => {
  it('posts JSON to the webhook, from the factory or the step, and reports via: webhook', async () => {
    const actions = slack({ webhookUrl: mock.webhookUrl, retries: testRetries(recordingSleep()) });
    const result = await run(
      {
        name: 'webhook',
        secrets: { hook: { env: 'SLACK_WEBHOOK' } },
        steps: [
          { id: 'factory', action: 'slack.post', with: { text: 'via the default webhook' } },
          {
            id: 'step',
            action: 'slack.post',
            with: {
              webhookUrl: '{{ secrets.hook }}',
              text: 'via the step webhook',
              blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*bold*' } }],
            },
          },
        ],
      },
      actions,
      { env: { SLACK_WEBHOOK: mock.webhookUrl } },
    );

    expect(result.outcome).toBe('healthy');
    expect(result.output).toEqual({ factory: { via: 'webhook' }, step: { via: 'webhook' } });
    expect(mock.requests.map((r) => [r.method, r.headers['content-type']])).toEqual([
      ['POST', 'application/json; charset=utf-8'],
      ['POST', 'application/json; charset=utf-8'],
    ]);
    expect(mock.requests[1]!.body).toEqual({
      text: 'via the step webhook',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*bold*' } }],
      unfurl_links: false,
      unfurl_media: false,
    });
    expect(mock.messages.map((m) => m.text)).toEqual(['via the default webhook', 'via the step webhook']);
    expect(leaksIn(JSON.stringify(result), WEBHOOK_SECRET)).toEqual([]);
  });

  it("a removed webhook fails with the webhook's own error word, never its URL", async () => {
    const removed = `${mock.url}/services/T000FAKE/B000FAKE/fake-removed-secret-789`;
    const post = actionOf(
      slack({ webhookUrl: removed, retries: testRetries(recordingSleep()) }),
      'slack.post',
    );
    const error = await rejectionOf(post.run({ text: 'hello' }, createTestContext()));
    expect(error.message).toBe(
      'slack.post: Slack incoming webhook refused the message: HTTP 404 no_service (the webhook was removed or disabled)',
    );
    expect(error.retry).toMatchObject({ retryable: false });
    expect(leaksIn(error.message, 'fake-removed-secret-789')).toEqual([]);
    expect(mock.requests).toHaveLength(1);
  });

  it('shadow plans for a webhook say so; a missing token fails the preflight', async () => {
    const [post] = slack({ webhookUrl: mock.webhookUrl });
    expect(await post!.plan!({ text: 'hi there' }, createTestContext())).toMatchObject({
      summary: 'would post to the Slack incoming webhook: hi there',
      preflight: { ok: true },
    });
    const [bare] = slack();
    expect(await bare!.plan!({ channel: '#ops', text: 'x'.repeat(200) }, createTestContext())).toMatchObject({
      summary: `would post to #ops: ${'x'.repeat(79)}…`,
      preflight: { ok: false, detail: expect.stringContaining('no Slack bot token') as unknown },
    });
    expect(mock.requests).toEqual([]);
  });
});

describe('Slack secrets (mock Slack API)', () => {
  it('a token from secrets: never reaches the trace, the logs or the error when Slack keeps failing', async () => {
    const sleep = recordingSleep();
    mock.fail(...Array.from({ length: 3 }, () => ({ match: 'chat.postMessage', status: 500, body: 'oops' })));
    const result = await run(
      {
        name: 'failing-slack',
        secrets: { slackToken: { env: 'SLACK_TOKEN' } },
        steps: [
          {
            id: 'post',
            action: 'slack.post',
            with: { token: '{{ secrets.slackToken }}', channel: '#ops', text: 'x' },
          },
        ],
      },
      slack({ baseUrl: mock.apiUrl, retries: testRetries(sleep, { max: 2 }) }),
      { env: { SLACK_TOKEN } },
    );
    expect(result.outcome).toBe('failed');
    expect(result.steps.post?.error).toBe('slack.post: Slack chat.postMessage failed: HTTP 500');
    expect(mock.requests).toHaveLength(3);
    expect(mock.requests.every((r) => r.headers.authorization === `Bearer ${SLACK_TOKEN}`)).toBe(true);
    const logs = result.trace.flatMap((e) => (e.type === 'log' ? [e.message] : []));
    expect(logs).toEqual(['Slack slack.post: retry 1 in 75ms', 'Slack slack.post: retry 2 in 150ms']);
    const paths = mock.requests.map((r) => `${r.path}?${r.query.toString()}`);
    expect(leaksIn(JSON.stringify([result, paths]), SLACK_TOKEN)).toEqual([]);
  });
});
