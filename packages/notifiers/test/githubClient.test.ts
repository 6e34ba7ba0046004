import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
// Issue-level calls of the GitHub client: errors, rate limits, retries, pagination, GitHub Enterprise, overrides.
import { createGithubClient, github } from '../src/index.js';
import { actionOf, recordingSleep, rejectionOf, testRetries } from './support/engine.js';
import { createTestContext } from '@firstline/core/testing';
import { GITHUB_TOKEN, startMockGithub } from './support/mockGithub.js';
import type { MockGithub } from './support/mockGithub.js';

let mock: MockGithub;
beforeAll(async () => {
  mock = await startMockGithub();
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

const paths = () =>
  mock.requests.map((r) => `${r.method} ${r.path}${r.query.size ? `?${r.query.toString()}` : ''}`);

describe('GitHub client (mock GitHub API)', () => {
  const client = (overrides: Parameters<typeof createGithubClient>[0] = {}) =>
    createGithubClient({ token: GITHUB_TOKEN, baseUrl: mock.url, writeSpacingMs: 0, ...overrides });

  it("a 422 names GitHub's validation errors; a 404 says the repository or token is wrong; neither is retried", async () => {
    const sleep = recordingSleep();
    const gh = client({ retries: testRetries(sleep) });
    const invalid = await rejectionOf(gh.createIssue('acme/ops', { title: '' }));
    expect(invalid.message).toBe(
      'github.createIssue: GitHub opening an issue in acme/ops failed: HTTP 422 Validation Failed: Issue.title missing_field',
    );
    expect(invalid.retry).toEqual({ retryable: false, kind: 'error' });
    const missing = await rejectionOf(gh.comment('acme/nope', 1, 'x'));
    expect(missing.message).toBe(
      'github.comment: GitHub commenting on acme/nope#1 failed: HTTP 404 Not Found (the repository or issue does not exist, or the token cannot see it)',
    );
    expect(mock.requests).toHaveLength(2);
    expect(sleep.delays).toEqual([]);
  });

  it('a secondary rate limit (403 + Retry-After) is retried after exactly that delay; the issue is opened once', async () => {
    const sleep = recordingSleep();
    mock.fail({
      match: 'POST /repos/acme/ops/issues',
      status: 403,
      headers: { 'retry-after': '2' },
      body: {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      },
    });
    const issue = await client({ retries: testRetries(sleep) }).createIssue('acme/ops', { title: 'once' });
    expect(issue).toMatchObject({ number: 1, state: 'open', title: 'once' });
    expect(sleep.delays).toEqual([2000]);
    expect(paths()).toEqual(['POST /repos/acme/ops/issues', 'POST /repos/acme/ops/issues']);
    expect(mock.issues).toHaveLength(1);
  });

  it('a primary rate limit (x-ratelimit-remaining: 0) waits until x-ratelimit-reset', async () => {
    const sleep = recordingSleep();
    const reset = Math.floor(Date.now() / 1000) + 3;
    mock.fail({
      match: 'GET /repos/acme/ops/issues',
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      body: { message: 'API rate limit exceeded for user ID 1.' },
    });
    const found = await client({ retries: testRetries(sleep) }).findIssue('acme/ops', { title: 'nothing' });
    expect(found).toBeUndefined();
    // Until the reset second, plus the one the plugin adds to land after it.
    expect(sleep.delays).toHaveLength(1);
    expect(sleep.delays[0]).toBeGreaterThanOrEqual(3000);
    expect(sleep.delays[0]).toBeLessThanOrEqual(4000);
    expect(mock.requests).toHaveLength(2);
  });

  it('a rate limit longer than maxDelayMs is not waited out: a throttled error with the delay, one request', async () => {
    const sleep = recordingSleep();
    mock.fail({
      match: 'POST /repos/acme/ops/issues',
      status: 403,
      headers: { 'retry-after': '60' },
      body: { message: 'You have exceeded a secondary rate limit.' },
    });
    const error = await rejectionOf(
      client({ retries: testRetries(sleep) }).createIssue('acme/ops', { title: 't' }),
    );
    expect(error.message).toBe(
      'github.createIssue: GitHub opening an issue in acme/ops failed: HTTP 403 You have exceeded a secondary rate limit.',
    );
    expect(error.retry).toEqual({ retryable: true, kind: 'throttled', afterMs: 60_000 });
    expect(sleep.delays).toEqual([]);
    expect(mock.requests).toHaveLength(1);
  });

  it('5xx is retried a bounded number of times by plugin-retry', async () => {
    const gh = client({ retries: { max: 2, baseDelayMs: 1 } });
    mock.fail(
      { match: 'PATCH', status: 502, body: { message: 'Server Error' } },
      { match: 'PATCH', status: 503, body: {} },
    );
    mock.seed({ title: 'flaky' });
    await expect(gh.setState('acme/ops', 1, 'closed', 'completed')).resolves.toMatchObject({
      state: 'closed',
    });
    expect(mock.requests).toHaveLength(3);

    mock.clear();
    mock.fail(
      ...Array.from({ length: 4 }, () => ({
        match: 'PATCH',
        status: 500,
        body: { message: 'Server Error' },
      })),
    );
    const error = await rejectionOf(gh.setState('acme/ops', 1, 'open'));
    expect(error.message).toBe(
      'github.reopenIssue: GitHub reopening acme/ops#1 failed: HTTP 500 Server Error',
    );
    expect(error.retry).toEqual({ retryable: true, kind: '5xx' });
    expect(mock.requests).toHaveLength(3);
  });

  it('findIssue skips pull requests and pages through the list; GitHub Enterprise paths keep /api/v3', async () => {
    for (let i = 0; i < 120; i++)
      mock.seed({ title: i === 5 ? 'Wanted' : `other ${i}`, labels: ['incident'] });
    mock.seed({ title: 'Wanted', labels: ['incident'], pull_request: true });
    const found = await client({ baseUrl: `${mock.url}/api/v3/` }).findIssue('acme/ops', {
      title: 'Wanted',
      labels: ['incident'],
    });
    expect(found).toMatchObject({ number: 6, title: 'Wanted', state: 'open', labels: ['incident'] });
    expect(paths()).toEqual([
      'GET /api/v3/repos/acme/ops/issues?state=open&labels=incident&sort=created&direction=desc&per_page=100',
      'GET /api/v3/repos/acme/ops/issues?state=open&labels=incident&sort=created&direction=desc&per_page=100&page=2',
    ]);
  });

  it("a step's token and baseUrl override the factory's; with none, the step fails before any request", async () => {
    const actions = github({ writeSpacingMs: 0 });
    const comment = actionOf(actions, 'github.comment');
    mock.seed({ title: 'x' });
    await expect(
      comment.run(
        { repo: 'acme/ops', number: 1, body: 'hi', token: GITHUB_TOKEN, baseUrl: mock.url },
        createTestContext(),
      ),
    ).resolves.toEqual({ id: 1001, url: 'https://github.example/acme/ops/issues/1#issuecomment-1001' });
    const error = await rejectionOf(
      comment.run({ repo: 'acme/ops', number: 1, body: 'hi' }, createTestContext()),
    );
    expect(error.message).toBe(
      'github.comment: no GitHub token: give github({ token }) or the step a token from secrets:',
    );
    expect(mock.requests).toHaveLength(1);
  });
});
