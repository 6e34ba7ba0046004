import { ActionError } from '@firstline/core';
import { sendRequest, statusAdvice } from '../shared/http.js';
import type { Fetch, HttpReply } from '../shared/http.js';
import { retryPolicy, withRetries } from '../shared/retry.js';
import type { RetryNotice, RetryOptions } from '../shared/retry.js';
import { scrub } from '../shared/text.js';

/** Which OpsGenie API host: `us` (api.opsgenie.com) or `eu` (api.eu.opsgenie.com). */
export type OpsgenieRegion = 'us' | 'eu';

/** Where and how {@link createOpsgenieClient} reaches OpsGenie. */
export interface OpsgenieOptions {
  /** Default API key (an API integration's key), used when a call gives none. */
  apiKey?: string;
  /** Default region; `us` unless given. */
  region?: OpsgenieRegion;
  /** Overrides the region's host (a proxy, a test server). */
  baseUrl?: string;
  /** Retries on 429 (after Retry-After), 5xx and network failures. */
  retries?: RetryOptions;
  /** The fetch used for every request. */
  fetch?: Fetch;
}

/** Per-call settings: credentials and host overriding the client's, cancellation, retry notices. */
export interface OpsgenieCallOptions {
  apiKey?: string;
  region?: OpsgenieRegion;
  baseUrl?: string;
  signal?: AbortSignal;
  onRetry?: (notice: RetryNotice) => void;
  /** The action named in errors. */
  actionId?: string;
}

/** One responder of an alert: a team, user, escalation or schedule, by id, name or username. */
export interface OpsgenieResponder {
  type: 'team' | 'user' | 'escalation' | 'schedule';
  id?: string;
  name?: string;
  username?: string;
}

/** An alert as `POST /v2/alerts` takes it. */
export interface OpsgenieAlert {
  message: string;
  alias?: string;
  description?: string;
  priority?: 'P1' | 'P2' | 'P3' | 'P4' | 'P5';
  tags?: string[];
  responders?: OpsgenieResponder[];
  details?: Record<string, string>;
  entity?: string;
  source?: string;
  note?: string;
}

/** OpsGenie's answer to an accepted request (202): it is processed asynchronously. */
export interface OpsgenieAccepted {
  /** Look it up with `GET /v2/alerts/requests/{requestId}`. */
  requestId: string;
  /** "Request will be processed". */
  result: string;
}

/** An OpsGenie Alert API client with bounded retries. */
export interface OpsgenieClient {
  /** `POST /v2/alerts`; an open alert with the same alias is de-duplicated by OpsGenie (its count goes up). */
  createAlert(alert: OpsgenieAlert, call?: OpsgenieCallOptions): Promise<OpsgenieAccepted>;
  /** `POST /v2/alerts/{alias}/close?identifierType=alias`. */
  closeAlert(
    alias: string,
    body: { note?: string; source?: string; user?: string },
    call?: OpsgenieCallOptions,
  ): Promise<OpsgenieAccepted>;
  /** `POST /v2/alerts/{alias}/notes?identifierType=alias`. */
  addNote(
    alias: string,
    body: { note: string; source?: string; user?: string },
    call?: OpsgenieCallOptions,
  ): Promise<OpsgenieAccepted>;
}

/** The API host of each region. */
export const OPSGENIE_HOSTS: Record<OpsgenieRegion, string> = {
  us: 'https://api.opsgenie.com',
  eu: 'https://api.eu.opsgenie.com',
};

/**
 * The API host a call goes to: the call's baseUrl, else its region's host, else the client's baseUrl,
 * else the client's region's host (us by default).
 */
export function opsgenieHost(
  call: Pick<OpsgenieCallOptions, 'baseUrl' | 'region'>,
  options: Pick<OpsgenieOptions, 'baseUrl' | 'region'>,
): string {
  const host =
    call.baseUrl ??
    (call.region ? OPSGENIE_HOSTS[call.region] : undefined) ??
    options.baseUrl ??
    OPSGENIE_HOSTS[options.region ?? 'us'];
  return host.replace(/\/+$/, '');
}

