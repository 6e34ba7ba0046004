import { describe, expect, it } from 'vitest';
import { statusAdvice } from './http.js';

// The notifiers' status advice is the action kit's retryAdviceForStatus plus the reply's Retry-After.
describe('statusAdvice', () => {
  it('retries 429, 408 and 5xx, with the Retry-After the reply carried', () => {
    expect(statusAdvice(429, 2000)).toEqual({ retryable: true, kind: 'throttled', afterMs: 2000 });
    expect(statusAdvice(503, 5000)).toEqual({ retryable: true, kind: '5xx', afterMs: 5000 });
    expect(statusAdvice(500, undefined)).toEqual({ retryable: true, kind: '5xx' });
    expect(statusAdvice(408, undefined)).toEqual({ retryable: true, kind: 'timeout' });
  });

  it('never retries another status, whatever Retry-After says', () => {
    for (const status of [400, 401, 403, 404, 422])
      expect(statusAdvice(status, 1000), String(status)).toEqual({ retryable: false, kind: 'error' });
  });
});
