// A notification re-sent after a crash (`ctx.resend`: its earlier send may have gone out) is
// de-duplicated where the service has a key, and says it is a re-send where it has none.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { github, opsgenie, slack } from '../src/index.js';
import { actionOf, recordingSleep, run, testRetries } from './support/engine.js';
import { createTestContext } from '@firstline/core/testing';
import { GITHUB_TOKEN, startMockGithub } from './support/mockGithub.js';
import type { MockGithub } from './support/mockGithub.js';
import { OPSGENIE_KEY, startMockOpsgenie } from './support/mockOpsgenie.js';
import type { MockOpsgenie } from './support/mockOpsgenie.js';
import { SLACK_TOKEN, startMockSlack } from './support/mockSlack.js';
import type { MockSlack } from './support/mockSlack.js';

let gh: MockGithub;
let genie: MockOpsgenie;
let chat: MockSlack;
beforeAll(async () => {
  [gh, genie, chat] = await Promise.all([startMockGithub(), startMockOpsgenie(), startMockSlack()]);
});
afterAll(() => Promise.all([gh.close(), genie.close(), chat.close()]));
beforeEach(() => {
  gh.reset();
  genie.reset();
  chat.reset();
});

const retries = () => testRetries(recordingSleep());
/** The context a resumed run gives the step `step` of run `runId`, visit 1, sending again. */
const resent = (runId: string, step: string) =>
  createTestContext({ runId, stepId: step, idempotencyKey: `${runId}:${step}:1`, resend: true });

describe('github.createIssue sent again after a crash', () => {
  const issue = { repo: 'acme/ops', title: 'Disk full on db-1', labels: ['incident'] };
  const playbook = {
    name: 'disk',
    secrets: { githubToken: { env: 'GITHUB_TOKEN' } },
    steps: [
      {
        id: 'open-issue',
        action: 'github.createIssue',
        with: { token: '{{ secrets.githubToken }}', ...issue, body: 'db-1 at 99%' },
      },
    ],
  };
  const actions = () => github({ baseUrl: gh.url, writeSpacingMs: 0, retries: retries() });

  it('finds the open issue the interrupted send opened (by its run marker) instead of opening another', async () => {
    const first = await run(playbook, actions(), { env: { GITHUB_TOKEN } });
    expect(gh.issues).toHaveLength(1);
    gh.requests.length = 0;
    const create = actionOf(actions(), 'github.createIssue');
    const again = await create.run(
      { ...issue, token: GITHUB_TOKEN, body: 'db-1 at 99%' },
      resent(first.runId, 'open-issue'),
    );
    expect(again).toEqual({ number: 1, url: 'https://github.example/acme/ops/issues/1', created: false });
    expect(gh.issues).toHaveLength(1);
    expect(gh.requests.map((r) => r.method)).toEqual(['GET']);
  });

  it('opens the issue when the interrupted send never reached GitHub, or another run opened one', async () => {
    // Another run's issue with the same title carries another marker: it is not this step's.
    await run(playbook, actions(), { env: { GITHUB_TOKEN } });
    const create = actionOf(actions(), 'github.createIssue');
    const again = (await create.run(
      { ...issue, token: GITHUB_TOKEN },
      resent('run-crashed', 'open-issue'),
    )) as { number: number; created: boolean };
    expect(again).toMatchObject({ number: 2, created: true });
    expect(gh.issues[1]!.body).toBe('<!-- firstline:run-crashed:open-issue:1 -->');
  });

  it('marks a re-sent comment, which has no key to find it by', async () => {
    gh.seed({ title: 'Disk full on db-1' });
    const comment = actionOf(actions(), 'github.comment');
    await comment.run(
      { repo: 'acme/ops', number: 1, body: 'cleaned /var/log', token: GITHUB_TOKEN },
      resent('run-1', 'progress'),
    );
    expect(gh.issues[0]!.comments).toEqual(['cleaned /var/log\n\n_(re-sent after an interruption)_']);
  });
});

describe('opsgenie sent again after a crash', () => {
  const actions = () => opsgenie({ apiKey: OPSGENIE_KEY, baseUrl: genie.url, retries: retries() });

  it('createAlert re-sends with the same alias: one alert, counted again, nobody paged twice', async () => {
    const first = await run(
      {
        name: 'no-alias',
        steps: [{ id: 'page', action: 'opsgenie.createAlert', with: { message: 'disk full on db-1' } }],
      },
      actions(),
    );
    const alias = `firstline:${first.runId}:page:1`;
    expect(first.output.page).toMatchObject({ alias });
    const again = await actionOf(actions(), 'opsgenie.createAlert').run(
      { message: 'disk full on db-1' },
      resent(first.runId, 'page'),
    );
    expect(again).toMatchObject({ alias });
    expect(genie.alerts).toHaveLength(1);
    expect(genie.alerts[0]).toMatchObject({ alias, status: 'open', count: 2 });
  });

  it('addNote says a re-sent note is one', async () => {
    await actionOf(actions(), 'opsgenie.createAlert').run(
      { message: 'disk full', alias: 'db-1-disk' },
      createTestContext(),
    );
    await actionOf(actions(), 'opsgenie.addNote').run(
      { alias: 'db-1-disk', note: 'cleaned /var/log' },
      resent('run-1', 'note'),
    );
    expect(genie.alerts[0]!.notes).toEqual(['cleaned /var/log (re-sent after an interruption)']);
  });
});

describe('slack sent again after a crash', () => {
  const actions = () => slack({ token: SLACK_TOKEN, baseUrl: chat.apiUrl, retries: retries() });

  it('post and reply carry a visible "(re-sent after an interruption)", in text and blocks', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*db-1* disk full' } }];
    const posted = (await actionOf(actions(), 'slack.post').run(
      { channel: '#ops', text: 'db-1 disk full', blocks },
      resent('run-1', 'post'),
    )) as { ts: string; channel: string };
    await actionOf(actions(), 'slack.reply').run(
      { channel: posted.channel, threadTs: posted.ts, text: 'cleaned /var/log' },
      resent('run-1', 'progress'),
    );
    expect(chat.messages.map((m) => m.text)).toEqual([
      'db-1 disk full (re-sent after an interruption)',
      'cleaned /var/log (re-sent after an interruption)',
    ]);
    expect(chat.messages[0]!.blocks).toEqual([
      ...blocks,
      { type: 'context', elements: [{ type: 'mrkdwn', text: '_(re-sent after an interruption)_' }] },
    ]);
  });

  it('a first send is not marked', async () => {
    await actionOf(actions(), 'slack.post').run(
      { channel: '#ops', text: 'db-1 disk full' },
      createTestContext(),
    );
    expect(chat.messages.map((m) => m.text)).toEqual(['db-1 disk full']);
  });
});
