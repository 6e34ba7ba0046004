import { ActionError, defineAction, withPrecompiledValidators } from '@firstline/core';
import type { ActionContext, ActionDefinition, FromSchema, JSONSchema } from '@firstline/core';
import { logRetries, planOf } from '../shared/actionSupport.js';
import { baseUrlSchema, credentialSchema, SECURE_URL_PATTERN } from '../shared/schemas.js';
import { RESENT_NOTE } from '../shared/resend.js';
import { preview } from '../shared/text.js';
import { approvalBlocks } from './approvalBlocks.js';
import { createSlackClient } from './createSlackClient.js';
import type { SlackClient, SlackOptions } from './createSlackClient.js';
import { redactingMessages } from '../shared/redactMessage.js';
import { precompiled } from '../actionValidators.generated.js';

const TS_PATTERN = '^[0-9]+\\.[0-9]+$' as const;
const common = {
  token: credentialSchema('Bot token, from secrets: (default: the one given to slack()).'),
  baseUrl: baseUrlSchema(
    'Slack Web API URL (default: the one given to slack(), else https://slack.com/api/).',
  ),
  text: {
    type: 'string',
    minLength: 1,
    maxLength: 40_000,
    description: 'The message, and the fallback of blocks.',
  },
  blocks: {
    type: 'array',
    maxItems: 50,
    items: { type: 'object', required: ['type'] },
    description: 'Block Kit blocks.',
  },
  unfurl: { type: 'boolean', default: false, description: 'Unfurl links and media in the text.' },
} as const satisfies Record<string, JSONSchema>;
const channel = { type: 'string', minLength: 1, description: 'Channel id or #name.' } as const;
const threadTs = { type: 'string', pattern: TS_PATTERN, description: 'Reply in this thread.' } as const;
const broadcast = {
  type: 'boolean',
  default: false,
  description: 'Also show the reply in the channel.',
} as const;
const output = {
  examples: [{ ts: '1712345678.000100', channel: 'C0123456789', via: 'api' }],
  type: 'object',
  additionalProperties: false,
  required: ['via'],
  properties: {
    ts: { type: 'string', description: 'The message ts (absent for webhooks, which do not say).' },
    channel: { type: 'string', description: 'The channel id.' },
    via: { enum: ['api', 'webhook'] },
  },
} as const satisfies JSONSchema;

const approval = {
  type: 'object',
  required: ['id'],
  // Open: an approve step may render its whole approval (`'{{ approval }}'`); the extra fields are ignored.
  properties: {
    id: {
      type: 'string',
      minLength: 1,
      maxLength: 2_000,
      description: 'The approval id, sent back by the buttons.',
    },
    message: { type: 'string', minLength: 1, description: 'The question (default: the text).' },
    url: {
      type: 'string',
      // Empty: the host has no console (what an approve step renders then).
      pattern: `^$|${SECURE_URL_PATTERN}`,
      description: 'A link to the approval in the console; empty for none.',
    },
    expiresAt: {
      type: ['string', 'number'],
      description:
        'When the approval expires: an ISO date (as an approve step gives it) or ms since the epoch.',
    },
  },
  description:
    "Ask for a decision: adds Approve and Deny buttons (an approve step's notify passes '{{ approval }}').",
} as const satisfies JSONSchema;

const slackPostInput = {
  type: 'object',
  additionalProperties: false,
  required: ['text'],
  // A webhook posts to its own channel; the Web API needs one named. Not `anyOf` channel/webhookUrl
  // here: the webhook may be the factory's, which the schema cannot see (run() says what is missing).
  not: { required: ['token', 'webhookUrl'] },
  properties: {
    ...common,
    webhookUrl: {
      type: 'string',
      pattern: SECURE_URL_PATTERN,
      description: 'Incoming webhook URL, from secrets: (default: the one given to slack()).',
    },
    channel,
    threadTs,
    broadcast,
    approval,
  },
} as const satisfies JSONSchema;

const slackReplyInput = {
  type: 'object',
  additionalProperties: false,
  required: ['channel', 'threadTs', 'text'],
  properties: { ...common, channel, threadTs, broadcast },
} as const satisfies JSONSchema;

const slackUpdateInput = {
  type: 'object',
  additionalProperties: false,
  required: ['channel', 'ts', 'text'],
  properties: {
    token: common.token,
    baseUrl: common.baseUrl,
    text: common.text,
    blocks: common.blocks,
    channel,
    ts: { type: 'string', pattern: TS_PATTERN, description: 'The ts of the message to update.' },
  },
} as const satisfies JSONSchema;

/** Input of `slack.post`. */
export type SlackPostInput = FromSchema<typeof slackPostInput>;

/** Input of `slack.reply`: a post in the thread of `threadTs`. */
export type SlackReplyInput = FromSchema<typeof slackReplyInput>;

/** Input of `slack.update`: new text and blocks for the message `ts`. */
export type SlackUpdateInput = FromSchema<typeof slackUpdateInput>;

/** Output of the Slack actions: where the message is (a webhook tells neither). */
export type SlackPostOutput = FromSchema<typeof output>;

const NO_TOKEN = 'no Slack bot token: give slack({ token }) or the step a token from secrets:';

/**
 * The Slack actions (`slack.post`, `slack.reply`, `slack.update`), sharing one client. A step's `token`,
 * `baseUrl` and `webhookUrl` override the factory's. Slack has no idempotency key: a retried post after
 * a 5xx or a lost connection can show twice. A post or reply interrupted by a crash is re-sent when the
 * run resumes (at least once), marked "(re-sent after an interruption)"; `slack.update` is not re-sent.
 *
 * @example
 * const actions = slack({ token: process.env.SLACK_TOKEN });
 */
