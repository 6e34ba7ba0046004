import { defineAction, withPrecompiledValidators } from '@firstline/core';
import type { ActionContext, ActionDefinition, FromSchema, JSONSchema } from '@firstline/core';
import { logRetries, planOf } from '../shared/actionSupport.js';
import { baseUrlSchema, credentialSchema, stringList } from '../shared/schemas.js';
import { RESENT_NOTE } from '../shared/resend.js';
import { preview } from '../shared/text.js';
import { createGithubClient } from './createGithubClient.js';
import type { GithubClient, GithubOptions } from './createGithubClient.js';
import { redactingMessages } from '../shared/redactMessage.js';
import { precompiled } from '../actionValidators.generated.js';

/** Where a step sends its GitHub request, overriding the factory's defaults. */
export interface GithubTarget {
  /** `owner/name`. */
  repo: string;
  token?: string;
  baseUrl?: string;
}

/** Input of `github.createIssue`. */
export type GithubCreateIssueInput = FromSchema<typeof githubCreateIssueInput>;

/** Input of `github.findIssue`. */
export type GithubFindIssueInput = FromSchema<typeof githubFindIssueInput>;

/** Input of `github.comment`. */
export type GithubCommentInput = FromSchema<typeof githubCommentInput>;

/** Input of `github.reopenIssue` and `github.closeIssue`. */
export interface GithubStateInput extends GithubTarget {
  number: number;
  /** Posted on the issue first, saying why. */
  comment?: string;
  /** Closing only: `completed` (default) or `not_planned`. */
  reason?: 'completed' | 'not_planned';
}

const repo = {
  type: 'string',
  pattern: '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$',
  description: 'owner/name',
} as const;
const auth = {
  token: credentialSchema('A GitHub token, from secrets: (default: the one given to github()).'),
  baseUrl: baseUrlSchema('GitHub Enterprise API URL (https://<host>/api/v3).'),
} as const satisfies Record<string, JSONSchema>;
const number = { type: 'integer', minimum: 1 } as const;
const markdown = { type: 'string', minLength: 1, maxLength: 65_536 } as const;
const issueOutput = { number: { type: 'integer', minimum: 1 }, url: { type: 'string' } } as const;
const issueResult = {
  examples: [{ number: 42, url: 'https://github.com/acme/web/issues/42' }],
  type: 'object',
  additionalProperties: false,
  required: ['number', 'url'],
  properties: issueOutput,
} as const satisfies JSONSchema;
const githubCreateIssueInput = {
  type: 'object',
  additionalProperties: false,
  required: ['repo', 'title'],
  properties: {
    repo,
    title: { type: 'string', minLength: 1, maxLength: 256 },
    body: { type: 'string', maxLength: 65_536 },
    labels: stringList,
    assignees: stringList,
    dedupe: { type: 'boolean', default: false },
    ...auth,
  },
} as const satisfies JSONSchema;

const githubCreateIssueOutput = {
  examples: [{ number: 42, url: 'https://github.com/acme/web/issues/42', created: true }],
  type: 'object',
  additionalProperties: false,
  required: ['number', 'url', 'created'],
  properties: {
    ...issueOutput,
    created: { type: 'boolean', description: 'False when dedupe found one.' },
  },
} as const satisfies JSONSchema;

const githubFindIssueInput = {
  type: 'object',
  additionalProperties: false,
  required: ['repo'],
  anyOf: [{ required: ['title'] }, { required: ['labels'] }],
  properties: {
    repo,
    title: { type: 'string', minLength: 1, maxLength: 256, description: 'Matched exactly.' },
    labels: { ...stringList, minItems: 1, description: 'Issues carrying all of them.' },
    state: { enum: ['open', 'closed', 'all'], default: 'open' },
    ...auth,
  },
} as const satisfies JSONSchema;

const githubFindIssueOutput = {
  examples: [
    {
      found: true,
      number: 42,
      url: 'https://github.com/acme/web/issues/42',
      state: 'open',
      title: 'web-1 is down',
    },
  ],
  type: 'object',
  additionalProperties: false,
  required: ['found'],
  properties: {
    found: { type: 'boolean' },
    ...issueOutput,
    state: { enum: ['open', 'closed'] },
    title: { type: 'string' },
  },
} as const satisfies JSONSchema;

