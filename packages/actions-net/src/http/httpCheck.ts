import { ActionError, defineAction, redactText } from '@firstline/core';
import type { ActionContext, ActionDefinition, FromSchema, JSONSchema } from '@firstline/core';
import { retryAdviceForStatus } from '@firstline/core/action-kit';
import { networkFailure, verdict } from '../shared/failure.js';
import { duration, httpUrl, latencyMs, statusCode, stringMap, tlsOptions } from '../shared/schemas.js';
import { durationMs, round } from '../shared/time.js';
import { safeUrl } from './httpUtil.js';
import { sendRequest } from './sendRequest.js';
import type { RawResponse } from './sendRequest.js';
import { bodyMatcher, statusMatcher } from './statusMatcher.js';

const ID = 'http.check';
const EXCERPT_CHARS = 1024;
const MAX_BODY = 1_048_576;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const timingsSchema = {
  type: 'object',
  additionalProperties: false,
  description: "The last request's phases, each its own duration in ms (absent when it did not happen).",
  properties: {
    dnsMs: { type: 'number', description: 'Name resolution.' },
    connectMs: { type: 'number', description: 'TCP connect.' },
    tlsMs: { type: 'number', description: 'TLS handshake.' },
    firstByteMs: {
      type: 'number',
      description: 'From the connection being ready to the first response byte.',
    },
  },
} as const satisfies JSONSchema;

const httpCheckInput = {
  type: 'object',
  additionalProperties: false,
  required: ['url'],
  properties: {
    url: httpUrl,
    method: { enum: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], default: 'GET' },
    headers: stringMap,
    body: { type: 'string' },
    expectStatus: {
      description: 'A status, a list of them, or a range: 200, [200, 204], "200-299", "2xx".',
      oneOf: [
        statusCode,
        { type: 'array', minItems: 1, uniqueItems: true, items: statusCode },
        { type: 'string', pattern: '^([1-5][0-9]{2}-[1-5][0-9]{2}|[1-5]xx)$' },
      ],
    },
    expectBody: { type: 'string', minLength: 1, description: 'A substring, or /a regex/ with flags.' },
    maxLatency: duration,
    ...tlsOptions,
    maxRedirects: { type: 'integer', minimum: 0, maximum: 20, default: 5 },
  },
} as const satisfies JSONSchema;

const httpCheckOutput = {
  examples: [
    {
      status: 200,
      latencyMs: 48.3,
      url: 'https://web.example.com/health',
      redirects: 0,
      timings: { dnsMs: 1.2, connectMs: 8.4, tlsMs: 17.9, firstByteMs: 19.6 },
      headers: { 'content-type': 'application/json' },
      bodyBytes: 15,
      bodyExcerpt: '{"status":"ok"}',
    },
  ],
  type: 'object',
  additionalProperties: false,
  required: ['status', 'latencyMs'],
  properties: {
    status: statusCode,
    latencyMs: { ...latencyMs, description: 'Whole time, redirects and body included.' },
    url: { type: 'string', description: 'The URL answered, after redirects.' },
    redirects: { type: 'integer', minimum: 0 },
    timings: timingsSchema,
    headers: { ...stringMap, description: 'Response headers, lower-case names (set-cookie left out).' },
    bodyBytes: { type: 'integer', minimum: 0 },
    bodyExcerpt: { type: 'string', description: `The first ${EXCERPT_CHARS} characters of the body.` },
  },
} as const satisfies JSONSchema;

/** Input of `http.check`. */
export type HttpCheckInput = FromSchema<typeof httpCheckInput>;

/** Output of `http.check`. */
export type HttpCheckOutput = FromSchema<typeof httpCheckOutput>;

/** Options of {@link createHttpCheck}. */
export interface HttpCheckOptions {
  /** Sent as User-Agent unless the input sets one. */
  userAgent?: string;
}

/**
 * Builds `http.check`: one HTTP request judged by status (2xx by default), body and latency. The URL
 * is the target: its bad answers (a status not expected, a refused or reset connection, a timeout, a
 * redirect loop, a wrong body, too slow) are the verdict `fail`. Our credentials refused (401, 403,
 * 407), being throttled (429), a name that does not resolve and TLS trust failures are `error`.
 */
export function createHttpCheck(
  options: HttpCheckOptions = {},
): ActionDefinition<HttpCheckInput, HttpCheckOutput> {
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  return defineAction({
    id: ID,
    kind: 'probe',
    description:
      'Sends an HTTP request; passes when the status (2xx by default), body and latency are as expected.',
    idempotent: true,
    input: httpCheckInput,
    output: httpCheckOutput,
    run: (input, ctx) => check(input, ctx, userAgent),
  });
}

/** The User-Agent probes send by default. */
export const DEFAULT_USER_AGENT = 'firstline-actions-net/0.1';

