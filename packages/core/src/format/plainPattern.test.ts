import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { re2Problem, regexProblem } from './linearRegex.js';
import { plainPattern } from './plainPattern.js';

// plainPattern lets regexProblem answer without compiling on RE2: every pattern it accepts must be
// one RE2 compiles, so it is checked against RE2 itself, on the patterns playbooks write and on
// patterns generated from its grammar.

const literal = fc.constantFrom(...'abcxyzABZ019-_/:,=@#%&~ '.split(''));
const escaped = fc.constantFrom(
  '\\d',
  '\\D',
  '\\w',
  '\\W',
  '\\s',
  '\\S',
  '\\.',
  '\\/',
  '\\-',
  '\\\\',
  '\\(',
  '\\[',
  '\\{',
  '\\$',
  '\\^',
  '\\|',
  '\\_',
);
const range = fc.constantFrom('a-z', 'A-Z', '0-9', 'a-f', 'x-x', '0-5');
const classItem = fc.oneof(
  literal.filter((c) => c !== '-'),
  escaped,
  range,
);
const charClass = fc
  .tuple(fc.boolean(), fc.array(classItem, { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([negated, items, dash]) => `[${negated ? '^' : ''}${items.join('')}${dash ? '-' : ''}]`);
const counted = fc
  // Small counts: RE2 compiles a{1000} into a thousand instructions (slow to test by the hundred).
  .tuple(fc.integer({ min: 0, max: 20 }), fc.option(fc.integer({ min: 0, max: 20 })), fc.boolean())
  .map(([a, b, open]) =>
    b === null ? (open ? `{${a},}` : `{${a}}`) : `{${Math.min(a, b)},${Math.max(a, b)}}`,
  );
const simpleQuantifier = fc.constantFrom('', '', '*', '+', '?', '*?', '+?', '??');

const atom = fc.oneof(literal, escaped, charClass, fc.constant('.'));
const quantified = fc.tuple(atom, fc.oneof(simpleQuantifier, counted)).map(([a, q]) => a + q);
/** Alternatives of anchored sequences of `items`. */
const alternatives = (items: fc.Arbitrary<string>) =>
  fc
    .array(
      fc
        .tuple(fc.boolean(), fc.array(items, { maxLength: 4 }), fc.boolean())
        .map(([start, parts, end]) => `${start ? '^' : ''}${parts.join('')}${end ? '$' : ''}`),
      { minLength: 1, maxLength: 3 },
    )
    .map((parts) => parts.join('|'));
// Two levels of groups: deep enough for the grammar, small enough for RE2 to compile by the hundred.
const group = (inner: fc.Arbitrary<string>) =>
  fc
    .tuple(fc.boolean(), inner, simpleQuantifier)
    .map(([plain, body, q]) => `(${plain ? '' : '?:'}${body})${q}`);
const level1 = alternatives(quantified);
const level2 = alternatives(fc.oneof(quantified, group(level1)));
// plainPattern leaves patterns over 1,000 characters to RE2 (its own test below): the grammar's patterns
// are kept under that, or one in a few hundred draws (CI's once) is a long one it rightly refuses.
const pattern = alternatives(fc.oneof(quantified, group(level2))).filter((source) => source.length <= 1000);
// Fixed seeds: the same patterns on every machine and every run.
const seed = 20_261_207;

describe('plainPattern: patterns RE2 compiles, told without compiling them', () => {
  it.each([
    '^i-[0-9a-f]{8,17}$',
    '^https?://[^\\s]+$',
    '^([0-9]+(ms|s|m|h))+$',
    '^SHA256:[A-Za-z0-9+/]{43}=?$',
    '^[a-z][a-z0-9-]*$',
    '^(prod|staging)-\\d+$',
    '[a-z]{1000}(x{999}|y{0,1000})*',
    '',
  ])('accepts %s, which RE2 compiles', (source) => {
    expect(plainPattern(source)).toBe(true);
    expect(re2Problem(source)).toBeUndefined();
  });

  it.each([
    '(a)\\1',
    '(?=a)b',
    '(?<!a)b',
    '(?<name>a)',
    '\\bword\\b',
    'a**',
    'a{2,1}',
    'a{1001}',
    '(ab){2}',
    '[z-a]',
    '[]',
    '\\u0041',
    'a{',
    '(a',
    'a)',
  ])('leaves %s to RE2', (source) => {
    expect(plainPattern(source)).toBe(false);
  });

  it('accepts only patterns RE2 compiles (generated from its grammar)', () => {
    fc.assert(
      fc.property(pattern, (source) => {
        expect(plainPattern(source)).toBe(true);
        expect(re2Problem(source)).toBeUndefined();
      }),
      { numRuns: 300, seed },
    );
  });

  it('never accepts a pattern RE2 refuses (arbitrary strings of regex characters)', () => {
    const chars = fc.constantFrom(...'ab0-^$.|?*+()[]{}\\dws,:1'.split(''));
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 12 }), (parts) => {
        const source = parts.join('');
        if (plainPattern(source)) expect(re2Problem(source)).toBeUndefined();
      }),
      { numRuns: 1000, seed },
    );
  });

  it('leaves a pattern over 1,000 characters to RE2, even one RE2 compiles', () => {
    const long = 'a'.repeat(1001);
    expect(plainPattern(long)).toBe(false);
    expect(re2Problem(long)).toBeUndefined();
    expect(regexProblem(long)).toBeUndefined();
    expect(plainPattern('a'.repeat(1000))).toBe(true);
  });

  it('regexProblem still reports what RE2 cannot run', () => {
    expect(regexProblem('(a)\\1')).toMatch(/backreferences/);
    expect(regexProblem('(?=a)')).toMatch(/lookahead/);
    expect(regexProblem('^i-[0-9a-f]{8,17}$')).toBeUndefined();
  });
});
