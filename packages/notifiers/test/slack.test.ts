import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ActionError } from '@firstline/core';
import { createSlackClient, slack } from '../src/index.js';
import { leaksIn, recordingSleep, rejectionOf, run, testRetries } from './support/engine.js';
import { SLACK_TOKEN, startMockSlack } from './support/mockSlack.js';
import type { MockSlack } from './support/mockSlack.js';

let mock: MockSlack;
beforeAll(async () => {
  mock = await startMockSlack();
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

const env = { SLACK_TOKEN };
/** Posts, replies in the post's thread, then updates the post: a run's whole Slack conversation. */
const conversation = {
  name: 'slack-conversation',
  secrets: { slackToken: { env: 'SLACK_TOKEN' } },
  steps: [
    {
      id: 'post',
      action: 'slack.post',
      with: {
        token: '{{ secrets.slackToken }}',
        channel: '#ops',
        text: 'i-0abc1234 is unhealthy; rebooting',
      },
    },
    {
      id: 'progress',
      action: 'slack.reply',
      with: {
        token: '{{ secrets.slackToken }}',
        channel: '{{ steps.post.output.channel }}',
        threadTs: '{{ steps.post.output.ts }}',
        text: 'reboot done, rechecking',
      },
    },
    {
      id: 'final',
      action: 'slack.update',
      with: {
        token: '{{ secrets.slackToken }}',
        channel: '{{ steps.post.output.channel }}',
        ts: '{{ steps.post.output.ts }}',
        text: 'i-0abc1234 recovered after a reboot',
      },
    },
  ],
};

describe('slack.post, slack.reply, slack.update through the engine (mock Slack API)', () => {
  it('posts once, threads the progress under the post, updates the post; the token only in the Authorization header', async () => {
    const sleep = recordingSleep();
    const result = await run(conversation, slack({ baseUrl: mock.apiUrl, retries: testRetries(sleep) }), {
      env,
    });

    expect(result.outcome).toBe('healthy');
    expect(mock.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/chat.postMessage',
      'POST /api/chat.postMessage',
      'POST /api/chat.update',
    ]);
    for (const request of mock.requests) {
      expect(request.headers.authorization).toBe(`Bearer ${SLACK_TOKEN}`);
      expect(request.text).not.toContain(SLACK_TOKEN);
    }
    const [post, reply, update] = mock.requests;
    expect(post!.body).toMatchObject({
      channel: '#ops',
      text: 'i-0abc1234 is unhealthy; rebooting',
      unfurl_links: 'false',
    });
    expect(post!.body).not.toHaveProperty('thread_ts');
    const ts = (result.output.post as { ts: string }).ts;
    expect(result.output.post).toEqual({ ts, channel: 'C0OPS0001', via: 'api' });
    expect(reply!.body).toMatchObject({
      channel: 'C0OPS0001',
      thread_ts: ts,
      text: 'reboot done, rechecking',
    });
    expect(update!.body).toMatchObject({
      channel: 'C0OPS0001',
      ts,
      text: 'i-0abc1234 recovered after a reboot',
    });
    expect(mock.messages).toHaveLength(2);
    expect(mock.messages[0]).toMatchObject({ ts, text: 'i-0abc1234 recovered after a reboot' });
    expect(mock.messages[1]).toMatchObject({ threadTs: ts });
    expect(sleep.delays).toEqual([]);
    expect(leaksIn(JSON.stringify(result), SLACK_TOKEN)).toEqual([]);
  });

  it('in shadow mode the thread flows through synthesized outputs: the live outcome, zero writes', async () => {
    const live = await run(conversation, slack({ baseUrl: mock.apiUrl }), { env });
    expect(live.outcome).toBe('healthy');
    expect(mock.requests.length).toBeGreaterThan(0);
    mock.reset();

    // No workaround in the playbook: the reply reads `steps.post.output.ts` and `.channel` as live.
    const result = await run(conversation, slack({ baseUrl: mock.apiUrl }), { env, mode: 'shadow' });
    expect(result.outcome).toBe(live.outcome);
    expect(mock.requests).toEqual([]);
    expect(mock.messages).toEqual([]);

    // The planned post's output is slack.post's example; the plan sits beside it, not in it.
    expect(result.steps.post).toMatchObject({
      output: { ts: '1712345678.000100', channel: 'C0123456789', via: 'api' },
      synthesized: true,
      plan: 'would post to #ops: i-0abc1234 is unhealthy; rebooting',
    });
    const plans = result.trace.flatMap((e) => (e.type === 'plan' ? [e.summary] : []));
    expect(plans.slice(1)).toEqual([
      'would reply in C0123456789 (thread 1712345678.000100): reboot done, rechecking',
      'would update message 1712345678.000100 in C0123456789: i-0abc1234 recovered after a reboot',
    ]);
    expect(leaksIn(JSON.stringify(result), SLACK_TOKEN)).toEqual([]);
  });

  it("a Slack error names Slack's code, is not retried, and the factory's token appears nowhere", async () => {
    const actions = slack({
      token: SLACK_TOKEN,
      baseUrl: mock.apiUrl,
      retries: testRetries(recordingSleep()),
    });
    const result = await run(
      {
        name: 'wrong-channel',
        steps: [{ id: 'post', action: 'slack.post', with: { channel: '#no-such-channel', text: 'hello' } }],
      },
      actions,
    );

    expect(result.outcome).toBe('failed');
    expect(result.steps.post?.outcome).toBe('error');
    expect(result.steps.post?.error).toBe(
      'slack.post: Slack chat.postMessage failed: channel_not_found (the channel does not exist or the bot cannot see it; use its id, or invite the bot)',
    );
    expect(mock.requests).toHaveLength(1);
    expect(leaksIn(JSON.stringify(result), SLACK_TOKEN)).toEqual([]);
  });

  it("invalid_auth and not_in_channel are not retryable; invalid_blocks carries Slack's detail", async () => {
    const client = createSlackClient({
      token: 'fake-token-wrong-999',
      baseUrl: mock.apiUrl,
      retries: testRetries(recordingSleep()),
    });
    const auth = await rejectionOf(client.postMessage({ channel: '#ops', text: 'x' }));
    expect(auth).toBeInstanceOf(ActionError);
    expect(auth.message).toBe(
      'slack.post: Slack chat.postMessage failed: invalid_auth (the token is not valid)',
    );
    expect(auth.retry).toEqual({ retryable: false, kind: 'error' });
    expect(auth.message).not.toContain('fake-token-wrong-999');

    const member = await rejectionOf(
      client.postMessage({ channel: '#secret', text: 'x' }, { token: SLACK_TOKEN }),
    );
    expect(member.message).toContain('not_in_channel');

    const blocks = await rejectionOf(
      client.postMessage({ channel: '#ops', text: 'x', blocks: [{}] }, { token: SLACK_TOKEN }),
    );
    expect(blocks.message).toContain(
      'invalid_blocks (the blocks are not valid Block Kit): [ERROR] missing required field',
    );
    expect(mock.requests).toHaveLength(3);
  });
});

describe('Slack retries (mock Slack API)', () => {
  it('a 429 is retried after exactly its Retry-After, once', async () => {
    const sleep = recordingSleep();
    const client = createSlackClient({
      token: SLACK_TOKEN,
      baseUrl: mock.apiUrl,
      retries: testRetries(sleep),
    });
    mock.fail({
      match: 'chat.postMessage',
      status: 429,
      headers: { 'retry-after': '2' },
      body: { ok: false, error: 'ratelimited' },
    });

    const posted = await client.postMessage({ channel: '#ops', text: 'after the limit' });

    expect(sleep.delays).toEqual([2000]);
    expect(mock.requests).toHaveLength(2);
    expect(posted.channel).toBe('C0OPS0001');
    expect(mock.messages).toHaveLength(1);
  });

  it('a Retry-After longer than maxDelayMs is handed to the playbook as a throttled error, not waited out', async () => {
    const sleep = recordingSleep();
    const client = createSlackClient({
      token: SLACK_TOKEN,
      baseUrl: mock.apiUrl,
      retries: testRetries(sleep),
    });
    mock.fail({ match: 'chat.postMessage', status: 429, headers: { 'retry-after': '120' }, body: {} });

    const error = await rejectionOf(client.postMessage({ channel: '#ops', text: 'x' }));

    expect(error.retry).toEqual({ retryable: true, kind: 'throttled', afterMs: 120_000 });
    expect(error.message).toContain('ratelimited (HTTP 429, Retry-After 120s)');
    expect(sleep.delays).toEqual([]);
    expect(mock.requests).toHaveLength(1);
  });

  it('5xx and transient ok:false errors are retried with backoff, a bounded number of times', async () => {
    const sleep = recordingSleep();
    const client = createSlackClient({
      token: SLACK_TOKEN,
      baseUrl: mock.apiUrl,
      retries: testRetries(sleep, { max: 2 }),
    });
    mock.fail(
      { match: 'chat.postMessage', status: 503, body: 'upstream down' },
      { match: 'chat.postMessage', status: 200, body: { ok: false, error: 'internal_error' } },
    );
    await client.postMessage({ channel: '#ops', text: 'third time lucky' });
    // baseDelayMs 100, doubling, half of it jittered at 0.5: 75 then 150.
    expect(sleep.delays).toEqual([75, 150]);
    expect(mock.requests).toHaveLength(3);

    mock.reset();
    sleep.delays.length = 0;
    mock.fail(...Array.from({ length: 5 }, () => ({ match: 'chat.postMessage', status: 502, body: '' })));
    const error = await rejectionOf(client.postMessage({ channel: '#ops', text: 'never' }));
    expect(error.message).toBe('slack.post: Slack chat.postMessage failed: HTTP 502');
    expect(error.retry).toEqual({ retryable: true, kind: '5xx' });
    expect(mock.requests).toHaveLength(3);
    expect(mock.messages).toEqual([]);
  });

  it('an unreachable Slack is a retryable network error naming the system code', async () => {
    const sleep = recordingSleep();
    const closed = await startMockSlack();
    await closed.close();
    const client = createSlackClient({
      token: SLACK_TOKEN,
      baseUrl: closed.apiUrl,
      retries: testRetries(sleep, { max: 1 }),
    });
    const error = await rejectionOf(client.postMessage({ channel: '#ops', text: 'x' }));
    expect(error.message).toBe('slack.post: Slack chat.postMessage failed: unreachable: ECONNREFUSED');
    expect(error.retry).toEqual({ retryable: true, kind: 'network' });
    expect(sleep.delays).toHaveLength(1);
  });
});
