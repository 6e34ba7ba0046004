import { describe, expect, test } from 'vitest';
import { describeJsonError } from './describeJsonError.js';

describe('describeJsonError', () => {
  test.each([
    ['{"a": }', 'unexpected "}" at position 6 (line 1, column 7)'],
    ['{a:1}', 'unexpected "a" at position 1 (line 1, column 2)'],
    ['{"a":1', 'unexpected end of input at position 6 (line 1, column 7)'],
    ['{"a":1}x', 'unexpected text after the JSON value at position 7 (line 1, column 8)'],
    ['[1,2,,]', 'unexpected "," at position 5 (line 1, column 6)'],
    ['{\n  "a": tru\n}', 'unexpected "t" at position 9 (line 2, column 8)'],
    ['"tab\there"', 'unescaped control character in a string at position 4 (line 1, column 5)'],
    ['"\\x"', 'bad escape in a string at position 2 (line 1, column 3)'],
    ['01', 'unexpected text after the JSON value at position 1 (line 1, column 2)'],
  ])('%j → %s', (text, message) => {
    expect(() => void JSON.parse(text)).toThrow();
    expect(describeJsonError(text)).toBe(message);
  });

  test('never quotes more of the body than the one character', () => {
    expect(describeJsonError('{"token": "s3cr3t", oops}')).toBe(
      'unexpected "o" at position 20 (line 1, column 21)',
    );
  });
});
