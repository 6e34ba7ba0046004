import { startRecordingServer } from './recordingServer.js';
import type { RecordingServer, Reply } from './recordingServer.js';

// A local stand-in for Slack's Web API (chat.postMessage, chat.update) and an incoming webhook, checking
// requests the way Slack does: Bearer token, channel by id or #name, membership, text or blocks. Errors are
// Slack's: HTTP 200 with {"ok":false,"error":"channel_not_found"}; webhooks answer text ("ok", "no_service").

/** The only bot token the mock accepts. Obviously fake. */
export const SLACK_TOKEN = 'fake-token-slack-123';
/** The secret part of the mock's incoming webhook URL. */
export const WEBHOOK_SECRET = 'fake-webhook-secret-456';

/** A message the mock holds. */
export interface SlackStoredMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown;
  threadTs?: string;
  via: 'api' | 'webhook';
}

/** The mock Slack server and what it holds. */
export interface MockSlack extends RecordingServer {
  /** Base URL for WebClient's slackApiUrl. */
  apiUrl: string;
  /** The incoming webhook URL (posts to #alerts). */
  webhookUrl: string;
  messages: SlackStoredMessage[];
  /** Forgets messages, requests and faults. */
  reset(): void;
}

const CHANNELS = [
  { id: 'C0OPS0001', name: 'ops', member: true },
  { id: 'C0ALERTS1', name: 'alerts', member: true },
  { id: 'C0SECRET1', name: 'secret', member: false },
];

