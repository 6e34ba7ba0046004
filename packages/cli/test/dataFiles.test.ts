import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataFileInvalid, readDataFile } from '../src/options/readData.js';
import { cli } from './support.js';

// Issue 15, item 6: data files (--input-file, --trigger file, -i @file) get the loader's guards:
// deep nesting is a depth error with a place, duplicate keys are found without a quadratic check.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'firstline-data-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function issuesOf(name: string, text: string) {
  await writeFile(join(dir, name), text);
  try {
    await readDataFile(name, dir);
  } catch (error) {
    if (error instanceof DataFileInvalid) return error.issues;
    throw error;
  }
  return [];
}

describe('readDataFile', () => {
  it('reports a 100,000-deep sequence as E_DEPTH_LIMIT with line and column', async () => {
    const issues = await issuesOf('deep.yaml', `host: a\nevent:\n${'- '.repeat(100_000)}x\n`);
    expect(issues).toMatchObject([{ code: 'E_DEPTH_LIMIT', line: 3 }]);
    expect(issues[0]!.column).toBeLessThan(200);
  });

  it('reports deep JSON brackets the same way', async () => {
    const issues = await issuesOf('deep.json', `{"a": ${'['.repeat(5_000)}${']'.repeat(5_000)}}`);
    expect(issues).toMatchObject([{ code: 'E_DEPTH_LIMIT', line: 1 }]);
  });

  it('reports duplicate keys at the repeat, in document order', async () => {
    const issues = await issuesOf('dup.yaml', 'a: 1\nb: { c: 1, c: 2 }\na: 3\n');
    expect(issues).toMatchObject([
      { code: 'E_DATA_SYNTAX', line: 2, column: 12 },
      { code: 'E_DATA_SYNTAX', line: 3, column: 1 },
    ]);
  });

  it('reads a 32,000-key mapping in about the time a parse takes', async () => {
    const keys = Array.from({ length: 32_000 }, (_, i) => `k${i}: ${i}`).join('\n');
    await writeFile(join(dir, 'wide.yaml'), keys);
    const data = (await readDataFile('wide.yaml', dir, 'object')) as Record<string, number>;
    expect(data.k31999).toBe(31_999);
  });
});

describe('the bin with a deep data file', () => {
  it('exits 2 with file:line:col and the code, no stack trace', async () => {
    await writeFile(join(dir, 'deep-input.yaml'), `host: web-1\nx:\n${'- '.repeat(100_000)}y\n`);
    const { code, stderr } = await cli([
      'simulate',
      'web-first-line.yaml',
      '--input-file',
      join(dir, 'deep-input.yaml'),
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/deep-input\.yaml:3:\d+ {2}E_DEPTH_LIMIT {2}/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
