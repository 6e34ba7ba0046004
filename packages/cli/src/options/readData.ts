import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
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
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new DataFileInvalid(
      path,
      doc.errors.map((error) => {
        const at = lineCounter.linePos(error.pos[0]);
        return issue('E_DATA_SYNTAX', firstLine(error.message), at.line, at.col);
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

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
