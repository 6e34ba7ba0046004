import { edgeForms, edgeSpans } from './redactEdges.js';
import type { Span } from './redactEdges.js';
import { secretForms } from './redactForms.js';

/** What every secret value, and each of its encodings, is replaced with. */
export const REDACTED = '[redacted]';

const MAX_DEPTH = 50;
const CIRCULAR = '[circular]';
const TOO_DEEP = '[too deep]';
const UNREADABLE = '[unreadable]';

/** Removes secret values from text, data and errors before they are stored, streamed or shown. */
export interface Redactor {
  /**
   * False when there are no secrets: `string` then returns its input unchanged. `value` still copies, so
   * what it returns is JSON-safe (no cycles, no Errors) whether or not the run has secrets.
   */
  readonly active: boolean;
  /** The text with every secret value, and its common encodings, replaced by {@link REDACTED}. */
  string(text: string): string;
  /**
   * A redacted deep copy of plain data (object keys included). Errors become their message, Dates ISO
   * strings, Maps and Sets arrays; a cycle becomes `[circular]`, nesting beyond 50 levels `[too deep]`.
   */
  value<T>(value: T): T;
  /** A redacted one-line message for a thrown value: never a stack. */
  error(err: unknown): string;
}

/**
 * Builds a redactor for a run's secret values; the matcher is compiled once, here. Matching ignores
 * case and covers each secret's derived forms (see `secretForms`) and a secret cut at a truncation edge.
 */
export function createRedactor(secrets: Iterable<string>): Redactor {
  const exact = new Set<string>();
  const patterns = new Map<string, number>();
  const literals = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret === '') continue;
    exact.add(secret.toLowerCase());
    for (const form of secretForms(secret)) {
      patterns.set(form.source, Math.max(form.length, patterns.get(form.source) ?? 0));
      if (form.literal !== undefined) literals.add(form.literal);
    }
  }
  // Longest first: at any position the first alternative that matches wins, so a secret containing
  // another is replaced whole rather than leaving its remainder visible.
  const alternatives = [...patterns].sort((a, b) => b[1] - a[1]).map(([pattern]) => pattern);
  // A lookahead matches at every position, overlapping matches included; their spans are merged below.
  const matcher = alternatives.length > 0 ? new RegExp(`(?=(${alternatives.join('|')}))`, 'gi') : undefined;
  const edgeLiterals = edgeForms(literals);
  const active = exact.size > 0;

  const redactString = (text: string): string => {
    if (!active) return text;
    const lower = text.toLowerCase();
    if (exact.has(lower)) return REDACTED;
    const spans: Span[] = edgeSpans(text, lower, edgeLiterals);
    if (matcher)
      for (const match of text.matchAll(matcher)) {
        const length = match[1]?.length ?? 0;
        if (length > 0) spans.push([match.index, match.index + length]);
      }
    if (spans.length === 0) return text;
    spans.sort((a, b) => a[0] - b[0]);
    let out = '';
    let copied = 0;
    let [spanStart, spanEnd] = spans[0]!;
    for (const [start, end] of spans) {
      if (start <= spanEnd) {
        spanEnd = Math.max(spanEnd, end);
        continue;
      }
      out += text.slice(copied, spanStart) + REDACTED;
      copied = spanEnd;
      spanStart = start;
      spanEnd = end;
    }
    return out + text.slice(copied, spanStart) + REDACTED + text.slice(spanEnd);
  };

  const redactError = (err: unknown): string => oneLine(redactString(errorMessage(err, 0)));

  const copy = (value: unknown, depth: number, ancestors: Set<object>): unknown => {
    if (typeof value === 'string') return redactString(value);
    if (typeof value !== 'object' || value === null) return value;
    if (value instanceof Error) return redactError(value);
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
    // Only ancestors count: the same object reached twice by different paths is shared, not a cycle.
    if (ancestors.has(value)) return CIRCULAR;
    if (depth >= MAX_DEPTH) return TOO_DEEP;
    ancestors.add(value);
    try {
      const next = depth + 1;
      if (Array.isArray(value)) return value.map((item: unknown) => copy(item, next, ancestors));
      if (value instanceof Map)
        return [...value].map(([key, item]) => [copy(key, next, ancestors), copy(item, next, ancestors)]);
      if (value instanceof Set) return [...value].map((item: unknown) => copy(item, next, ancestors));
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      // Class instances (URL, Buffer, ...) are copied as JSON.stringify would see them.
      if (typeof toJSON === 'function') return copy(toJSON.call(value) as unknown, next, ancestors);
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value))
        setOwn(out, redactString(key), copy(item, next, ancestors));
      return out;
    } catch {
      // A throwing getter or toJSON must not turn redaction into a crash on an error path.
      return UNREADABLE;
    } finally {
      ancestors.delete(value);
    }
  };

  return {
    active,
    string: redactString,
    value: <T>(value: T): T => copy(value, 0, new Set()) as T,
    error: redactError,
  };
}

// Redactors recently built for runs, by their secret values: runs of one playbook on one host have the
// same secrets, and a waiting run then holds no matcher of its own. A redactor keeps no state per use.
const SHARED_KEPT = 16;
const shared = new Map<string, Redactor>();

let noSecrets: Redactor | undefined;

/**
 * A redactor for a run's secret values, shared with the other runs that have the same ones (the last
 * 16 sets are kept): the same as {@link createRedactor}, built once.
 */
export function runRedactor(secrets: readonly string[]): Redactor {
  // A run without secret values (every simulation) takes the one redactor that redacts nothing.
  if (secrets.length === 0) return (noSecrets ??= createRedactor([]));
  const key = JSON.stringify(secrets);
  let redactor = shared.get(key);
  if (redactor) shared.delete(key);
  else redactor = createRedactor(secrets);
  shared.set(key, redactor);
  if (shared.size > SHARED_KEPT) shared.delete(shared.keys().next().value!);
  return redactor;
}

function errorMessage(err: unknown, depth: number): string {
  if (err instanceof AggregateError && Array.isArray(err.errors) && depth < 3) {
    const inner = (err.errors as unknown[]).map((item) => errorMessage(item, depth + 1)).filter(Boolean);
    if (inner.length > 0) return err.message ? `${err.message}: ${inner.join('; ')}` : inner.join('; ');
  }
  if (err instanceof Error) return err.message || err.name;
  // Errors from another realm, or objects thrown as errors, still carry a message worth showing.
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string')
    return (err as { message: string }).message;
  try {
    return String(err);
  } catch {
    return 'unknown error';
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** Sets an own property: assignment would set the prototype for a "__proto__" key instead of copying it. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