/** Creates an OpsGenie client on plain `fetch` (`Authorization: GenieKey <key>`). */
export function createOpsgenieClient(options: OpsgenieOptions = {}): OpsgenieClient {
  const policy = retryPolicy(options.retries);

  const send = async (
    path: string,
    body: unknown,
    call: OpsgenieCallOptions,
    actionId: string,
  ): Promise<OpsgenieAccepted> => {
    const apiKey = call.apiKey ?? options.apiKey;
    if (!apiKey)
      throw new ActionError(
        actionId,
        'no OpsGenie API key: give opsgenie({ apiKey }) or the step an apiKey',
        {
          retryable: false,
        },
      );
    const url = `${opsgenieHost(call, options)}${path}`;
    return withRetries(
      policy,
      call.signal,
      async () => {
        const reply = await sendRequest({
          actionId,
          api: 'OpsGenie',
          url,
          method: 'POST',
          headers: { authorization: `GenieKey ${apiKey}` },
          body,
          credentials: [apiKey],
          ...(call.signal && { signal: call.signal }),
          ...(options.fetch && { fetch: options.fetch }),
        });
        if (reply.status >= 200 && reply.status < 300) {
          const data = (reply.json ?? {}) as { requestId?: unknown; result?: unknown };
          return { requestId: textOf(data.requestId), result: textOf(data.result) };
        }
        throw opsgenieError(actionId, reply, [apiKey]);
      },
      call.onRetry,
    );
  };

  const byAlias = (alias: string, what: string) =>
    `/v2/alerts/${encodeURIComponent(alias)}${what}?identifierType=alias`;
  const source = (value: string | undefined) => value ?? 'firstline';

  return {
    createAlert: (alert, call = {}) =>
      send(
        '/v2/alerts',
        { ...alert, source: source(alert.source) },
        call,
        call.actionId ?? 'opsgenie.createAlert',
      ),
    closeAlert: (alias, body, call = {}) =>
      send(
        byAlias(alias, '/close'),
        { ...body, source: source(body.source) },
        call,
        call.actionId ?? 'opsgenie.closeAlert',
      ),
    addNote: (alias, body, call = {}) =>
      send(
        byAlias(alias, '/notes'),
        { ...body, source: source(body.source) },
        call,
        call.actionId ?? 'opsgenie.addNote',
      ),
  };
}

// OpsGenie's own words for what its status codes mean, for the error message.
const MEANING: Record<number, string> = {
  401: 'the API key is not valid',
  403: 'the API key lacks the right (it needs create-and-update access)',
  404: 'no such alert',
  422: 'the request was not accepted',
  429: 'rate limited',
};

/** An OpsGenie error reply (`{"message": "...", "errors": {...}, "requestId": "..."}`) as an ActionError. */
export function opsgenieError(
  actionId: string,
  reply: HttpReply,
  credentials: ReadonlyArray<string | undefined>,
): ActionError {
  const data = (reply.json ?? {}) as { message?: unknown; errors?: unknown; requestId?: unknown };
  const message = typeof data.message === 'string' ? data.message : reply.text.slice(0, 200);
  const errors =
    data.errors && typeof data.errors === 'object'
      ? Object.entries(data.errors as Record<string, unknown>)
          .map(([field, problem]) => `${field}: ${String(problem)}`)
          .join('; ')
      : '';
  const meaning = MEANING[reply.status] ?? (reply.status >= 500 ? 'OpsGenie is failing' : '');
  let text = `OpsGenie HTTP ${reply.status}`;
  if (meaning) text += ` (${meaning})`;
  if (message) text += `: ${message}`;
  if (errors) text += ` [${errors}]`;
  if (typeof data.requestId === 'string') text += ` (requestId ${data.requestId})`;
  return new ActionError(actionId, scrub(text, credentials), statusAdvice(reply.status, reply.retryAfterMs));
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
