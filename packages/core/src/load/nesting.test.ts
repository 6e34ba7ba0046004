import { describe, expect, it } from 'vitest';
import { tryParsePlaybook } from './loadPlaybook.js';
import { nestingExceeded } from './nesting.js';

const codes = (text: string) => tryParsePlaybook(text).issues.map((i) => i.code);

describe('nesting pre-scan', () => {
  it('reports a 100,000-deep block sequence as E_DEPTH_LIMIT with its place, not E_ALIAS_LIMIT', () => {
    const result = tryParsePlaybook(`firstline: 1\nname: deep\nx:\n${'- '.repeat(100_000)}leaf\n`);
    expect(result.issues).toMatchObject([{ code: 'E_DEPTH_LIMIT', line: 4 }]);
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]!.column).toBeGreaterThan(100);
    expect(result.issues[0]!.column).toBeLessThan(140);
  });

  it('reports a staircase of indented mappings deeper than the limit', () => {
    const stairs = Array.from({ length: 1_000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
    expect(codes(`${stairs} leaf\n`)).toEqual(['E_DEPTH_LIMIT']);
  });

  it('agrees with the exact check at the limit, for block and compact nesting', () => {
    // 63 sequences under a key: the leaf stands at depth 64, the limit.
    expect(tryParsePlaybook(`a:\n${'- '.repeat(63)}x\n`).ok).toBe(true);
    expect(codes(`a:\n${'- '.repeat(64)}x\n`)).toEqual(['E_DEPTH_LIMIT']);
    expect(nestingExceeded('a:\n  b:\n    c: 1\n', 2)).toBe(-1);
    expect(nestingExceeded('a:\n  b:\n    c:\n      d: 1\n', 2)).toBe('a:\n  b:\n    c:\n      '.length);
  });

  it('does not count the indentation of block scalar text as nesting', () => {
    const art = Array.from({ length: 200 }, (_, i) => `${' '.repeat(i + 2)}/`).join('\n');
    for (const header of ['|', '>-', '|2', '| # a comment'])
      expect(tryParsePlaybook(`banner: ${header}\n${art}\nafter: 1\n`).ok, header).toBe(true);
    expect(tryParsePlaybook(`list:\n  - |\n${art.replace(/^/gm, '  ')}\n  - two\n`).ok).toBe(true);
  });

  it('still counts nesting after a block scalar ends', () => {
    const deep = Array.from({ length: 80 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
    expect(codes(`text: |\n  hello\n${deep} leaf\n`)).toEqual(['E_DEPTH_LIMIT']);
  });

  it('keeps flow nesting limited as before', () => {
    expect(nestingExceeded(`a: ${'['.repeat(65)}`, 64)).toBe(3 + 64);
    expect(nestingExceeded(`a: ${'['.repeat(64)}${']'.repeat(64)}`, 64)).toBe(-1);
  });
});

describe('tags on keys', () => {
  it('refuses a non-data tag on a key as on a value', () => {
    const result = tryParsePlaybook('firstline: 1\n!!js/function name: x\n');
    expect(result.issues).toMatchObject([{ code: 'E_YAML_TAG', line: 2, column: 1 }]);
    expect(result.issues[0]?.message).toContain('!!js/function');
    expect(codes('firstline: 1\nm: { !Ref name: x }\n')).toEqual(['E_YAML_TAG']);
    expect(codes('firstline: 1\n? !!binary aGk=\n: x\n')).toEqual(['E_YAML_TAG']);
  });

  it('accepts the core schema tags on keys', () => {
    expect(tryParsePlaybook('firstline: 1\n!!str name: x\n').ok).toBe(true);
  });
});

describe('duplicate keys', () => {
  it('are found in block and flow mappings, and keys that become the same property collide', () => {
    expect(tryParsePlaybook('a: 1\nb: 2\na: 3\n').issues).toMatchObject([
      { code: 'E_DUPLICATE_KEY', line: 3, column: 1 },
    ]);
    expect(tryParsePlaybook('m: { b: 1, b: 2 }\n').issues).toMatchObject([
      { code: 'E_DUPLICATE_KEY', line: 1, column: 12 },
    ]);
    expect(codes('1: x\n"1": y\n')).toEqual(['E_DUPLICATE_KEY']);
    expect(tryParsePlaybook('a: {x: 1}\nb: {x: 2}\n').ok).toBe(true);
  });

  it('are reported in document order among the syntax errors', () => {
    const result = tryParsePlaybook('a: 1\na: 2\nb: [\n');
    expect(result.issues.map((i) => i.line)).toEqual([...result.issues.map((i) => i.line)].sort());
    expect(result.issues[0]).toMatchObject({ code: 'E_DUPLICATE_KEY', line: 2 });
  });
});
