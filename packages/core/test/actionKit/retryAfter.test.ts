import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryAdviceForStatus, RETRY_AFTER_MAX_MS } from '@firstline/core/action-kit';

const now = Date.UTC(2026, 0, 1);

describe('parseRetryAfter', () => {
  it('reads delta-seconds, whole or fractional, around spaces', () => {
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter('120', now)).toBe(120_000);
  });

  it('reads an HTTP date as its distance from now, never negative', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
  });

  it('clamps what is too far ahead to a day', () => {
    expect(parseRetryAfter('999999999', now)).toBe(RETRY_AFTER_MAX_MS);
    expect(parseRetryAfter('Fri, 01 Jan 2100 00:00:00 GMT', now)).toBe(RETRY_AFTER_MAX_MS);
    expect(RETRY_AFTER_MAX_MS).toBe(86_400_000);
  });

  it('gives undefined for absent, empty and unreadable values', () => {
    for (const garbage of [undefined, null, '', '   ', 'soon', '-1', '0x10', '1e3', '5s', '2026-01-01'])
      expect(parseRetryAfter(garbage, now), String(garbage)).toBeUndefined();
  });
});

describe('retryAdviceForStatus', () => {
  const headers = { 'Retry-After': '7' };

  it('429 is throttled and carries the Retry-After', () => {
    expect(retryAdviceForStatus(429, headers, now)).toEqual({
      retryable: true,
      kind: 'throttled',
      afterMs: 7000,
    });
    expect(retryAdviceForStatus(429, undefined, now)).toEqual({ retryable: true, kind: 'throttled' });
  });

  it('408 is a retryable timeout', () => {
    expect(retryAdviceForStatus(408, {}, now)).toEqual({ retryable: true, kind: 'timeout' });
  });

  it('every 5xx is retryable 5xx, with the Retry-After a 503 may send', () => {
    for (const status of [500, 502, 504, 599])
      expect(retryAdviceForStatus(status, {}, now), String(status)).toEqual({ retryable: true, kind: '5xx' });
    expect(retryAdviceForStatus(503, { 'retry-after': ['3'] }, now)).toEqual({
      retryable: true,
      kind: '5xx',
      afterMs: 3000,
    });
  });

  it('other statuses are not retryable', () => {
    for (const status of [200, 301, 400, 401, 403, 404, 407, 409, 422, 600])
      expect(retryAdviceForStatus(status, headers, now), String(status)).toEqual({
        retryable: false,
        kind: 'error',
      });
  });

  it("reads fetch's Headers too", () => {
    const fetched = new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:01:00 GMT' });
    expect(retryAdviceForStatus(429, fetched, now)).toEqual({
      retryable: true,
      kind: 'throttled',
      afterMs: 60_000,
    });
  });
});
