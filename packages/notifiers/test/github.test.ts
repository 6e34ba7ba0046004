import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { github } from '../src/index.js';
import { leaksIn, recordingSleep, run, testRetries } from './support/engine.js';
import { GITHUB_TOKEN, startMockGithub } from './support/mockGithub.js';
import type { MockGithub } from './support/mockGithub.js';

let mock: MockGithub;
beforeAll(async () => {
  mock = await startMockGithub();
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

const env = { GITHUB_TOKEN };
const secrets = { githubToken: { env: 'GITHUB_TOKEN' } };
const token = '{{ secrets.githubToken }}';
/** The network-latency example's issue, with a comment on it. */
const openIssue = {
  name: 'network-latency',
  secrets,
  steps: [
    {
      id: 'open-issue',
      action: 'github.createIssue',
      with: {
        token,
        repo: 'acme/ops',
        title: 'Network latency on i-0abc1234',
        body: 'NetworkIn alarm fired',
        labels: ['incident', 'network-latency'],
        dedupe: true,
      },
    },
    {
      id: 'progress',
      action: 'github.comment',
      with: {
        token,
        repo: 'acme/ops',
        number: "{{ steps['open-issue'].output.number }}",
        body: 'rescue started',
      },
    },
  ],
};
const github0 = (overrides: Parameters<typeof github>[0] = {}) =>
  github({ baseUrl: mock.url, writeSpacingMs: 0, retries: testRetries(recordingSleep()), ...overrides });
const paths = () =>
  mock.requests.map((r) => `${r.method} ${r.path}${r.query.size ? `?${r.query.toString()}` : ''}`);

describe('github actions through the engine (mock GitHub API)', () => {
  it('opens one issue; a second run finds it (dedupe) and comments on it instead of opening another', async () => {
    const actions = github0();
    const first = await run(openIssue, actions, { env });
    const second = await run(openIssue, actions, { env });

    expect([first.outcome, second.outcome]).toEqual(['healthy', 'healthy']);
    expect(first.output['open-issue']).toEqual({
      number: 1,
      url: 'https://github.example/acme/ops/issues/1',
      created: true,
    });
    expect(second.output['open-issue']).toEqual({
      number: 1,
      url: 'https://github.example/acme/ops/issues/1',
      created: false,
    });
    expect(mock.issues).toHaveLength(1);
    // The body ends with the run's hidden marker: a re-send after a crash finds the issue by it.
    const marked = `NetworkIn alarm fired\n\n<!-- firstline:${first.runId}:open-issue:1 -->`;
    expect(mock.issues[0]).toMatchObject({
      title: 'Network latency on i-0abc1234',
      body: marked,
      labels: ['incident', 'network-latency'],
      comments: ['rescue started', 'rescue started'],
    });
    const list =
      'GET /repos/acme/ops/issues?state=open&labels=incident%2Cnetwork-latency&sort=created&direction=desc&per_page=100';
    expect(paths()).toEqual([
      list,
      'POST /repos/acme/ops/issues',
      'POST /repos/acme/ops/issues/1/comments',
      list,
      'POST /repos/acme/ops/issues/1/comments',
    ]);
    for (const request of mock.requests) {
      expect(request.headers.authorization).toBe(`token ${GITHUB_TOKEN}`);
      expect(request.headers['user-agent']).toContain('firstline-notifiers');
    }
    expect(mock.requests[1]!.body).toEqual({
      title: 'Network latency on i-0abc1234',
      body: marked,
      labels: ['incident', 'network-latency'],
    });
    expect(leaksIn(JSON.stringify([first, second, paths()]), GITHUB_TOKEN)).toEqual([]);
  });

  it('finds, closes with a comment, and reopens with a comment, in that order', async () => {
    mock.seed({ title: 'Network latency on i-0abc1234', labels: ['incident'] });
    const actions = github0();
    const recovered = await run(
      {
        name: 'recovered',
        secrets,
        steps: [
          {
            id: 'find',
            action: 'github.findIssue',
            with: { token, repo: 'acme/ops', title: 'Network latency on i-0abc1234' },
          },
          {
            id: 'close',
            action: 'github.closeIssue',
            with: {
              token,
              repo: 'acme/ops',
              number: '{{ steps.find.output.number }}',
              comment: 'recovered',
              reason: 'completed',
            },
          },
          {
            id: 'reopen',
            action: 'github.reopenIssue',
            with: {
              token,
              repo: 'acme/ops',
              number: '{{ steps.find.output.number }}',
              comment: 'it is back',
            },
          },
        ],
      },
      actions,
      { env },
    );
    expect(recovered.outcome).toBe('healthy');
    expect(recovered.output.find).toEqual({
      found: true,
      number: 1,
      url: 'https://github.example/acme/ops/issues/1',
      state: 'open',
      title: 'Network latency on i-0abc1234',
    });
    expect(paths().slice(1)).toEqual([
      'POST /repos/acme/ops/issues/1/comments',
      'PATCH /repos/acme/ops/issues/1',
      'PATCH /repos/acme/ops/issues/1',
      'POST /repos/acme/ops/issues/1/comments',
    ]);
    expect(mock.requests[2]!.body).toEqual({ state: 'closed', state_reason: 'completed' });
    expect(mock.requests[3]!.body).toEqual({ state: 'open', state_reason: 'reopened' });
    expect(mock.issues[0]).toMatchObject({ state: 'open', comments: ['recovered', 'it is back'] });
  });

  it('in shadow mode plans every write and sends nothing (findIssue, a probe, is the only real call)', async () => {
    const result = await run(
      {
        name: 'shadow',
        secrets,
        steps: [
          {
            id: 'open',
            action: 'github.createIssue',
            with: { token, repo: 'acme/ops', title: 'Disk full on db-1', dedupe: true },
          },
          {
            id: 'say',
            action: 'github.comment',
            with: { token, repo: 'acme/ops', number: 7, body: 'cleaning up' },
          },
          {
            id: 'close',
            action: 'github.closeIssue',
            with: { token, repo: 'acme/ops', number: 7, reason: 'not_planned' },
          },
          {
            id: 'reopen',
            action: 'github.reopenIssue',
            with: { token, repo: 'acme/ops', number: 7, comment: 'again' },
          },
        ],
      },
      github0(),
      { env, mode: 'shadow' },
    );
    expect(result.outcome).toBe('healthy');
    expect(mock.requests).toEqual([]);
    expect(result.trace.flatMap((e) => (e.type === 'plan' ? [e.summary] : []))).toEqual([
      'would open an issue in acme/ops (unless an open issue has this title): Disk full on db-1',
      'would comment on acme/ops#7: cleaning up',
      'would close acme/ops#7 (not_planned)',
      'would reopen acme/ops#7, commenting: again',
    ]);
    expect(leaksIn(JSON.stringify(result), GITHUB_TOKEN)).toEqual([]);
  });

  it("bad credentials fail with GitHub's message, once; the factory's token is nowhere in the run", async () => {
    const actions = github0({ token: 'fake-gh-token-wrong' });
    const result = await run(
      {
        name: 'bad-token',
        steps: [{ id: 'open', action: 'github.createIssue', with: { repo: 'acme/ops', title: 't' } }],
      },
      actions,
    );
    expect(result.outcome).toBe('failed');
    expect(result.steps.open?.error).toBe(
      'github.createIssue: GitHub opening an issue in acme/ops failed: HTTP 401 Bad credentials (the token is not valid)',
    );
    expect(mock.requests).toHaveLength(1);
    expect(leaksIn(JSON.stringify(result), 'fake-gh-token-wrong')).toEqual([]);
  });
});
