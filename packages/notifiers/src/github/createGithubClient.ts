import { ActionError } from '@firstline/core';
import type { Fetch } from '../shared/http.js';
import { realSleep, retryPolicy } from '../shared/retry.js';
import type { RetryNotice, RetryOptions, RetryPolicy } from '../shared/retry.js';
import { createWriteSpacer, passThroughGroup } from './writeSpacer.js';
import { githubError } from './githubErrors.js';
import type { GithubOctokit as GithubOctokitClass } from './octokit.js';

/** Where and how {@link createGithubClient} reaches GitHub. */
export interface GithubOptions {
  /** Default token (fine-grained: issues read and write), used when a call gives none. */
  token?: string;
  /** API URL: `https://api.github.com` unless given; GitHub Enterprise Server is `https://<host>/api/v3`. */
  baseUrl?: string;
  /**
   * Retries: 5xx and network failures by @octokit/plugin-retry (backoff (n+1)² × baseDelayMs), rate
   * limits by @octokit/plugin-throttling after the delay GitHub asked for, when within maxDelayMs.
   */
  retries?: RetryOptions;
  /** Pause between writes from this client, as GitHub asks of integrations; default 1000 ms. */
  writeSpacingMs?: number;
  /** The fetch used for every request. */
  fetch?: Fetch;
}

/** Per-call settings: credentials and host overriding the client's, cancellation, retry notices. */
export interface GithubCallOptions {
  token?: string;
  baseUrl?: string;
  signal?: AbortSignal;
  onRetry?: (notice: RetryNotice) => void;
  /** The action named in errors. */
  actionId?: string;
}

/** An issue as the notifiers report it. */
export interface GithubIssue {
  number: number;
  /** The issue's page (html_url). */
  url: string;
  state: 'open' | 'closed';
  title: string;
  labels: string[];
}

/** What {@link GithubClient.findIssue} looks for; a title matches exactly, labels must all be present. */
export interface GithubIssueQuery {
  title?: string;
  labels?: string[];
  state?: 'open' | 'closed' | 'all';
  /** Text the issue's body must contain (a run's hidden marker). */
  bodyContains?: string;
}

/** A GitHub Issues client with bounded retries and rate-limit handling. */
export interface GithubClient {
  /** Opens an issue. */
  createIssue(
    repo: string,
    issue: { title: string; body?: string; labels?: string[]; assignees?: string[] },
    call?: GithubCallOptions,
  ): Promise<GithubIssue>;
  /** The most recently created issue (not pull request) matching the query, or undefined. */
  findIssue(
    repo: string,
    query: GithubIssueQuery,
    call?: GithubCallOptions,
  ): Promise<GithubIssue | undefined>;
  /** Adds a comment to an issue. */
  comment(
    repo: string,
    number: number,
    body: string,
    call?: GithubCallOptions,
  ): Promise<{ id: number; url: string }>;
  /** Opens or closes an issue (closing with a reason). */
  setState(
    repo: string,
    number: number,
    state: 'open' | 'closed',
    reason?: 'completed' | 'not_planned',
    call?: GithubCallOptions,
  ): Promise<GithubIssue>;
}

const DEFAULT_BASE_URL = 'https://api.github.com';
/** Issues looked through by findIssue before giving up: ten pages of a hundred. */
const MAX_PAGES = 10;
type GithubOctokit = InstanceType<typeof GithubOctokitClass>;
let octokitClass: Promise<typeof GithubOctokitClass> | undefined;
/** Octokit and its plugins, imported on the first GitHub call (see octokit.ts). */
const loadOctokit = (): Promise<typeof GithubOctokitClass> =>
  (octokitClass ??= import('./octokit.js').then((m) => m.GithubOctokit));
