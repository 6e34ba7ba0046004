import type { LineCounter } from 'yaml';
import type { Issue, IssueCode } from '../validate/issues.js';

// Issues the loader reports before any path into the data exists: positioned by text offset.

/** An issue about the whole file, at 1:1. */
export function issue(code: IssueCode, message: string): Issue {
  return { code, message, path: '', line: 1, column: 1, severity: 'error' };
}

/** An issue at a text offset. */
export function issueAt(lines: LineCounter, offset: number, code: IssueCode, message: string): Issue {
  const { line, col } = lines.linePos(offset);
  return { code, message, path: '', line, column: col, severity: 'error' };
}

/** The sentence for a file over the size limit. */
export function tooLarge(size: number, max: number): string {
  return `the file is ${size} bytes; playbooks are limited to ${max} bytes`;
}
