import { canonicalJson } from '../load/hash.js';

/**
 * A cheap, non-cryptographic fingerprint of a schema (canonical JSON, keys sorted): which schema a
 * build-time precompiled validator was compiled from (scripts/gen-action-validators.ts writes it, the
 * registry compares it on first use). This is identity of a build artefact against the schema it was
 * made from, not security: the schema and the generated module both come from installed code, nothing
 * untrusted chooses either. SHA-256 would mean loading node:crypto, about 3 ms of every `validate`.
 * Two independent 32-bit multiply-xor lanes over the UTF-16 units (cyrb53's mixing, both lanes kept)
 * and the text's length: an accidental match between a changed schema and a stale table is out of reach.
 */
export function schemaFingerprint(schema: unknown): string {
  const text = canonicalJson(schema);
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ unit, 2654435761);
    h2 = Math.imul(h2 ^ unit, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  return `${hex(h2)}${hex(h1)}-${text.length.toString(16)}`;
}
