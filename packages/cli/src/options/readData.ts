import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LOAD_LIMITS } from '@firstline/core';
import { duplicateKeyOffsets, nestingExceeded } from '@firstline/core/internal';
import { LineCounter, parseDocument } from 'yaml';
import type { CliIssue } from '../render/issues.js';

/** A data file (inputs, a trigger event, a run record) that cannot be read as JSON or YAML. */
export class DataFileInvalid extends Error {
  /** Stable code: tools may match on it. */
  readonly code = 'E_DATA_FILE';
  constructor(
    readonly file: string,
    readonly issues: readonly CliIssue[],
  ) {
    super(`${file}: ${issues[0]?.message ?? 'cannot be read'}`);
    this.name = 'DataFileInvalid';
  }
}

/**
 * Reads a JSON or YAML file (JSON is YAML) as plain data. Unreadable files and syntax errors become a
 * {@link DataFileInvalid} with line and column; `expect` checks the top-level shape.
 */
export async function readDataFile(
  path: string,
  cwd: string,
  expect: 'object' | 'any' = 'any',
): Promise<unknown> {
  const file = resolve(cwd, path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(error);
    throw new DataFileInvalid(path, [issue('E_READ', `cannot read ${path}: ${reason}`)]);
  }
  const lineCounter = new LineCounter();
  // Before parsing: the YAML parser recurses per level and a deep file would exhaust its stack.
  const tooDeep = nestingExceeded(text, LOAD_LIMITS.maxDepth);
  if (tooDeep >= 0) {
    const at = positionOf(text, tooDeep);
    const message = `${path} nests deeper than ${LOAD_LIMITS.maxDepth} levels`;
    throw new DataFileInvalid(path, [issue('E_DEPTH_LIMIT', message, at.line, at.col)]);
  }
  // Duplicate keys are found with a set: the parser's own check is quadratic in a mapping's keys.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const problems = [
    ...doc.errors.map((error) => ({ offset: error.pos[0], message: firstLine(error.message) })),
    ...duplicateKeyOffsets(doc).map((offset) => ({ offset, message: 'Map keys must be unique' })),
  ].sort((a, b) => a.offset - b.offset);
  if (problems.length > 0) {
    throw new DataFileInvalid(
      path,
      problems.map(({ offset, message }) => {
        const at = lineCounter.linePos(offset);
        return issue('E_DATA_SYNTAX', message, at.line, at.col);
      }),
    );
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  if (expect === 'object' && (typeof data !== 'object' || data === null || Array.isArray(data))) {
    throw new DataFileInvalid(path, [
      issue('E_DATA_SHAPE', `${path} must hold a mapping of names to values`),
    ]);
  }
  return data;
}

function issue(code: string, message: string, line = 1, column = 1): CliIssue {
  return { code, message, line, column, severity: 'error' };
}

/** 1-based line and column of `offset` in `text`, counted without the parser. */
function positionOf(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, col: offset - lineStart + 1 };
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
