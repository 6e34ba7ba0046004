/**
 * A cheap, linear scan of YAML text for nesting too deep to parse. The YAML parser recurses once
 * per level and runs out of stack near a thousand levels (reported as a resource error, which read
 * as an alias problem); this scan runs first so a deep document is a plain depth error with a place.
 *
 * It estimates, never parses: flow nesting counts `[`/`{` (quotes ignored: a string holding dozens
 * of unmatched brackets only costs a stricter limit), block nesting counts indentation levels and
 * compact indicators (`- - - x`). The block estimate may fall short of the real depth (a sequence
 * at its parent key's indentation), never far: the loader's exact check on the parsed data catches
 * the rest long before the parser's stack is at risk.
 */

/** Offset of the first character past `max` levels of nesting in YAML `text`, or -1 when none is. */
export function nestingExceeded(text: string, max: number): number {
  const flow = flowDepthExceeded(text, max);
  const block = blockDepthExceeded(text, max);
  if (flow < 0) return block;
  return block < 0 ? flow : Math.min(flow, block);
}

/** Where `[`/`{` nesting first passes `max`, or -1. */
function flowDepthExceeded(text: string, max: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x5b || ch === 0x7b) {
      if (++depth > max) return i;
    } else if ((ch === 0x5d || ch === 0x7d) && depth > 0) depth--;
  }
  return -1;
}

const SPACE = 0x20;
const HASH = 0x23;
const NEWLINE = 0x0a;
// A line whose value is a block scalar header (`key: |`, `- >-`, `|2`): the lines under it are text.
const BLOCK_SCALAR = /(?:^|[\s:-])[|>][1-9+-]{0,2}\s*(?:#.*)?$/;

/**
 * Where block nesting first passes `max`, or -1. Keeps the indentation columns of the levels open
 * above the current line: a line closes every level at or right of its own indentation, then opens
 * one for itself and one per compact indicator (`- `, `? `, `: `) it starts with. The top level is
 * depth 0, as in the loader's exact check.
 */
function blockDepthExceeded(text: string, max: number): number {
  const open: number[] = [];
  let scalarAbove = -1; // indentation of a block scalar's header while inside its text
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let i = start;
    while (i < end && text.charCodeAt(i) === SPACE) i++;
    const indent = i - start;
    const blank = i >= end || text.charCodeAt(i) === HASH || text.charCodeAt(i) === 0x0d;
    if (scalarAbove >= 0 && (blank || indent > scalarAbove)) {
      start = end + 1;
      continue;
    }
    scalarAbove = -1;
    if (!blank) {
      while (open.length > 0 && open[open.length - 1]! >= indent) open.pop();
      open.push(indent);
      if (open.length - 1 > max) return i;
      // Compact indicators open a level each at the column of what follows them.
      while (i < end && isIndicator(text, i, end)) {
        i++;
        while (i < end && text.charCodeAt(i) === SPACE) i++;
        open.push(i - start);
        if (open.length - 1 > max) return i;
      }
      if (BLOCK_SCALAR.test(text.slice(i, end))) scalarAbove = indent;
    }
    start = end + 1;
  }
  return -1;
}

/** True when `text[i]` is `-`, `?` or `:` followed by a space or the end of the line. */
function isIndicator(text: string, i: number, end: number): boolean {
  const ch = text.charCodeAt(i);
  if (ch !== 0x2d && ch !== 0x3f && ch !== 0x3a) return false;
  if (i + 1 >= end) return true;
  const after = text.charCodeAt(i + 1);
  return after === SPACE || after === NEWLINE || after === 0x0d || after === 0x09;
}
