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
      if (args.blocks !== undefined && !validBlocks(args.blocks))
        return slackError('invalid_blocks', {
          response_metadata: { messages: ['[ERROR] missing required field: type [json-pointer:/blocks/0]'] },
        });
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

function validBlocks(blocks: unknown): boolean {
  return Array.isArray(blocks) && blocks.every((b) => typeof b === 'object' && b !== null && 'type' in b);
}
