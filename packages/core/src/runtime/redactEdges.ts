/**
 * Finds a secret cut by truncation: text that ends (or stops at an ellipsis) with the first characters
 * of a secret, or starts (or resumes after an ellipsis) with its last characters. Truncating before
 * redacting leaves exactly that, `Bearer fl-SeCrEt-…`, which no full-length pattern matches.
 */

/** Fewer characters than this at a cut edge are not taken for a secret: they would match ordinary words. */
export const MIN_EDGE_CHARS = 6;

// Escaped: a non-ASCII character in a bundle chunk makes Node hand V8 the whole chunk as a two-byte string.
const ELLIPSIS = /\u2026|\.\.\./g;

/** A `[start, end)` range of text to replace. */
export type Span = [number, number];

/**
 * The spans of `text` holding a cut-off piece (at least {@link MIN_EDGE_CHARS} long, compared
 * case-insensitively) of one of `forms` at a cut edge: the text's ends and either side of an ellipsis.
 * `lower` is `text` lower-cased; `forms` are the literals longer than {@link MIN_EDGE_CHARS},
 * lower-cased (see {@link edgeForms}): both are computed once by the caller, not on every call.
 */
export function edgeSpans(text: string, lower: string, forms: readonly string[]): Span[] {
  if (forms.length === 0 || text.length < MIN_EDGE_CHARS) return [];
  const ends = [text.length];
  const starts = [0];
  for (const match of text.matchAll(ELLIPSIS)) {
    ends.push(match.index);
    starts.push(match.index + match[0].length);
  }
  const spans: Span[] = [];
  for (const form of forms) {
    for (const end of ends) {
      const start = cutHead(lower, end, form);
      if (start >= 0) spans.push([start, end]);
    }
    for (const start of starts) {
      const end = cutTail(lower, start, form);
      if (end >= 0) spans.push([start, end]);
    }
  }
  return spans;
}

/** The literals {@link edgeSpans} looks for: those longer than {@link MIN_EDGE_CHARS}, lower-cased. */
export function edgeForms(literals: Iterable<string>): string[] {
  return [...literals]
    .filter((literal) => literal.length > MIN_EDGE_CHARS)
    .map((literal) => literal.toLowerCase());
}

/** Where the longest proper prefix of `form` that ends exactly at `end` starts, or -1. */
function cutHead(text: string, end: number, form: string): number {
  const head = form.slice(0, MIN_EDGE_CHARS);
  const from = Math.max(0, end - (form.length - 1));
  let at = text.indexOf(head, from);
  while (at >= 0 && at + MIN_EDGE_CHARS <= end) {
    if (form.startsWith(text.slice(at, end))) return at;
    at = text.indexOf(head, at + 1);
  }
  return -1;
}

/** Where the longest proper suffix of `form` that starts exactly at `start` ends, or -1. */
function cutTail(text: string, start: number, form: string): number {
  const tail = form.slice(-MIN_EDGE_CHARS);
  const limit = Math.min(text.length, start + form.length - 1);
  let at = text.lastIndexOf(tail, limit - MIN_EDGE_CHARS);
  while (at >= start) {
    const end = at + MIN_EDGE_CHARS;
    if (form.endsWith(text.slice(start, end))) return end;
    at = at > 0 ? text.lastIndexOf(tail, at - 1) : -1;
  }
  return -1;
}
