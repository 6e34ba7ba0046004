import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['20s', 20_000],
    ['3m', 180_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['2h3m4s5ms', 7_384_005],
    ['0s', 0],
  ])('reads %s as %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['5 minutes', '1.5s', '', '10', '-1s', 's', '1 s', ' 1s', '1s ', '1d', '1S', '1m30'])(
    'rejects %j',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );

  it('rejects a duration beyond the safe integer range instead of returning an imprecise number', () => {
    expect(parseDuration('99999999999999999h')).toBeUndefined();
    expect(parseDuration(`${Number.MAX_SAFE_INTEGER}ms`)).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseDuration(`${Number.MAX_SAFE_INTEGER + 1}ms`)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [500, '500ms'],
    [1_000, '1s'],
    [90_000, '1m30s'],
    [3_600_000, '1h'],
    [5_415_500, '1h30m15s500ms'],
  ])('formats %i ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('rounds to whole milliseconds and never returns an empty string', () => {
    expect(formatDuration(1.4)).toBe('1ms');
    expect(formatDuration(0.4)).toBe('0s');
  });

  it.each(['500ms', '20s', '3m', '1h', '1m30s', '0s', '1h1m1s1ms', '25h'])(
    'round-trips %s through parseDuration',
    (text) => {
      const ms = parseDuration(text);
      expect(ms).toBeDefined();
      expect(formatDuration(ms!)).toBe(text);
      expect(parseDuration(formatDuration(ms!))).toBe(ms);
    },
  );

  it('gives a canonical form for unusual spellings', () => {
    expect(formatDuration(parseDuration('90s')!)).toBe('1m30s');
    expect(formatDuration(parseDuration('1500ms')!)).toBe('1s500ms');
    expect(formatDuration(parseDuration('30m30m')!)).toBe('1h');
  });
});
