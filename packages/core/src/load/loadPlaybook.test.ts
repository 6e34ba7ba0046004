import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFirstlineError, PlaybookInvalid } from '../errors.js';
import {
  loadPlaybook,
  parsePlaybook,
  playbookFromData,
  tryLoadPlaybook,
  tryParsePlaybook,
} from './loadPlaybook.js';
import type { ParseResult } from './loadPlaybook.js';

const codes = (result: ParseResult) => result.issues.map((i) => i.code);

describe('positions', () => {
  const text = [
    'firstline: 1', //                         line 1
    'name: demo', //                           line 2
    'tags: [alpha, "b c", 3]', //              line 3
    'list:', //                                line 4
    '  - one', //                              line 5
    '  - "two"', //                            line 6
    "  - 'three'", //                          line 7
    'nested:', //                              line 8
    '  key: { inner: "{{ inputs.x }}" }', //   line 9
    'plain: ab {{ inputs.y }}', //             line 10
  ].join('\n');
  const { sourceMap } = parsePlaybook(text);

  it('points at values, and at keys when asked', () => {
    expect(sourceMap.locate(['firstline'])).toEqual({ line: 1, column: 12 });
    expect(sourceMap.locate(['firstline'], { key: true })).toEqual({ line: 1, column: 1 });
    expect(sourceMap.locate(['name'])).toEqual({ line: 2, column: 7 });
    expect(sourceMap.locate(['nested', 'key', 'inner'])).toEqual({ line: 9, column: 17 });
    expect(sourceMap.locate(['nested', 'key', 'inner'], { key: true })).toEqual({ line: 9, column: 10 });
  });

  it('points at the items of flow and block sequences', () => {
    expect(sourceMap.locate(['tags', 0])).toEqual({ line: 3, column: 8 });
    expect(sourceMap.locate(['tags', 1])).toEqual({ line: 3, column: 15 });
    expect(sourceMap.locate(['tags', 2])).toEqual({ line: 3, column: 22 });
    expect(sourceMap.locate(['list', 0])).toEqual({ line: 5, column: 5 });
    expect(sourceMap.locate(['list', 1])).toEqual({ line: 6, column: 5 });
    expect(sourceMap.locate(['list', 2])).toEqual({ line: 7, column: 5 });
  });

  it('points inside a quoted or plain one-line string, past its opening quote', () => {
    const line9 = '  key: { inner: "{{ inputs.x }}" }';
    const at = sourceMap.locate(['nested', 'key', 'inner'], { inner: 3 });
    expect(at).toEqual({ line: 9, column: line9.indexOf('inputs') + 1 });
    expect(sourceMap.locate(['list', 1], { inner: 0 })).toEqual({ line: 6, column: 6 });
    expect(sourceMap.locate(['list', 2], { inner: 0 })).toEqual({ line: 7, column: 6 });
    const line10 = 'plain: ab {{ inputs.y }}';
    expect(sourceMap.locate(['plain'], { inner: 6 })).toEqual({
      line: 10,
      column: line10.indexOf('inputs') + 1,
    });
  });

  it('resolves a path with no node of its own to its nearest parent', () => {
    expect(sourceMap.locate(['nested', 'key', 'missing', 0])).toEqual(sourceMap.locate(['nested', 'key']));
    expect(sourceMap.locate(['nowhere'])).toEqual({ line: 1, column: 1 });
  });

  it('ignores `inner` for a multi-line string, pointing at the value instead', () => {
    const { sourceMap: map } = parsePlaybook('text: >\n  folded {{ x }}\n  more\n');
    expect(map.locate(['text'], { inner: 8 })).toEqual(map.locate(['text']));
  });

  it('gives 1:1 for data built in code', () => {
    const playbook = playbookFromData({ name: 'x', steps: [{ id: 'a' }] });
    expect(playbook.sourceMap.locate(['steps', 0, 'id'])).toEqual({ line: 1, column: 1 });
    expect(playbook.text).toBe('');
  });
});

