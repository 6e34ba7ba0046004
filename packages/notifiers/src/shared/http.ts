import { ActionError } from '@firstline/core';
import type { RetryAdvice } from '@firstline/core';
import { parseRetryAfter, retryAdviceForStatus } from '@firstline/core/action-kit';
import { scrub } from './text.js';

/** The `fetch` a notifier calls; injectable for proxies and tests. */
export type Fetch = typeof globalThis.fetch;

/** An HTTP response read in full. */
export interface HttpReply {
  /** The status code. */
  status: number;
  /** The Retry-After header in milliseconds, when the server sent one. */
  retryAfterMs?: number;
  /** The body as text. */
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/** One HTTP request of a notifier. */
export interface HttpRequest {
  /** The action the request is made for, named in errors. */
  actionId: string;
  /** The API, as errors name it ("OpsGenie", "Slack incoming webhook"). */
  api: string;
  /** The full URL. Never put it in a message when it is itself a credential (webhooks). */
  url: string;
  method: 'GET' | 'POST' | 'PATCH';
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  signal?: AbortSignal;
  fetch?: Fetch;
  /** Values scrubbed from any message this request produces (keys, webhook URLs). */
  credentials?: ReadonlyArray<string | undefined>;
}

/**
 * Sends one request and reads the whole reply. A failure to reach the server is a retryable `network`
 * ActionError that names the system error code (ECONNREFUSED…) but not the URL; HTTP errors are returned,
 * for the caller to read the API's own error out of them.
 */
export async function sendRequest(request: HttpRequest): Promise<HttpReply> {
  const doFetch = request.fetch ?? globalThis.fetch;
  let response: Response;
  let text: string;
  try {
    response = await doFetch(request.url, {
      method: request.method,
      headers: {
        accept: 'application/json',
        ...(request.body !== undefined && { 'content-type': 'application/json; charset=utf-8' }),
        ...request.headers,
      },
      ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
      ...(request.signal && { signal: request.signal }),
      redirect: 'error',
    });
    text = await response.text();
  } catch (error) {
    if (request.signal?.aborted) throw request.signal.reason;
    const message = scrub(`${request.api} unreachable: ${networkCode(error)}`, request.credentials ?? []);
    throw new ActionError(request.actionId, message, { retryable: true, kind: 'network' });
  }
  let json: unknown;
  try {
    json = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    json = undefined;
  }
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  return { status: response.status, text, json, ...(retryAfterMs !== undefined && { retryAfterMs }) };
}

/** The system error code behind a failed fetch (ECONNREFUSED, ENOTFOUND…), or its message. */
export function networkCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    current = current.cause;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * How an HTTP status should be retried (the action kit's {@link retryAdviceForStatus}: 429 throttled,
 * 408 timeout, 5xx transient, other 4xx never), with the Retry-After the reply carried.
 */
export function statusAdvice(status: number, retryAfterMs: number | undefined): RetryAdvice {
  const advice = retryAdviceForStatus(status);
  return advice.retryable && retryAfterMs !== undefined ? { ...advice, afterMs: retryAfterMs } : advice;
}