async function check(input: HttpCheckInput, ctx: ActionContext, userAgent: string): Promise<HttpCheckOutput> {
  const expectStatus = statusMatcher(input.expectStatus);
  const maxRedirects = input.maxRedirects ?? 5;
  let url = new URL(input.url);
  let method: string = input.method ?? 'GET';
  let body = input.body;
  let headers = withUserAgent(input.headers ?? {}, userAgent);
  const started = performance.now();
  const visited = new Set<string>();
  let redirects = 0;
  let res: RawResponse;
  for (;;) {
    visited.add(url.href);
    try {
      res = await sendRequest({
        url,
        method,
        headers,
        ...(body !== undefined && { body }),
        ...(input.insecure !== undefined && { insecure: input.insecure }),
        ...(input.ca !== undefined && { ca: input.ca }),
        signal: ctx.signal,
        maxBody: MAX_BODY,
      });
    } catch (error) {
      throw networkFailure(ID, `${method} ${safeUrl(url)}`, error, ctx.signal);
    }
    const location = res.headers.location;
    if (!REDIRECTS.has(res.status) || maxRedirects === 0 || location === undefined) break;
    const next = new URL(location, url);
    if (next.protocol !== 'http:' && next.protocol !== 'https:')
      throw verdict(ID, `${safeUrl(url)} redirected to a ${next.protocol} URL, which is not HTTP`);
    if (visited.has(next.href))
      throw verdict(ID, `redirect loop: ${safeUrl(url)} redirected (${res.status}) back to ${safeUrl(next)}`);
    if (++redirects > maxRedirects)
      throw verdict(ID, `more than ${maxRedirects} redirects (the last: ${safeUrl(url)} → ${safeUrl(next)})`);
    if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
      method = method === 'HEAD' ? 'HEAD' : 'GET';
      body = undefined;
      headers = without(headers, ['content-type', 'content-length']);
    }
    // Credentials meant for one origin must not follow a redirect to another (as browsers and curl do).
    if (next.origin !== url.origin)
      headers = without(headers, ['authorization', 'cookie', 'proxy-authorization']);
    url = next;
  }
  const latency = round(performance.now() - started);
  const text = res.body.toString('utf8');
  // Redacted before it is cut or quoted: a secret cut at the 1,024th character would no longer match.
  const shown = redactText(ctx, text);
  const output: HttpCheckOutput = {
    status: res.status,
    latencyMs: latency,
    url: safeUrl(url),
    redirects,
    timings: res.timings,
    headers: flatHeaders(res.headers),
    bodyBytes: res.bodyBytes,
    bodyExcerpt: shown.slice(0, EXCERPT_CHARS),
  };
  const what = `${method} ${safeUrl(url)}`;
  if (!expectStatus(res.status))
    throw statusFailure(what, res, expectStatus.description, shown, ctx.clock.now());
  if (input.expectBody !== undefined && !bodyMatcher(input.expectBody)(text))
    throw verdict(
      ID,
      `${what}: the body (${res.bodyBytes} bytes) does not match ${input.expectBody}: ${quote(shown)}`,
    );
  const maxLatency = durationMs(input.maxLatency, Infinity);
  if (latency > maxLatency)
    throw verdict(ID, `${what} took ${latency} ms, more than maxLatency ${input.maxLatency}`, {
      retryable: true,
      kind: 'timeout',
    });
  ctx.logger.debug(`${what} answered ${res.status} in ${latency} ms`, { timings: res.timings });
  return output;
}

function statusFailure(
  what: string,
  res: RawResponse,
  expected: string,
  text: string,
  now: number,
): ActionError {
  const message = `${what} answered HTTP ${res.status}, expected ${expected}: ${quote(text)}`;
  const advice = retryAdviceForStatus(res.status, res.headers, now);
  // Throttled: the target declined to be checked now, which says nothing of its health.
  if (res.status === 429) return new ActionError(ID, message, advice);
  // Our credentials were refused: the check could not be done, and a retry will not change that.
  if (res.status === 401 || res.status === 403 || res.status === 407)
    return new ActionError(ID, `${message} (the request's credentials were refused)`, { retryable: false });
  // A 5xx or a 408 is the target's answer, worth another look (after its Retry-After, if it sent one).
  if (advice.retryable) return verdict(ID, message, advice);
  // Any other status the target answered (404, a 3xx not followed, a 2xx not expected) is its answer.
  return verdict(ID, message);
}

function quote(text: string): string {
  if (text.length === 0) return 'empty body';
  const short = text.replace(/\s+/g, ' ').trim();
  return `body "${short.length > 160 ? `${short.slice(0, 160)}…` : short}"`;
}

function withUserAgent(headers: Record<string, string>, userAgent: string): Record<string, string> {
  const has = Object.keys(headers).some((name) => name.toLowerCase() === 'user-agent');
  return has ? { ...headers } : { ...headers, 'user-agent': userAgent };
}

function without(headers: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !names.includes(name.toLowerCase())));
}

function flatHeaders(headers: RawResponse['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name === 'set-cookie') continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
