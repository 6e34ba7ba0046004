import { describe, expect, it } from 'vitest';
import { formatPath, pointerToSegments, SourceMap } from './sourceMap.js';

describe('formatPath', () => {
  it('renders keys as dotted names and indexes in brackets', () => {
    expect(formatPath([])).toBe('');
    expect(formatPath(['steps', 2, 'on', 'fail'])).toBe('steps[2].on.fail');
    expect(formatPath(['notify', 'recovered', 0, 'with'])).toBe('notify.recovered[0].with');
    expect(formatPath([0, 'a'])).toBe('[0].a');
    expect(formatPath(['steps', 'open-issue', '_x', '$y'])).toBe('steps.open-issue._x.$y');
  });

  it('quotes keys that are not plain names', () => {
    expect(formatPath(['inputs', 'my key'])).toBe('inputs["my key"]');
    expect(formatPath(['with', 'a.b'])).toBe('with["a.b"]');
    expect(formatPath(['with', 'a/b', 'c~d'])).toBe('with["a/b"]["c~d"]');
    expect(formatPath(['with', 'say "hi"'])).toBe('with["say \\"hi\\""]');
    expect(formatPath(['with', '1st'])).toBe('with["1st"]');
    expect(formatPath(['with', ''])).toBe('with[""]');
    expect(formatPath(['my key', 'x'])).toBe('["my key"].x');
  });

  it('keeps paths that differ only in how a key is spelled apart', () => {
    expect(formatPath(['a.b'])).not.toBe(formatPath(['a', 'b']));
    expect(formatPath(['a', '0'])).not.toBe(formatPath(['a', 0]));
  });
});

describe('pointerToSegments', () => {
  it('splits a JSON Pointer, reading array indexes as numbers', () => {
    expect(pointerToSegments('')).toEqual([]);
    expect(pointerToSegments('/steps/2/on')).toEqual(['steps', 2, 'on']);
    expect(pointerToSegments('/steps/10/with/0')).toEqual(['steps', 10, 'with', 0]);
  });

  it('leaves keys that only look like numbers as strings', () => {
    expect(pointerToSegments('/a/01/-1/1.5')).toEqual(['a', '01', '-1', '1.5']);
  });

  it('unescapes ~1 and ~0 in the order RFC 6901 asks', () => {
    expect(pointerToSegments('/with/a~1b/c~0d')).toEqual(['with', 'a/b', 'c~d']);
    expect(pointerToSegments('/~01')).toEqual(['~1']);
    expect(pointerToSegments('/a b/x.y')).toEqual(['a b', 'x.y']);
    expect(pointerToSegments('/')).toEqual(['']);
  });

  it('round-trips into formatPath', () => {
    expect(formatPath(pointerToSegments('/inputs/my key/pattern'))).toBe('inputs["my key"].pattern');
    expect(formatPath(pointerToSegments('/with/a~1b'))).toBe('with["a/b"]');
  });
});

describe('SourceMap', () => {
  it('answers 1:1 when it has no text', () => {
    const empty = SourceMap.empty();
    expect(empty.locate(['steps', 0], { key: true })).toEqual({ line: 1, column: 1 });
    expect(empty.position(120)).toEqual({ line: 1, column: 1 });
  });
});
