/** The loader's limits; each one, when exceeded, is reported as its own issue code. */
export const LOAD_LIMITS = {
  /** Largest file accepted, in bytes (1 MiB): playbooks are small, and a larger file is a mistake or an attack. */
  maxBytes: 1024 * 1024,
  /** Deepest nesting of mappings and sequences. */
  maxDepth: 64,
  /** Most nodes the document may expand to, aliases included (guards against billion-laughs documents). */
  maxNodes: 100_000,
} as const;

/** Loader limits, overridable per call. */
export type LoadLimits = { [K in keyof typeof LOAD_LIMITS]: number };

/**
 * The offset of the first byte that is not valid UTF-8, or -1. Hand-rolled because TextDecoder
 * only says that decoding failed, not where, and the user needs the line.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    let extra: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [extra, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [extra, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [extra, min] = [3, 0x10000];
    else return i;
    if (i + extra >= bytes.length) return i;
    let code = b & (0x3f >> extra);
    for (let k = 1; k <= extra; k++) {
      const c = bytes[i + k] as number;
      if ((c & 0xc0) !== 0x80) return i;
      code = (code << 6) | (c & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i;
    i += extra + 1;
  }
  return -1;
}
