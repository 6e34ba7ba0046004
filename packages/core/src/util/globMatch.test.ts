import { describe, expect, it } from 'vitest';
import { globMatch } from './globMatch.js';

describe('globMatch', () => {
  it.each([
    ['web-*', 'web-1', true],
    ['web-*', 'web-', true],
    ['web-*', 'db-1', false],
    ['*-high-*', 'cpu-high-eu', true],
    ['*', '', true],
    ['', '', true],
    ['', 'x', false],
    ['a*b*c', 'a-b-b-c', true],
    ['a*b*c', 'a-b-b-', false],
    ['exact', 'exact', true],
    ['exact', 'exactly', false],
    ['a.b', 'axb', false],
    ['(x)+', '(x)+', true],
    ['multi\nline*', 'multi\nline and more', true],
  ])('%j against %j → %s', (glob, value, expected) => {
    expect(globMatch(glob, value)).toBe(expected);
  });

  it('treats ? as one character only when asked (known_hosts)', () => {
    expect(globMatch('web?.example.com', 'web1.example.com')).toBe(false);
    expect(globMatch('web?.example.com', 'web1.example.com', { question: true })).toBe(true);
    expect(globMatch('web?.example.com', 'web12.example.com', { question: true })).toBe(false);
  });

  it('stays fast where a RegExp from the glob backtracks: 30 stars against 20,000 characters', () => {
    const glob = `${'a*'.repeat(30)}b`;
    const value = 'a'.repeat(20_000);
    const start = performance.now();
    expect(globMatch(glob, value)).toBe(false);
    // pattern × value = 1.2M steps at most; the RegExp `^a.*a.*…b$` does not finish in minutes.
    expect(performance.now() - start).toBeLessThan(2_000);
  });
});
