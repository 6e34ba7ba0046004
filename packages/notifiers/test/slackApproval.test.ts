import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryStore, createVirtualClock, runPlaybook } from '@firstline/core';
import { approvalBlocks, slack } from '../src/index.js';
import { recordingSleep, run, testRetries } from './support/engine.js';
import { blocksProblem, SLACK_TOKEN, startMockSlack } from './support/mockSlack.js';
import type { MockSlack } from './support/mockSlack.js';

let mock: MockSlack;
beforeAll(async () => {
  mock = await startMockSlack();
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

const APPROVAL_ID = 'run-1/approve-reboot/1';
const EXPIRES = Date.UTC(2026, 11, 6, 23, 0, 0);

/** A playbook whose one step posts an approval request, the way an approve step's notify renders it. */
function asking(approval: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    name: 'ask',
    secrets: { slackToken: { env: 'SLACK_TOKEN' } },
    steps: [
      {
        id: 'ask',
        action: 'slack.post',
        with: {
          token: '{{ secrets.slackToken }}',
          channel: '#ops',
          text: 'Reboot i-0abc1234?',
          approval,
          ...extra,
        },
      },
    ],
  };
}

describe('slack.post with an approval (mock Slack API checking Block Kit)', () => {
  const actions = () => slack({ baseUrl: mock.apiUrl, retries: testRetries(recordingSleep()) });

  it('posts the question, the expiry and Approve / Deny / Open in console buttons carrying the approval id', async () => {
    const result = await run(
      asking({
        id: APPROVAL_ID,
        message: 'Reboot *i-0abc1234*? CPU is pinned.',
        url: 'https://console.example.test/approvals/run-1',
        expiresAt: EXPIRES,
      }),
      actions(),
      { env: { SLACK_TOKEN } },
    );
    expect(result.outcome).toBe('healthy');
    expect(mock.messages).toHaveLength(1);
    const blocks = mock.messages[0]!.blocks as Array<Record<string, unknown>>;
    expect(blocksProblem(blocks)).toBeUndefined();
    expect(blocks[0]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: 'Reboot *i-0abc1234*? CPU is pinned.' },
    });
    expect(JSON.stringify(blocks[1])).toContain(`<!date^${EXPIRES / 1000}^`);
    expect(blocks[2]).toEqual({
      type: 'actions',
      block_id: 'firstline.approval',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Approve' },
          style: 'primary',
          action_id: 'firstline.approve',
          value: APPROVAL_ID,
        },
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Deny' },
          style: 'danger',
          action_id: 'firstline.deny',
          value: APPROVAL_ID,
        },
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Open in console' },
          action_id: 'firstline.open',
          url: 'https://console.example.test/approvals/run-1',
        },
      ],
    });
    expect(mock.messages[0]!.text).toBe('Reboot i-0abc1234?');
  });

  it('takes a whole rendered approval (extra fields ignored); no url, no link button; no expiry, no context', async () => {
    await run(asking({ id: APPROVAL_ID, runId: 'run-1', step: 'approve-reboot', visit: 1 }), actions(), {
      env: { SLACK_TOKEN },
    });
    const blocks = mock.messages[0]!.blocks as Array<Record<string, unknown>>;
    expect(blocks.map((b) => b.type)).toEqual(['section', 'actions']);
    expect((blocks[0]!.text as { text: string }).text).toBe('Reboot i-0abc1234?');
    expect((blocks[1]!.elements as unknown[]).length).toBe(2);
  });

  it("appends the buttons to the step's own blocks", async () => {
    const own = [{ type: 'header', text: { type: 'plain_text', text: 'Approval needed' } }];
    await run(asking({ id: APPROVAL_ID }, { blocks: own }), actions(), { env: { SLACK_TOKEN } });
    const blocks = mock.messages[0]!.blocks as Array<Record<string, unknown>>;
    expect(blocks.map((b) => b.type)).toEqual(['header', 'actions']);
  });

  it('goes through an incoming webhook too', async () => {
    const hook = slack({ webhookUrl: mock.webhookUrl, retries: testRetries(recordingSleep()) });
    const result = await run(
      {
        name: 'ask',
        steps: [
          { id: 'ask', action: 'slack.post', with: { text: 'Reboot?', approval: { id: APPROVAL_ID } } },
        ],
      },
      hook,
    );
    expect(result.outcome).toBe('healthy');
    expect(JSON.stringify(mock.messages[0]!.blocks)).toContain('firstline.deny');
  });

  it("cuts a long question to a section's 3,000 characters, which the mock (as Slack) would refuse", async () => {
    await run(asking({ id: APPROVAL_ID, message: 'x'.repeat(5_000) }), actions(), { env: { SLACK_TOKEN } });
    const section = (mock.messages[0]!.blocks as Array<{ text: { text: string } }>)[0]!;
    expect(section.text.text).toHaveLength(3_000);
    expect(blocksProblem([{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3_001) } }])).toContain(
      'must be less than 3001 characters',
    );
  });

  it('refuses an approval id longer than a button value, and an approval with no id, before posting', async () => {
    for (const [approval, problem] of [
      [{ id: 'x'.repeat(2_001) }, 'approval.id must NOT have more than 2000 characters'],
      [{ message: 'no id' }, 'approval'],
    ] as const)
      await expect(run(asking(approval), actions(), { env: { SLACK_TOKEN } })).rejects.toMatchObject({
        code: 'E_PLAYBOOK_INVALID',
        message: expect.stringContaining(problem) as unknown,
      });
    expect(mock.requests).toHaveLength(0);
    expect(() => approvalBlocks({ id: 'x'.repeat(2_001) }, 'text')).toThrow(RangeError);
  });

  it('the mock refuses what Slack refuses: an unknown block, a long button label, a bad style', () => {
    expect(blocksProblem([{ type: 'buttons' }])).toContain('unsupported type');
    const button = (over: Record<string, unknown>) => [
      {
        type: 'actions',
        elements: [{ type: 'button', text: { type: 'plain_text', text: 'Go' }, action_id: 'a', ...over }],
      },
    ];
    expect(blocksProblem(button({ text: { type: 'plain_text', text: 'x'.repeat(76) } }))).toContain(
      '/elements/0/text/text',
    );
    expect(blocksProblem(button({ style: 'green' }))).toContain('/elements/0/style');
    expect(blocksProblem(button({ value: 'v'.repeat(2_001) }))).toContain('/elements/0/value');
    expect(blocksProblem(button({}))).toBeUndefined();
  });
});

