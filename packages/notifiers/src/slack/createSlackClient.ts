import { AsyncLocalStorage } from 'node:async_hooks';
import { ActionError } from '@firstline/core';
import type { WebClient, WebClientOptions } from '@slack/web-api';
import { sendRequest } from '../shared/http.js';
import type { Fetch } from '../shared/http.js';
import { retryPolicy, withRetries } from '../shared/retry.js';
import type { RetryNotice, RetryOptions } from '../shared/retry.js';
import { slackError, webhookError } from './slackErrors.js';

/** Where and how {@link createSlackClient} reaches Slack. */
export interface SlackOptions {
  /** Default bot token (`chat:write`), used when a call gives none. */
  token?: string;
  /** Web API base URL; defaults to `https://slack.com/api/`. */
  baseUrl?: string;
  /** Default incoming webhook URL (itself a credential: keep it in secrets). */
  webhookUrl?: string;
  /** Retries on 429 (after Retry-After), 5xx and network failures. */
  retries?: RetryOptions;
  /** The fetch used for every request (proxies, tests). */
  fetch?: Fetch;
}

/** A message for `chat.postMessage` / `chat.update`: plain text, which is also the fallback of `blocks`. */
export interface SlackMessage {
  /** Channel id (`C0123…`) or `#name`. */
  channel: string;
  /** The message; shown in notifications and where blocks cannot be. */
  text: string;
  /** Block Kit blocks. */
  blocks?: unknown[];
  /** Post as a reply in this thread. */
  threadTs?: string;
  /** A thread reply also shown in the channel. */
  broadcast?: boolean;
  /** Let Slack unfurl links in the text (off by default: health-check URLs make noisy previews). */
  unfurl?: boolean;
}

/** Per-call settings: credentials overriding the client's defaults, cancellation, retry notices. */
export interface SlackCallOptions {
  /** Bot token for this call. */
  token?: string;
  /** Web API base URL for this call. */
  baseUrl?: string;
  /** Aborts the call, including a retry wait. */
  signal?: AbortSignal;
  /** Told before each retry wait. */
  onRetry?: (notice: RetryNotice) => void;
  /** The action named in errors; defaults to the method's action (`slack.post`…). */
  actionId?: string;
}

/** Where a message landed: its channel id and `ts`, the handle replies and updates need. */
export interface SlackPosted {
  /** The message's timestamp id. */
  ts: string;
  /** The channel id. */
  channel: string;
}

/** A Slack client with bounded retries: Web API posts, replies and updates, and incoming webhooks. */
export interface SlackClient {
  /** `chat.postMessage`. */
  postMessage(message: SlackMessage, call?: SlackCallOptions): Promise<SlackPosted>;
  /** `chat.update` of the message `ts` in `channel`. */
  updateMessage(
    message: Omit<SlackMessage, 'threadTs' | 'broadcast'> & { ts: string },
    call?: SlackCallOptions,
  ): Promise<SlackPosted>;
  /** Posts to an incoming webhook (`webhookUrl`, or the client's); webhooks return no `ts`. */
  postWebhook(
    message: Omit<SlackMessage, 'channel' | 'broadcast'>,
    call?: Omit<SlackCallOptions, 'token' | 'baseUrl'> & { webhookUrl?: string },
  ): Promise<void>;
}

const DEFAULT_BASE_URL = 'https://slack.com/api/';

// WebClient logs through console by default; the step's own log gets the retries instead.
const quietLogger: NonNullable<WebClientOptions['logger']> = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => 'error' as never,
  setName: () => undefined,
};

/**
 * Creates a Slack client on @slack/web-api. Its own retry policy (ten retries over half an hour) is
 * replaced by ours: rate-limited calls are rejected to us, and retried after Retry-After within
 * `retries.maxDelayMs`. One WebClient per token and base URL, made once and reused.
 */
