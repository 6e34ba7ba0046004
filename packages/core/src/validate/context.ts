import { credentialKind } from '../format/credentials.js';
import type { LoadedPlaybook } from '../load/loadPlaybook.js';
import { formatPath } from '../load/sourceMap.js';
import type { PathSegment } from '../load/sourceMap.js';
import type { Issue, IssueCode } from './issues.js';

/** Options for one reported issue. */
export interface ReportOptions {
  /** Point at the key rather than the value (for unknown keys). */
  key?: boolean;
  /** Point this many characters into a one-line string value (for expressions). */
  inner?: number;
  /** Default `error`. */
  severity?: 'error' | 'warning';
}

/** Collects issues for one validation, turning data paths into source positions. */
export class IssueCollector {
  readonly issues: Issue[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly playbook: LoadedPlaybook) {}

  /** Records an issue at a path of the document. Exact repeats are dropped. */
  report(code: IssueCode, path: readonly PathSegment[], message: string, options: ReportOptions = {}): void {
    const { line, column } = this.playbook.sourceMap.locate(path, options);
    const formatted = formatPath(path);
    const dedupeKey = `${code}|${formatted}|${message}`;
    if (this.seen.has(dedupeKey)) return;
    this.seen.add(dedupeKey);
    this.issues.push({ code, message, path: formatted, line, column, severity: options.severity ?? 'error' });
  }
}

/** A plain object, or undefined: a tolerant accessor for data that may not match the schema. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** An array, or an empty one. */
export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A string, or undefined. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Describes a value's type the way a person would: "a list", "the number 30". */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return value.length > 40 || credentialKind(value) ? 'a string' : `the string "${value}"`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return `${value}`;
    case 'object':
      return 'a mapping';
    default:
      return typeof value;
  }
}

/** A string value quoted for a message, unless it looks like a credential: then it is not shown. */
export function quoteValue(value: unknown): string {
  const text = String(value);
  const kind = credentialKind(text);
  return kind ? `a value that looks like ${kind} (not shown)` : `"${text}"`;
}

/** Calls `visit` for every string inside a value, with its path. */
export function walkStrings(
  value: unknown,
  path: PathSegment[],
  visit: (text: string, path: PathSegment[]) => void,
): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, [...path, i], visit));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) walkStrings(v, [...path, k], visit);
}
