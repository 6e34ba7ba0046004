// Stand-ins for the notifiers of @firstline/notifiers (issue 7): the schemas the example playbooks
// are validated against. Deleted, with examples/src/pending-actions.ts, when it lands.
import { pendingAction, stringList, stringMap } from './shared.js';

const pkg = '@firstline/notifiers';

const githubRepo = {
  type: 'string',
  pattern: '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$',
  description: 'owner/name',
};
const githubAuth = {
  token: {
    type: 'string',
    minLength: 1,
    description: 'A GitHub token, from secrets: (default: the one given to github()).',
  },
  baseUrl: { type: 'string', pattern: '^https://', description: 'GitHub Enterprise API URL.' },
};
const issueOutput = {
  number: { type: 'integer', minimum: 1 },
  url: { type: 'string' },
};

/** `slack.post`: chat.postMessage with a bot token, or an incoming webhook. */
export const slackPost = pendingAction(pkg, {
  id: 'slack.post',
  kind: 'notify',
  description: 'Posts a message to Slack (chat.postMessage with a bot token, or an incoming webhook).',
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['text'],
    // A webhook posts to its own channel; the Web API needs one named.
    anyOf: [{ required: ['channel'] }, { required: ['webhookUrl'] }],
    not: { required: ['token', 'webhookUrl'] },
    properties: {
      token: {
        type: 'string',
        minLength: 1,
        description: 'Bot token, from secrets: (default: the one given to slack()).',
      },
      webhookUrl: {
        type: 'string',
        pattern: '^https://',
        description: 'Incoming webhook URL, from secrets:.',
      },
      channel: { type: 'string', minLength: 1, description: 'Channel id or #name.' },
      text: {
        type: 'string',
        minLength: 1,
        maxLength: 40_000,
        description: 'The message, and the fallback of blocks.',
      },
      blocks: { type: 'array', maxItems: 50, items: { type: 'object', required: ['type'] } },
      threadTs: { type: 'string', pattern: '^[0-9]+\\.[0-9]+$', description: 'Reply in this thread.' },
    },
  },
  output: {
    type: 'object',
    additionalProperties: false,
    required: ['ts'],
    properties: { ts: { type: 'string' }, channel: { type: 'string' } },
  },
});

/** `opsgenie.createAlert`: one alert per incident, de-duplicated by `alias`. */
export const opsgenieCreateAlert = pendingAction(pkg, {
  id: 'opsgenie.createAlert',
  kind: 'notify',
  description: 'Creates an OpsGenie alert; an open alert with the same alias is updated, not duplicated.',
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['message'],
    properties: {
      message: { type: 'string', minLength: 1, maxLength: 130 },
      alias: { type: 'string', minLength: 1, maxLength: 512 },
      description: { type: 'string', maxLength: 15_000 },
      priority: { enum: ['P1', 'P2', 'P3', 'P4', 'P5'], default: 'P3' },
      tags: { ...stringList, maxItems: 20 },
      responders: {
        type: 'array',
        maxItems: 50,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['type'],
          anyOf: [{ required: ['id'] }, { required: ['name'] }, { required: ['username'] }],
          properties: {
            type: { enum: ['team', 'user', 'escalation', 'schedule'] },
            id: { type: 'string' },
            name: { type: 'string' },
            username: { type: 'string' },
          },
        },
      },
      details: stringMap,
      entity: { type: 'string', maxLength: 512 },
      source: { type: 'string', maxLength: 100 },
      apiKey: {
        type: 'string',
        minLength: 1,
        description: 'API key, from secrets: (default: the one given to opsgenie()).',
      },
      region: { enum: ['us', 'eu'], default: 'us', description: 'Which OpsGenie API host.' },
    },
  },
  output: {
    type: 'object',
    additionalProperties: false,
    required: ['requestId'],
    properties: { requestId: { type: 'string' }, alias: { type: 'string' } },
  },
});

/** `github.createIssue`: opens an issue, or returns the open one with the same title when `dedupe` is set. */
export const githubCreateIssue = pendingAction(pkg, {
  id: 'github.createIssue',
  kind: 'notify',
  description:
    'Opens a GitHub issue; with dedupe, returns an open issue of the same title instead of opening another.',
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['repo', 'title'],
    properties: {
      repo: githubRepo,
      title: { type: 'string', minLength: 1, maxLength: 256 },
      body: { type: 'string', maxLength: 65_536 },
      labels: stringList,
      assignees: stringList,
      dedupe: { type: 'boolean', default: false },
      ...githubAuth,
    },
  },
  output: {
    type: 'object',
    additionalProperties: false,
    required: ['number', 'url', 'created'],
    properties: { ...issueOutput, created: { type: 'boolean', description: 'False when dedupe found one.' } },
  },
});

/** `github.reopenIssue`: reopens an issue, optionally saying why. */
export const githubReopenIssue = pendingAction(pkg, {
  id: 'github.reopenIssue',
  kind: 'notify',
  description: 'Reopens a GitHub issue, with an optional comment saying why.',
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['repo', 'number'],
    properties: {
      repo: githubRepo,
      number: { type: 'integer', minimum: 1 },
      comment: { type: 'string', minLength: 1, maxLength: 65_536 },
      ...githubAuth,
    },
  },
  output: {
    type: 'object',
    additionalProperties: false,
    required: ['number', 'url'],
    properties: issueOutput,
  },
});

/** Every pending notifier. */
export const pendingNotifierActions = [slackPost, opsgenieCreateAlert, githubCreateIssue, githubReopenIssue];