export function createSlackClient(options: SlackOptions = {}): SlackClient {
  const policy = retryPolicy(options.retries);
  const baseFetch = options.fetch ?? globalThis.fetch;
  // WebClient takes no per-call signal; the call's signal reaches its fetch through this store.
  const callSignal = new AsyncLocalStorage<AbortSignal | undefined>();
  const fetchWithSignal: Fetch = (input, init) => {
    const signal = callSignal.getStore();
    const signals = [signal, init?.signal ?? undefined].filter((s): s is AbortSignal => s != null);
    const merged = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    return baseFetch(input, { ...init, ...(merged && { signal: merged }) });
  };
  const clients = new Map<string, WebClient>();
  const webClient = async (token: string, baseUrl: string): Promise<WebClient> => {
    // Imported on the first call, so loading the notifiers to read a playbook does not load it.
    const slack = await import('@slack/web-api');
    // A bundle split into chunks (the CLI's) may hand back the CommonJS exports as `default` only.
    const WebClient = slack.WebClient ?? (slack as unknown as { default: typeof slack }).default.WebClient;
    const key = `${baseUrl}\n${token}`;
    let client = clients.get(key);
    if (!client) {
      // The token lives in the client's Authorization header, never in request bodies.
      client = new WebClient(token, {
        slackApiUrl: baseUrl,
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
        logger: quietLogger,
        fetch: fetchWithSignal,
      });
      clients.set(key, client);
    }
    return client;
  };

  const callApi = async (
    method: 'chat.postMessage' | 'chat.update',
    args: Record<string, unknown>,
    call: SlackCallOptions,
    defaultActionId: string,
  ): Promise<SlackPosted> => {
    const actionId = call.actionId ?? defaultActionId;
    const token = call.token ?? options.token;
    if (!token)
      throw new ActionError(
        actionId,
        'no Slack bot token: give slack({ token }) or the step a token from secrets:',
        { retryable: false },
      );
    const client = await webClient(token, call.baseUrl ?? options.baseUrl ?? DEFAULT_BASE_URL);
    const result = await withRetries(
      policy,
      call.signal,
      async () => {
        try {
          return await callSignal.run(call.signal, () => client.apiCall(method, args));
        } catch (error) {
          if (call.signal?.aborted) throw call.signal.reason;
          throw slackError(actionId, method, error, [token]);
        }
      },
      call.onRetry,
    );
    const posted = result as { ts?: unknown; channel?: unknown };
    return {
      ts: typeof posted.ts === 'string' ? posted.ts : '',
      channel: typeof posted.channel === 'string' ? posted.channel : '',
    };
  };

  return {
    postMessage(message, call = {}) {
      return callApi(
        'chat.postMessage',
        {
          channel: message.channel,
          text: message.text,
          ...(message.blocks && { blocks: message.blocks }),
          ...(message.threadTs && { thread_ts: message.threadTs }),
          ...(message.threadTs && message.broadcast && { reply_broadcast: true }),
          unfurl_links: message.unfurl ?? false,
          unfurl_media: message.unfurl ?? false,
        },
        call,
        message.threadTs ? 'slack.reply' : 'slack.post',
      );
    },
    updateMessage(message, call = {}) {
      return callApi(
        'chat.update',
        {
          channel: message.channel,
          ts: message.ts,
          text: message.text,
          ...(message.blocks && { blocks: message.blocks }),
        },
        call,
        'slack.update',
      );
    },
    async postWebhook(message, call = {}) {
      const actionId = call.actionId ?? 'slack.post';
      const url = call.webhookUrl ?? options.webhookUrl;
      if (!url)
        throw new ActionError(actionId, 'no Slack incoming webhook URL was given', { retryable: false });
      const body = {
        text: message.text,
        ...(message.blocks && { blocks: message.blocks }),
        ...(message.threadTs && { thread_ts: message.threadTs }),
        unfurl_links: message.unfurl ?? false,
        unfurl_media: message.unfurl ?? false,
      };
      await withRetries(
        policy,
        call.signal,
        async () => {
          const reply = await sendRequest({
            actionId,
            api: 'Slack incoming webhook',
            url,
            method: 'POST',
            body,
            fetch: baseFetch,
            credentials: [url],
            ...(call.signal && { signal: call.signal }),
          });
          if (reply.status !== 200)
            throw webhookError(actionId, reply.status, reply.text, reply.retryAfterMs, [url]);
        },
        call.onRetry,
      );
    },
  };
}