describe('what the loader reads', () => {
  it('strips a byte order mark from text and from bytes', () => {
    const fromText = parsePlaybook('\ufefffirstline: 1\nname: x\n');
    expect(fromText.text.startsWith('firstline')).toBe(true);
    expect(fromText.data).toEqual({ firstline: 1, name: 'x' });
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from('firstline: 1\n')]);
    const fromBytes = parsePlaybook(bytes);
    expect(fromBytes.text).toBe('firstline: 1\n');
    expect(fromBytes.sourceMap.locate(['firstline'])).toEqual({ line: 1, column: 12 });
  });

  it('keeps __proto__ and constructor keys as own data and leaves Object.prototype alone', () => {
    const { data } = parsePlaybook('__proto__: { polluted: true }\nconstructor: 5\nname: x\n');
    const record = data as Record<string, unknown>;
    expect(Object.keys(record)).toEqual(['__proto__', 'constructor', 'name']);
    expect(Object.getOwnPropertyDescriptor(record, '__proto__')?.value).toEqual({ polluted: true });
    expect(Object.getOwnPropertyDescriptor(record, 'constructor')?.value).toBe(5);
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect((record as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('expands aliases, and positions inside an alias resolve to the alias', () => {
    const text = 'base: &b\n  x: 1\n  y: [1, 2]\nuse: *b\n';
    const { data, sourceMap } = parsePlaybook(text);
    expect(data).toEqual({ base: { x: 1, y: [1, 2] }, use: { x: 1, y: [1, 2] } });
    expect(sourceMap.locate(['base', 'x'])).toEqual({ line: 2, column: 6 });
    expect(sourceMap.locate(['use'])).toEqual({ line: 4, column: 6 });
    expect(sourceMap.locate(['use', 'x'])).toEqual({ line: 4, column: 6 });
    expect(sourceMap.locate(['use', 'y', 1])).toEqual({ line: 4, column: 6 });
  });

  it('hashes meaning, not formatting', () => {
    const a = parsePlaybook('# a comment\nname: x\nlist: [1, 2]\nmap: { a: 1, b: 2 }\n');
    const b = parsePlaybook('map:\n  b: 2\n  a: 1\nlist:\n  - 1\n  - 2   # two\nname: "x"\n');
    const c = parsePlaybook('name: x\nlist: [1, 3]\nmap: { a: 1, b: 2 }\n');
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hash).toBe(b.hash);
    expect(a.hash).not.toBe(c.hash);
    expect(playbookFromData(a.data).hash).toBe(a.hash);
    // A string and a number that print alike are different values.
    expect(parsePlaybook('v: "1"\n').hash).not.toBe(parsePlaybook('v: 1\n').hash);
  });

  it('digests the hash on first read (validate never reads it), of the data as it was loaded', () => {
    const text = 'name: x\nlist: [1, 2]\n';
    const expected = createHash('sha256').update('{"list":[1,2],"name":"x"}').digest('hex');
    for (const playbook of [parsePlaybook(text), playbookFromData(parsePlaybook(text).data)]) {
      // A caller that changes the data before the first read still gets the hash of what was loaded.
      (playbook.data as { name: string }).name = 'changed';
      expect(playbook.hash).toBe(expected);
      expect(playbook.hash).toBe(expected);
      expect(Object.keys(playbook)).toContain('hash');
      expect({ ...playbook }.hash).toBe(expected);
    }
  });
});

describe('limits', () => {
  it('maxNodes counts every value', () => {
    const text = 'a: [1, 2, 3]\nb: [4, 5]\n';
    expect(tryParsePlaybook(text).ok).toBe(true);
    const result = tryParsePlaybook(text, { limits: { maxNodes: 5 } });
    expect(codes(result)).toEqual(['E_TOO_LARGE']);
    expect(result.issues[0]?.message).toContain('5 values');
  });

  it('maxNodes counts aliases as they expand (billion laughs)', () => {
    const text = [
      'a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
    ].join('\n');
    expect(tryParsePlaybook(text).ok).toBe(true);
    expect(codes(tryParsePlaybook(text, { limits: { maxNodes: 300 } }))).toEqual(['E_ALIAS_LIMIT']);
  });

  it('maxDepth applies to block and flow nesting alike', () => {
    const block = 'a:\n  b:\n    c:\n      d: 1\n';
    expect(tryParsePlaybook(block, { limits: { maxDepth: 4 } }).ok).toBe(true);
    expect(codes(tryParsePlaybook(block, { limits: { maxDepth: 3 } }))).toEqual(['E_DEPTH_LIMIT']);
    // Points at the first node past the limit: the mapping under `c:`.
    const deep = tryParsePlaybook(block, { limits: { maxDepth: 2 } });
    expect(deep.issues).toMatchObject([{ code: 'E_DEPTH_LIMIT', line: 4, column: 7 }]);
    expect(codes(tryParsePlaybook('a: { b: { c: 1 } }\n', { limits: { maxDepth: 2 } }))).toEqual([
      'E_DEPTH_LIMIT',
    ]);
  });

  it('reports runaway flow nesting before parsing, with a real line and column', () => {
    const result = tryParsePlaybook(`name: x\nlist: ${'['.repeat(100)}`);
    expect(result.issues).toMatchObject([{ code: 'E_DEPTH_LIMIT', line: 2, column: 7 + 64 }]);
    const first = tryParsePlaybook('['.repeat(10), { limits: { maxDepth: 3 } });
    expect(first.issues).toMatchObject([{ code: 'E_DEPTH_LIMIT', line: 1, column: 4 }]);
  });

  it('maxBytes counts UTF-8 bytes, not characters', () => {
    const text = 'a: ééé\n'; // 7 characters, 10 bytes
    expect(tryParsePlaybook(text, { limits: { maxBytes: 10 } }).ok).toBe(true);
    expect(codes(tryParsePlaybook(text, { limits: { maxBytes: 9 } }))).toEqual(['E_TOO_LARGE']);
    expect(codes(tryParsePlaybook(Buffer.from(text), { limits: { maxBytes: 9 } }))).toEqual(['E_TOO_LARGE']);
  });
});

describe('what the loader rejects', () => {
  it.each([
    ['', 'E_EMPTY'],
    ['# only a comment\n', 'E_EMPTY'],
    ['- a\n- b\n', 'E_ROOT_NOT_MAPPING'],
    ['a: 1\na: 2\n', 'E_DUPLICATE_KEY'],
    ['a: 1\n---\nb: 2\n', 'E_MULTIPLE_DOCUMENTS'],
    ['a: !!binary aGk=\n', 'E_YAML_TAG'],
    ['[a]: 1\n', 'E_YAML_KEY'],
    ['a:\n\t- b\n', 'E_YAML_TAB'],
    ['a: "x\0y"\n', 'E_ENCODING'],
  ])('%j → %s', (text, code) => {
    const result = tryParsePlaybook(text);
    expect(result.ok).toBe(false);
    expect(codes(result)).toEqual([code]);
  });

  it('says where bytes stop being UTF-8, and rejects UTF-16', () => {
    const bad = tryParsePlaybook(new Uint8Array([...Buffer.from('a:\nb: '), 0xc3, 0x28]));
    expect(bad.issues).toMatchObject([{ code: 'E_ENCODING', line: 2, column: 4 }]);
    expect(bad.issues[0]?.message).toContain('0xc3');
    expect(codes(tryParsePlaybook(new Uint8Array([0xff, 0xfe, 0x61, 0x00])))).toEqual(['E_ENCODING']);
  });

  it('PlaybookInvalid carries the issues and names file:line:col', () => {
    let caught: unknown;
    try {
      parsePlaybook('name: x\nname: y\nother: 1\nother: 2\n', { file: 'broken.yaml' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PlaybookInvalid);
    expect(isFirstlineError(caught)).toBe(true);
    const error = caught as PlaybookInvalid;
    expect(error.code).toBe('E_PLAYBOOK_INVALID');
    expect(error.file).toBe('broken.yaml');
    expect(error.issues).toMatchObject([
      { code: 'E_DUPLICATE_KEY', line: 2, column: 1 },
      { code: 'E_DUPLICATE_KEY', line: 4, column: 1 },
    ]);
    expect(error.message).toMatch(/^broken\.yaml:2:1 E_DUPLICATE_KEY .*\(and 1 more\)$/);
  });
});

describe('loadPlaybook from the file system', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'firstline-load-'));
    file = join(dir, 'ok.yaml');
    await writeFile(file, 'firstline: 1\nname: from-disk\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a path and names the file', async () => {
    const playbook = await loadPlaybook(file);
    expect(playbook.file).toBe(file);
    expect(playbook.data).toEqual({ firstline: 1, name: 'from-disk' });
  });

  it('reads a file URL', async () => {
    const playbook = await loadPlaybook(pathToFileURL(file));
    expect(playbook.file).toBe(file);
    expect(playbook.hash).toBe(parsePlaybook('firstline: 1\nname: from-disk\n').hash);
  });

  it('reads text with a display name', async () => {
    const playbook = await loadPlaybook({ text: 'name: t\n', file: 'inline.yaml' });
    expect(playbook.file).toBe('inline.yaml');
  });

  it('reports E_READ for a missing file', async () => {
    const missing = join(dir, 'nope.yaml');
    const result = await tryLoadPlaybook(missing);
    expect(result.ok).toBe(false);
    expect(result.issues).toMatchObject([{ code: 'E_READ', line: 1, column: 1 }]);
    expect(result.issues[0]?.message).toContain('no such file');
    await expect(loadPlaybook(missing)).rejects.toMatchObject({
      code: 'E_PLAYBOOK_INVALID',
      issues: [{ code: 'E_READ' }],
    });
  });

  it('reports E_READ for a directory', async () => {
    const result = await tryLoadPlaybook(dir);
    expect(codes(result)).toEqual(['E_READ']);
    expect(result.issues[0]?.message).toContain('directory');
  });

  it('applies maxBytes before reading the file', async () => {
    const result = await tryLoadPlaybook(file, { limits: { maxBytes: 8 } });
    expect(codes(result)).toEqual(['E_TOO_LARGE']);
  });

  it('names the file in the error it throws for bad content', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'name: x\n- item\n');
    await expect(loadPlaybook(bad)).rejects.toThrow(
      new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+ `),
    );
  });
});
