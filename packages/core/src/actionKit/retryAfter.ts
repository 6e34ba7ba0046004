import type { RetryAdvice } from '../errors.js';

/**
 * The longest Retry-After taken at its word: 24 hours, the longest a run may last. A server asking for
 * more (or a date years ahead) is read as this, so no arithmetic downstream meets a huge number.
 */
export const RETRY_AFTER_MAX_MS = 24 * 60 * 60 * 1000;

/**
 * Parses a Retry-After header, delta-seconds (`"120"`, `"1.5"`) or an HTTP date, into milliseconds
 * from `nowMs` (pass `ctx.clock.now()`; the wall clock when left out), clamped to [0, {@link RETRY_AFTER_MAX_MS}]. Absent, empty or
 * unreadable values (`"soon"`, `"-1"`, `"0x10"`) give undefined.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs = Date.now()): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return clamp(Math.round(Number(text) * 1000));
  // Only a date that names its time zone (GMT, as RFC 9110 requires) or an offset: a bare number or a
  // local-time string Date.parse would accept says nothing reliable about when to come back.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  // A date is relative to the server's clock; only its distance from ours matters.
  return Number.isNaN(at) ? undefined : clamp(at - nowMs);
}

function clamp(ms: number): number {
  return Math.min(RETRY_AFTER_MAX_MS, Math.max(0, ms));
}

/** Response headers as the common HTTP clients give them: fetch's `Headers`, or Node's plain record. */
export type HeaderBag =
  { get(name: string): string | null } | Readonly<Record<string, string | readonly string[] | undefined>>;

/** The Retry-After header of `headers`, whatever their shape and however the name is cased. */
export function retryAfterHeader(headers: HeaderBag | undefined): string | undefined {
  if (headers === undefined) return undefined;
  if (typeof headers.get === 'function')
    return (headers as { get(name: string): string | null }).get('retry-after') ?? undefined;
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    if (name.toLowerCase() !== 'retry-after') continue;
    if (typeof value === 'string') return value;
    if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  }
  return undefined;
}

/**
 * How a failed HTTP call should be retried, from its status: 429 is `throttled`; 408 is a `timeout`;
 * every 5xx is `5xx`; all three are retryable and carry the Retry-After of `headers` (read against
 * `nowMs`) as `afterMs`. Any other status (a 4xx such as 401, 403 or 404, a 3xx) is not retryable:
 * sending the same request again gets the same answer.
 */
export function retryAdviceForStatus(status: number, headers?: HeaderBag, nowMs = Date.now()): RetryAdvice {
  const kind: RetryAdvice['kind'] | undefined =
    status === 429
      ? 'throttled'
      : status === 408
        ? 'timeout'
        : status >= 500 && status <= 599
          ? '5xx'
          : undefined;
  if (kind === undefined) return { retryable: false, kind: 'error' };
  const afterMs = parseRetryAfter(retryAfterHeader(headers), nowMs);
  return { retryable: true, kind, ...(afterMs !== undefined && { afterMs }) };
}