const githubCommentInput = {
  type: 'object',
  additionalProperties: false,
  required: ['repo', 'number', 'body'],
  properties: { repo, number, body: markdown, ...auth },
} as const satisfies JSONSchema;

const githubCommentOutput = {
  examples: [{ id: 2045678901, url: 'https://github.com/acme/web/issues/42#issuecomment-2045678901' }],
  type: 'object',
  additionalProperties: false,
  required: ['id', 'url'],
  properties: { id: { type: 'integer' }, url: { type: 'string' } },
} as const satisfies JSONSchema;

/** What `github.createIssue` returns. */
export type GithubCreateIssueOutput = FromSchema<typeof githubCreateIssueOutput>;

/** What `github.findIssue` returns. */
export type GithubFindIssueOutput = FromSchema<typeof githubFindIssueOutput>;

/** What `github.comment` returns. */
export type GithubCommentOutput = FromSchema<typeof githubCommentOutput>;

const NO_TOKEN = 'no GitHub token: give github({ token }) or the step a token from secrets:';

/**
 * The hidden line every issue the run opens carries (an HTML comment: not shown on the page), naming the
 * run, step and visit: a re-send after a crash finds the issue by it instead of opening a second one.
 */
function runMarker(ctx: Pick<ActionContext, 'idempotencyKey'>): string {
  return `<!-- firstline:${ctx.idempotencyKey.replace(/--/g, '-\u200b-')} -->`;
}

/**
 * The GitHub actions: `github.createIssue` (with `dedupe`), `github.findIssue` (a probe),
 * `github.comment`, `github.reopenIssue`, `github.closeIssue`, sharing one client.
 *
 * @example
 * const actions = github({ token: process.env.GITHUB_TOKEN, baseUrl: 'https://ghe.example.com/api/v3' });
 */