/** Starts the mock Slack API on a loopback port (`port`, default one the OS picks). */
export async function startMockSlack(port = 0): Promise<MockSlack> {
  const messages: SlackStoredMessage[] = [];
  let clock = 1_712_000_000;
  const nextTs = () => `${clock++}.000100`;
  const slackError = (error: string, extra: Record<string, unknown> = {}): Reply => ({
    status: 200,
    body: { ok: false, error, ...extra },
  });

  const server = await startRecordingServer((request) => {
    if (request.path.startsWith('/services/')) {
      if (request.method !== 'POST') return { status: 405, body: 'invalid_method' };
      if (request.path !== `/services/T000FAKE/B000FAKE/${WEBHOOK_SECRET}`)
        return { status: 404, body: 'no_service' };
      const payload = request.body;
      if (!payload) return { status: 400, body: 'invalid_payload' };
      if (typeof payload.text !== 'string' && !Array.isArray(payload.blocks))
        return { status: 400, body: 'no_text' };
      if (payload.blocks !== undefined && blocksProblem(payload.blocks))
        return { status: 400, body: 'invalid_blocks' };
      messages.push({
        channel: 'C0ALERTS1',
        ts: nextTs(),
        text: payload.text as string,
        blocks: payload.blocks,
        via: 'webhook',
      });
      return { status: 200, body: 'ok' };
    }
    const method = request.path.replace(/^\/api\//, '');
    if (request.method !== 'POST') return { status: 405, body: '' };
    const auth = request.headers.authorization;
    if (!auth) return slackError('not_authed');
    if (auth !== `Bearer ${SLACK_TOKEN}`) return slackError('invalid_auth');
    const args = request.body ?? {};
    const name = (typeof args.channel === 'string' ? args.channel : '').replace(/^#/, '');
    const channel = CHANNELS.find((c) => c.id === name || c.name === name);
    if (method === 'chat.postMessage') {
      if (!channel) return slackError('channel_not_found');
      if (!channel.member) return slackError('not_in_channel');
      if (typeof args.text !== 'string' && args.blocks === undefined) return slackError('no_text');
      const problem = args.blocks === undefined ? undefined : blocksProblem(args.blocks);
      if (problem) return slackError('invalid_blocks', { response_metadata: { messages: [problem] } });
      const message: SlackStoredMessage = {
        channel: channel.id,
        ts: nextTs(),
        text: args.text as string,
        blocks: args.blocks,
        via: 'api',
        ...(typeof args.thread_ts === 'string' && { threadTs: args.thread_ts }),
      };
      messages.push(message);
      return {
        status: 200,
        body: {
          ok: true,
          channel: channel.id,
          ts: message.ts,
          message: { type: 'message', text: message.text, ts: message.ts },
        },
      };
    }
    if (method === 'chat.update') {
      if (!channel) return slackError('channel_not_found');
      const message = messages.find((m) => m.channel === channel.id && m.ts === args.ts);
      if (!message) return slackError('message_not_found');
      message.text = args.text as string;
      message.blocks = args.blocks;
      return { status: 200, body: { ok: true, channel: channel.id, ts: message.ts, text: message.text } };
    }
    return slackError('unknown_method');
  }, port);

  return Object.assign(server, {
    apiUrl: `${server.url}/api/`,
    webhookUrl: `${server.url}/services/T000FAKE/B000FAKE/${WEBHOOK_SECRET}`,
    messages,
    reset() {
      messages.length = 0;
      server.clear();
    },
  });
}

/**
 * The first Block Kit problem in `blocks`, as Slack words it (`[ERROR] … [json-pointer:/blocks/0/…]`),
 * or undefined. Checks what Firstline sends: block types, text objects, buttons and Slack's limits.
 */
export function blocksProblem(blocks: unknown): string | undefined {
  if (!Array.isArray(blocks)) return '[ERROR] must be an array [json-pointer:/blocks]';
  if (blocks.length > 50) return '[ERROR] no more than 50 items allowed [json-pointer:/blocks]';
  for (const [i, value] of blocks.entries()) {
    const at = `/blocks/${i}`;
    const block = record(value);
    if (!block || typeof block.type !== 'string')
      return `[ERROR] missing required field: type [json-pointer:${at}]`;
    if (!BLOCK_TYPES.has(block.type))
      return `[ERROR] unsupported type: ${block.type} [json-pointer:${at}/type]`;
    if (typeof block.block_id === 'string' && block.block_id.length > 255)
      return `[ERROR] must be less than 256 characters [json-pointer:${at}/block_id]`;
    const problem =
      block.type === 'section'
        ? textProblem(block.text, `${at}/text`, 3_000)
        : block.type === 'header'
          ? textProblem(block.text, `${at}/text`, 150, 'plain_text')
          : block.type === 'context'
            ? listProblem(block.elements, `${at}/elements`, 10, (e, p) => textProblem(e, p, 3_000))
            : block.type === 'actions'
              ? listProblem(block.elements, `${at}/elements`, 25, elementProblem)
              : undefined;
    if (problem) return problem;
  }
  return undefined;
}

const BLOCK_TYPES = new Set(['section', 'header', 'context', 'actions', 'divider', 'image', 'rich_text']);

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function textProblem(value: unknown, at: string, max: number, only?: string): string | undefined {
  const text = record(value);
  if (!text) return `[ERROR] must provide an object [json-pointer:${at}]`;
  if (text.type !== 'plain_text' && text.type !== 'mrkdwn')
    return `[ERROR] must be one of plain_text, mrkdwn [json-pointer:${at}/type]`;
  if (only && text.type !== only) return `[ERROR] must be ${only} [json-pointer:${at}/type]`;
  if (typeof text.text !== 'string' || text.text.length === 0)
    return `[ERROR] must be more than 0 characters [json-pointer:${at}/text]`;
  if (text.text.length > max)
    return `[ERROR] must be less than ${max + 1} characters [json-pointer:${at}/text]`;
  return undefined;
}

function listProblem(
  value: unknown,
  at: string,
  max: number,
  each: (item: unknown, at: string) => string | undefined,
): string | undefined {
  if (!Array.isArray(value) || value.length === 0)
    return `[ERROR] must provide an array [json-pointer:${at}]`;
  if (value.length > max) return `[ERROR] no more than ${max} items allowed [json-pointer:${at}]`;
  for (const [i, item] of value.entries()) {
    const problem = each(item, `${at}/${i}`);
    if (problem) return problem;
  }
  return undefined;
}

function elementProblem(value: unknown, at: string): string | undefined {
  const element = record(value);
  if (!element || element.type !== 'button')
    return `[ERROR] this mock knows buttons only [json-pointer:${at}/type]`;
  const label = textProblem(element.text, `${at}/text`, 75, 'plain_text');
  if (label) return label;
  if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger')
    return `[ERROR] must be one of primary, danger [json-pointer:${at}/style]`;
  for (const [key, max] of [
    ['action_id', 255],
    ['value', 2_000],
    ['url', 3_000],
  ] as const) {
    const field = element[key];
    if (field === undefined) continue;
    if (typeof field !== 'string' || field.length === 0 || field.length > max)
      return `[ERROR] must be 1 to ${max} characters [json-pointer:${at}/${key}]`;
  }
  return undefined;
}
