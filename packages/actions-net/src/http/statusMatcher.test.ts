import { describe, expect, it } from 'vitest';
import { bodyMatcher, statusMatcher } from './statusMatcher.js';

describe('statusMatcher', () => {
  it('defaults to 2xx', () => {
    const match = statusMatcher(undefined);
    expect([200, 204, 299].every(match)).toBe(true);
    expect([199, 301, 500].some(match)).toBe(false);
    expect(match.description).toBe('2xx');
  });

  it('takes a code, a list and ranges', () => {
    expect(statusMatcher(204)(204)).toBe(true);
    expect(statusMatcher(204)(200)).toBe(false);
    expect(statusMatcher([200, 301]).description).toBe('200 or 301');
    expect(statusMatcher([200, 301])(301)).toBe(true);
    expect(statusMatcher('300-399')(302)).toBe(true);
    expect(statusMatcher('300-399')(400)).toBe(false);
    expect(statusMatcher('5xx')(503)).toBe(true);
    expect(() => statusMatcher('399-300')).toThrow('is empty');
  });
});

describe('bodyMatcher', () => {
  it('matches substrings, and /regex/flags', () => {
    expect(bodyMatcher('"ok"')('{"status":"ok"}')).toBe(true);
    expect(bodyMatcher('/STATUS":\\s*"ok/i')('{"status": "ok"}')).toBe(true);
    expect(bodyMatcher('/^ok$/')('not ok')).toBe(false);
    expect(bodyMatcher('/a/b')('/a/b')).toBe(true); // "b" is not a regex flag: a substring
  });

  it('runs a regex in linear time: a catastrophic pattern on a hostile body returns at once', () => {
    const start = performance.now();
    expect(bodyMatcher('/^(a+)+$/')(`${'a'.repeat(25)}!`)).toBe(false);
    expect(bodyMatcher('/(x|xx)+y/s')('x'.repeat(100_000))).toBe(false);
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('refuses a pattern RE2 cannot run with E_REGEX', () => {
    expect(() => bodyMatcher('/(ok)\\1/')).toThrow(expect.objectContaining({ code: 'E_REGEX' }));
  });
});
