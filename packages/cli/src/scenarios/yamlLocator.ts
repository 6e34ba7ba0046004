import { isMap, isScalar, isSeq } from 'yaml';
import type { Document, LineCounter } from 'yaml';

/** A 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

/** Finds where the node at a path of keys and indexes stands: its value, or its key with `key: true`. */
export type Locate = (path: ReadonlyArray<string | number>, options?: { key?: boolean }) => Position;

/**
 * A locator over a parsed YAML document. A path that does not exist (a missing key) resolves to the
 * nearest node that does, so a "missing `expect`" problem points at its scenario.
 */
export function createLocator(doc: Document, lines: LineCounter): Locate {
  return (path, options = {}) => {
    let node: unknown = doc.contents;
    let offset = start(node) ?? 0;
    for (const [i, segment] of path.entries()) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        if (i === path.length - 1 && options.key) {
          offset = start(pair.key) ?? offset;
          break;
        }
        offset = start(pair.value) ?? start(pair.key) ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item: unknown = node.items[segment];
        if (item === undefined) break;
        offset = start(item) ?? offset;
        node = item;
      } else break;
    }
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
}

function start(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range?.[0];
}