type RequestExtras = { signal?: AbortSignal; onRetry?: (notice: RetryNotice) => void };
const quietLog = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Creates a GitHub client on @octokit/rest with the retry and throttling plugins, one Octokit per token and URL. */
export function createGithubClient(options: GithubOptions = {}): GithubClient {
  const policy = retryPolicy(options.retries);
  const spacer = createWriteSpacer(options.writeSpacingMs ?? 1000, realSleep);
  const clients = new Map<string, GithubOctokit>();

  const octokitFor = async (
    call: GithubCallOptions,
    actionId: string,
  ): Promise<{ octokit: GithubOctokit; token: string }> => {
    const token = call.token ?? options.token;
    if (!token)
      throw new ActionError(
        actionId,
        'no GitHub token: give github({ token }) or the step a token from secrets:',
        {
          retryable: false,
        },
      );
    const baseUrl = (call.baseUrl ?? options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    const key = `${baseUrl}\n${token}`;
    const GithubOctokit = await loadOctokit();
    let octokit = clients.get(key);
    if (!octokit) {
      octokit = new GithubOctokit(octokitOptions(token, baseUrl, policy, spacer, options.fetch));
      clients.set(key, octokit);
    }
    return { octokit, token };
  };

  const perform = async <T>(
    actionId: string,
    what: string,
    call: GithubCallOptions,
    work: (octokit: GithubOctokit, request: RequestExtras) => Promise<T>,
  ): Promise<T> => {
    const { octokit, token } = await octokitFor(call, actionId);
    const request: RequestExtras = {
      ...(call.signal && { signal: call.signal }),
      ...(call.onRetry && { onRetry: call.onRetry }),
    };
    try {
      return await work(octokit, request);
    } catch (error) {
      if (call.signal?.aborted) throw call.signal.reason;
      throw githubError(actionId, what, error, [token]);
    }
  };

  return {
    createIssue: (repo, issue, call = {}) =>
      perform(
        call.actionId ?? 'github.createIssue',
        `opening an issue in ${repo}`,
        call,
        async (octokit, request) => {
          const { data } = await octokit.rest.issues.create({ ...split(repo), ...issue, request });
          return issueOf(data);
        },
      ),
    findIssue: (repo, query, call = {}) =>
      perform(
        call.actionId ?? 'github.findIssue',
        `listing issues of ${repo}`,
        call,
        async (octokit, request) => {
          const pages = octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
            ...split(repo),
            state: query.state ?? 'open',
            ...(query.labels?.length && { labels: query.labels.join(',') }),
            sort: 'created',
            direction: 'desc',
            per_page: 100,
            request,
          });
          let page = 0;
          for await (const { data } of pages) {
            const found = data.find(
              (issue) =>
                !issue.pull_request &&
                (query.title === undefined || issue.title.trim() === query.title.trim()) &&
                (query.bodyContains === undefined || (issue.body ?? '').includes(query.bodyContains)),
            );
            if (found) return issueOf(found);
            if (++page >= MAX_PAGES) break;
          }
          return undefined;
        },
      ),
    comment: (repo, number, body, call = {}) =>
      perform(
        call.actionId ?? 'github.comment',
        `commenting on ${repo}#${number}`,
        call,
        async (octokit, request) => {
          const { data } = await octokit.rest.issues.createComment({
            ...split(repo),
            issue_number: number,
            body,
            request,
          });
          return { id: data.id, url: data.html_url };
        },
      ),
    setState: (repo, number, state, reason, call = {}) =>
      perform(
        call.actionId ?? (state === 'open' ? 'github.reopenIssue' : 'github.closeIssue'),
        `${state === 'open' ? 'reopening' : 'closing'} ${repo}#${number}`,
        call,
        async (octokit, request) => {
          const { data } = await octokit.rest.issues.update({
            ...split(repo),
            issue_number: number,
            state,
            ...(state === 'closed' && reason && { state_reason: reason }),
            ...(state === 'open' && { state_reason: 'reopened' as const }),
            request,
          });
          return issueOf(data);
        },
      ),
  };
}

function octokitOptions(
  token: string,
  baseUrl: string,
  policy: RetryPolicy,
  spacer: ReturnType<typeof createWriteSpacer>,
  fetch: Fetch | undefined,
): ConstructorParameters<typeof GithubOctokitClass>[0] {
  // Both plugins call this with the seconds GitHub asked to wait; returning true retries. The wait is
  // ours (injectable, abortable) and the plugin's own is zeroed by retryAfterBaseValue: 0.
  const onLimit = async (
    retryAfter: number,
    request: { request?: RequestExtras },
    _octokit: unknown,
    retryCount: number,
  ): Promise<boolean> => {
    const delayMs = retryAfter * 1000;
    if (retryCount >= policy.max || delayMs > policy.maxDelayMs) return false;
    request.request?.onRetry?.({ retry: retryCount + 1, delayMs, reason: 'GitHub rate limit' });
    await policy.sleep(delayMs, request.request?.signal);
    return true;
  };
  return {
    auth: token,
    baseUrl,
    userAgent: 'firstline-notifiers',
    log: quietLog,
    // Not `request.retries`: plugin-retry then retries every failure, 401 and 422 included.
    ...(fetch && { request: { fetch } }),
    retry: {
      retries: policy.max,
      // 429 is the throttling plugin's to retry (after Retry-After), not plugin-retry's blind backoff.
      doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
      retryAfterBaseValue: policy.baseDelayMs,
    },
    throttle: {
      // Typed as returning void, but the plugin awaits the handler (Bottleneck events) and retries on true.
      // eslint-disable-next-line @typescript-eslint/no-misused-promises
      onRateLimit: onLimit,
      // eslint-disable-next-line @typescript-eslint/no-misused-promises
      onSecondaryRateLimit: onLimit,
      retryAfterBaseValue: 0,
      // The plugin spaces writes through process-wide Bottleneck groups; ours is per client and configurable.
      write: spacer as never,
      notifications: passThroughGroup as never,
    },
  };
}

function split(repo: string): { owner: string; repo: string } {
  const [owner = '', name = ''] = repo.split('/');
  return { owner, repo: name };
}

function issueOf(data: {
  number: number;
  html_url: string;
  state: string;
  title: string;
  labels: Array<string | { name?: string | null }>;
}): GithubIssue {
  return {
    number: data.number,
    url: data.html_url,
    state: data.state === 'closed' ? 'closed' : 'open',
    title: data.title,
    labels: data.labels
      .map((label) => (typeof label === 'string' ? label : (label.name ?? '')))
      .filter((name) => name !== ''),
  };
}
