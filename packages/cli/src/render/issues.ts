import type { Issue } from '@firstline/core';
import type { Palette } from '../io.js';

/** A positioned problem in any file the CLI reads: a playbook's issues, or one of its own (input files). */
export type CliIssue = Pick<Issue, 'message' | 'line' | 'column' | 'severity'> & { code: string };

/** One issue as `file:line:col  CODE  message`, the form editors and CI annotations parse. */
export function issueLine(issue: CliIssue, file: string, palette: Palette): string {
  const where = `${file}:${issue.line}:${issue.column}`;
  const warning = issue.severity === 'warning';
  const code = warning ? palette.yellow(`${issue.code} (warning)`) : palette.red(issue.code);
  return `${palette.bold(where)}  ${code}  ${issue.message}`;
}

/**
 * The offending source line with a caret under the column, for people at a terminal:
 *
 *     12 |     action: http.chek
 *        |             ^
 */
export function caretExcerpt(text: string, line: number, column: number, palette: Palette): string {
  const lines = text.split(/\r?\n/);
  const source = lines[line - 1];
  if (source === undefined || text === '') return '';
  const number = String(line);
  const gutter = ' '.repeat(number.length);
  // Tabs would shift the caret; show them as one space each, as the column counts them.
  const shown = source.replace(/\t/g, ' ');
  const caretAt = Math.max(0, Math.min(column - 1, shown.length));
  return (
    `  ${palette.dim(`${number} |`)} ${shown}\n` +
    `  ${palette.dim(`${gutter} |`)} ${' '.repeat(caretAt)}${palette.red('^')}\n`
  );
}
