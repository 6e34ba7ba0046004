import { isMap, isScalar, visit } from 'yaml';
import type { Document } from 'yaml';

/**
 * Offsets of every key that repeats an earlier key of the same mapping, in document order.
 *
 * The YAML parser's own check (`uniqueKeys: true`) compares each new key with every earlier one:
 * 32,000 keys in one mapping took 16 s. Here each mapping keeps a set of the keys it has seen.
 * Keys are compared as the data will hold them (`1` and `"1"` both become the property "1"), so a
 * repeat never silently overwrites a value. Keys that are not scalars are the loader's E_YAML_KEY.
 */
export function duplicateKeyOffsets(doc: Document.Parsed | Document): number[] {
  const offsets: number[] = [];
  visit(doc, {
    Map: (_key, map) => {
      if (!isMap(map)) return;
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const name = String(pair.key.value);
        if (seen.has(name)) offsets.push(pair.key.range?.[0] ?? 0);
        else seen.add(name);
      }
    },
  });
  return offsets.sort((a, b) => a - b);
}