describe("an approve step's notify: slack.post with approval: '{{ approval }}' (mock Slack API)", () => {
  const playbook = {
    firstline: 1,
    name: 'ask-first',
    secrets: { slackToken: { env: 'SLACK_TOKEN' } },
    steps: [
      {
        id: 'ask',
        approve: {
          message: 'Reboot i-0abc1234?',
          timeout: '30m',
          approvers: { slack: ['U0APPROVER'] },
          notify: [
            {
              id: 'post',
              action: 'slack.post',
              with: {
                token: '{{ secrets.slackToken }}',
                channel: '#ops',
                text: 'Approval needed: {{ approval.message }}',
                approval: '{{ approval }}',
              },
            },
          ],
        },
        on: { denied: 'refused', expired: 'refused' },
      },
      { id: 'done', end: 'recovered' },
      { id: 'refused', end: 'left_alone' },
    ],
  };
  const T0 = Date.UTC(2026, 11, 6, 22, 0, 0);
  const start = (consoleUrl?: string) =>
    runPlaybook(playbook, {
      actions: slack({ baseUrl: mock.apiUrl, retries: testRetries(recordingSleep()) }),
      store: createMemoryStore(),
      runId: 'run-ask',
      env: { SLACK_TOKEN },
      clock: createVirtualClock({ startAt: T0 }),
      ...(consoleUrl && { consoleUrl }),
    });

  it("posts the buttons with the run's approval id, its expiry and the console link", async () => {
    const result = await start('https://console.example.test');
    expect(result.outcome).toBe('suspended');
    const blocks = mock.messages[0]!.blocks as Array<Record<string, unknown>>;
    expect(blocksProblem(blocks)).toBeUndefined();
    expect(blocks[0]).toMatchObject({ text: { text: 'Reboot i-0abc1234?' } });
    expect(JSON.stringify(blocks[1])).toContain(`<!date^${(T0 + 30 * 60_000) / 1000}^`);
    const elements = blocks[2]!.elements as Array<Record<string, unknown>>;
    expect(elements.map((e) => e.value ?? e.url)).toEqual([
      'run-ask/ask/1',
      'run-ask/ask/1',
      'https://console.example.test/approvals?id=run-ask%2Fask%2F1',
    ]);
  });

  it('without a console, no link button', async () => {
    await start();
    const blocks = mock.messages[0]!.blocks as Array<Record<string, unknown>>;
    expect((blocks[2]!.elements as unknown[]).length).toBe(2);
  });
});
