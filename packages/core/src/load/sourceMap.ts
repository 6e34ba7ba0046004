import type { LineCounter } from 'yaml';

/** A step of a path into a document: a mapping key or a sequence index. */
export type PathSegment = string | number;

/** A 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

/** Where one node of the document stands in the source text (offsets into the text). */
export interface NodeSpan {
  /** Start of the value. */
  start: number;
  /** Start of the key, for values of a mapping. */
  keyStart?: number;
  /** Set for one-line plain or quoted scalars: the value's characters begin this far after `start`. */
  innerShift?: number;
}

const IDENT = /^[A-Za-z_$][\w$-]*$/;

/** Renders path segments as people read them: `steps[2].on.fail`, `inputs["my key"]`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (IDENT.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** Turns an ajv/JSON Pointer instance path (`/steps/2/on`) into segments. */
export function pointerToSegments(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => {
      const s = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      return /^(0|[1-9]\d*)$/.test(s) ? Number(s) : s;
    });
}

/**
 * Maps every node of a loaded document to its place in the source, so issues found on the data
 * can say `line:col`. A path with no node of its own (a missing key) resolves to its nearest parent.
 */
export class SourceMap {
  constructor(
    private readonly spans: ReadonlyMap<string, NodeSpan>,
    private readonly lines?: LineCounter,
  ) {}

  /** A source map for data that came without text (an object built in code): every position is 1:1. */
  static empty(): SourceMap {
    return new SourceMap(new Map());
  }

  /**
   * The position of the node at `segments`: its key when `key` is set (for "unknown key" issues),
   * or `inner` characters into a one-line string value (for an expression inside it).
   */
  locate(segments: readonly PathSegment[], options: { key?: boolean; inner?: number } = {}): Position {
    for (let n = segments.length; n >= 0; n--) {
      const span = this.spans.get(formatPath(segments.slice(0, n)));
      if (!span) continue;
      const exact = n === segments.length;
      let offset = span.start;
      if (exact && options.key && span.keyStart !== undefined) offset = span.keyStart;
      else if (exact && options.inner !== undefined && span.innerShift !== undefined)
        offset = span.start + span.innerShift + options.inner;
      return this.position(offset);
    }
    return { line: 1, column: 1 };
  }

  /** Converts a text offset to a 1-based line and column. */
  position(offset: number): Position {
    if (!this.lines) return { line: 1, column: 1 };
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }
}