export function github(options: GithubOptions & { client?: GithubClient } = {}): ActionDefinition[] {
  const client = options.client ?? createGithubClient(options);
  const call = (input: GithubTarget, ctx: ActionContext, actionId: string) => ({
    ...(input.token !== undefined && { token: input.token }),
    ...(input.baseUrl !== undefined && { baseUrl: input.baseUrl }),
    signal: ctx.signal,
    actionId,
    onRetry: logRetries(ctx, `GitHub ${actionId}`),
  });
  const missing = (input: GithubTarget) =>
    input.token === undefined && options.token === undefined ? NO_TOKEN : undefined;

  const createIssue = defineAction({
    id: 'github.createIssue',
    kind: 'notify',
    resendable: true,
    description:
      'Opens a GitHub issue; with dedupe, returns an open issue of the same title instead of opening another.',
    input: githubCreateIssueInput,
    output: githubCreateIssueOutput,
    async run(input, ctx) {
      const target = call(input, ctx, 'github.createIssue');
      const marker = runMarker(ctx);
      // Sent again after a crash: the issue the interrupted attempt may have opened carries its marker.
      if (ctx.resend) {
        const opened = await client.findIssue(
          input.repo,
          { ...(input.labels?.length && { labels: input.labels }), bodyContains: marker },
          target,
        );
        if (opened) {
          ctx.logger.info(
            `found ${input.repo}#${opened.number}, opened by this step before the run was interrupted; not opening another`,
          );
          return { number: opened.number, url: opened.url, created: false };
        }
      }
      if (input.dedupe) {
        const open = await client.findIssue(
          input.repo,
          { title: input.title, labels: input.labels ?? [] },
          target,
        );
        if (open) {
          ctx.logger.info(
            `found open issue ${input.repo}#${open.number} with this title; not opening another`,
          );
          return { number: open.number, url: open.url, created: false };
        }
      }
      const issue = await client.createIssue(
        input.repo,
        {
          title: input.title,
          body: input.body !== undefined ? `${input.body}\n\n${marker}` : marker,
          ...(input.labels && { labels: input.labels }),
          ...(input.assignees && { assignees: input.assignees }),
        },
        target,
      );
      return { number: issue.number, url: issue.url, created: true };
    },
    describe: (input) => `open an issue in ${input.repo}: ${preview(input.title)}`,
    plan(input) {
      const unless = input.dedupe ? ' (unless an open issue has this title)' : '';
      return Promise.resolve(
        planOf(
          `would open an issue in ${input.repo}${unless}: ${preview(input.title)}`,
          `github:${input.repo}`,
          'open an issue',
          missing(input),
        ),
      );
    },
  });

  const findIssue = defineAction({
    id: 'github.findIssue',
    kind: 'probe',
    description: 'Finds the newest GitHub issue with a title and/or labels (open ones unless told).',
    idempotent: true,
    input: githubFindIssueInput,
    output: githubFindIssueOutput,
    async run(input, ctx) {
      const issue = await client.findIssue(
        input.repo,
        {
          ...(input.title !== undefined && { title: input.title }),
          ...(input.labels && { labels: input.labels }),
          ...(input.state && { state: input.state }),
        },
        call(input, ctx, 'github.findIssue'),
      );
      if (!issue) return { found: false };
      return { found: true, number: issue.number, url: issue.url, state: issue.state, title: issue.title };
    },
  });

  const comment = defineAction({
    id: 'github.comment',
    kind: 'notify',
    resendable: true,
    description: 'Comments on a GitHub issue (progress, what the run found, a run report).',
    input: githubCommentInput,
    output: githubCommentOutput,
    // A comment has no key to find it by: a re-sent one says so.
    run: (input, ctx) =>
      client.comment(
        input.repo,
        input.number,
        ctx.resend ? `${input.body}\n\n_${RESENT_NOTE}_` : input.body,
        call(input, ctx, 'github.comment'),
      ),
    plan(input) {
      return Promise.resolve(
        planOf(
          `would comment on ${input.repo}#${input.number}: ${preview(input.body)}`,
          `github:${input.repo}#${input.number}`,
          'comment',
          missing(input),
        ),
      );
    },
  });

  const stateAction = (state: 'open' | 'closed') => {
    const id = state === 'open' ? 'github.reopenIssue' : 'github.closeIssue';
    const verb = state === 'open' ? 'reopen' : 'close';
    return defineAction<GithubStateInput, { number: number; url: string }>({
      id,
      kind: 'notify',
      description:
        state === 'open'
          ? 'Reopens a GitHub issue, with an optional comment saying why.'
          : 'Closes a GitHub issue (completed or not planned), with an optional comment saying why.',
      idempotent: true,
      input: {
        type: 'object',
        additionalProperties: false,
        required: ['repo', 'number'],
        properties: {
          repo,
          number,
          comment: markdown,
          ...(state === 'closed' && { reason: { enum: ['completed', 'not_planned'], default: 'completed' } }),
          ...auth,
        },
      },
      output: issueResult,
      async run(input, ctx) {
        const target = call(input, ctx, id);
        // Closing: the comment first, so it reads as the reason. Reopening: after, below the reopen event.
        if (input.comment !== undefined && state === 'closed')
          await client.comment(input.repo, input.number, input.comment, target);
        const reason = state === 'closed' ? (input.reason ?? 'completed') : undefined;
        const issue = await client.setState(input.repo, input.number, state, reason, target);
        if (input.comment !== undefined && state === 'open')
          await client.comment(input.repo, input.number, input.comment, target);
        return { number: issue.number, url: issue.url };
      },
      describe: (input) => `${verb} ${input.repo}#${input.number}`,
      plan(input) {
        const why = state === 'closed' ? ` (${input.reason ?? 'completed'})` : '';
        const said = input.comment !== undefined ? `, commenting: ${preview(input.comment)}` : '';
        return Promise.resolve(
          planOf(
            `would ${verb} ${input.repo}#${input.number}${why}${said}`,
            `github:${input.repo}#${input.number}`,
            verb,
            missing(input),
          ),
        );
      },
    });
  };

  return withPrecompiledValidators(
    precompiled,
    redactingMessages([
      createIssue,
      findIssue,
      comment,
      stateAction('open'),
      stateAction('closed'),
    ] as ActionDefinition[]),
  );
}