export function slack(options: SlackOptions & { client?: SlackClient } = {}): ActionDefinition[] {
  const client = options.client ?? createSlackClient(options);
  const call = (input: { token?: string; baseUrl?: string }, ctx: ActionContext, actionId: string) => ({
    ...(input.token !== undefined && { token: input.token }),
    ...(input.baseUrl !== undefined && { baseUrl: input.baseUrl }),
    signal: ctx.signal,
    actionId,
    onRetry: logRetries(ctx, `Slack ${actionId}`),
  });
  const hasToken = (input: { token?: string }) => input.token !== undefined || options.token !== undefined;
  // A step's webhook, or a token, wins; a channel with the factory's token uses the Web API; else the factory's webhook.
  const viaWebhook = (input: SlackPostInput) =>
    input.webhookUrl !== undefined ||
    (input.token === undefined &&
      !(input.channel !== undefined && options.token !== undefined) &&
      options.webhookUrl !== undefined);

  const post = defineAction({
    id: 'slack.post',
    kind: 'notify',
    resendable: true,
    description: 'Posts a message to Slack (chat.postMessage with a bot token, or an incoming webhook).',
    input: slackPostInput,
    output,
    async run(input, ctx) {
      const message = messageOf(input, ctx);
      if (viaWebhook(input)) {
        await client.postWebhook(message, {
          ...(input.webhookUrl !== undefined && { webhookUrl: input.webhookUrl }),
          signal: ctx.signal,
          actionId: 'slack.post',
          onRetry: logRetries(ctx, 'Slack incoming webhook'),
        });
        return { via: 'webhook' as const };
      }
      if (input.channel === undefined)
        throw new ActionError(
          'slack.post',
          'no channel and no incoming webhook: give the step a channel (with a bot token) or a webhookUrl',
          { retryable: false },
        );
      const posted = await client.postMessage(
        { ...message, channel: input.channel },
        call(input, ctx, 'slack.post'),
      );
      return { ...posted, via: 'api' as const };
    },
    describe: (input) =>
      `post to ${viaWebhook(input) ? 'the Slack incoming webhook' : (input.channel ?? '(no channel)')}: ${preview(input.text)}`,
    plan(input) {
      const where = viaWebhook(input)
        ? 'the Slack incoming webhook'
        : `${input.channel ?? '(no channel)'}${input.threadTs ? ` (thread ${input.threadTs})` : ''}`;
      const missing = viaWebhook(input) ? undefined : hasToken(input) ? undefined : NO_TOKEN;
      return Promise.resolve(
        planOf(`would post to ${where}: ${preview(input.text)}`, `slack:${where}`, 'post a message', missing),
      );
    },
  });

  const reply = defineAction({
    id: 'slack.reply',
    kind: 'notify',
    resendable: true,
    description: 'Replies in the thread of an earlier Slack post (chat.postMessage with thread_ts).',
    input: slackReplyInput,
    output,
    async run(input, ctx) {
      const posted = await client.postMessage(
        { ...messageOf(input, ctx), channel: input.channel, threadTs: input.threadTs },
        call(input, ctx, 'slack.reply'),
      );
      return { ...posted, via: 'api' as const };
    },
    plan(input) {
      const where = `${input.channel} (thread ${input.threadTs})`;
      return Promise.resolve(
        planOf(
          `would reply in ${where}: ${preview(input.text)}`,
          `slack:${input.channel}`,
          `reply in thread ${input.threadTs}`,
          hasToken(input) ? undefined : NO_TOKEN,
        ),
      );
    },
  });

  const update = defineAction({
    id: 'slack.update',
    kind: 'notify',
    description: 'Replaces the text and blocks of an earlier Slack post (chat.update).',
    input: slackUpdateInput,
    output,
    async run(input, ctx) {
      const updated = await client.updateMessage(
        {
          channel: input.channel,
          ts: input.ts,
          text: input.text,
          ...(input.blocks && { blocks: input.blocks }),
        },
        call(input, ctx, 'slack.update'),
      );
      return { ...updated, via: 'api' as const };
    },
    plan(input) {
      return Promise.resolve(
        planOf(
          `would update message ${input.ts} in ${input.channel}: ${preview(input.text)}`,
          `slack:${input.channel}`,
          `update message ${input.ts}`,
          hasToken(input) ? undefined : NO_TOKEN,
        ),
      );
    },
  });

  return withPrecompiledValidators(
    precompiled,
    redactingMessages([post, reply, update] as ActionDefinition[]),
  );
}

/**
 * The message to post. A re-send (`ctx.resend`: the run was interrupted after it may have posted)
 * carries {@link RESENT_NOTE} in its text and, with blocks, as a context block: Slack has no key to
 * de-duplicate a post by, so a reader is told instead.
 */
function messageOf(input: Omit<SlackPostInput, 'channel'>, ctx?: ActionContext) {
  const resent = ctx?.resend === true;
  const note = { type: 'context', elements: [{ type: 'mrkdwn', text: `_${RESENT_NOTE}_` }] };
  const given = input.approval ? approvalBlocks(input.approval, input.text, input.blocks) : input.blocks;
  const blocks = given && (resent ? [...given, note] : given);
  return {
    text: resent ? `${input.text} ${RESENT_NOTE}` : input.text,
    ...(blocks && { blocks }),
    ...(input.threadTs && { threadTs: input.threadTs }),
    ...(input.broadcast && { broadcast: true }),
    ...(input.unfurl !== undefined && { unfurl: input.unfurl }),
  };
}
