import { createHash } from 'node:crypto';

/** SHA-256 of data in canonical JSON (keys sorted): the identity of what a playbook means. */
export function hashData(data: unknown): string {
  return hashCanonical(canonicalJson(data));
}

/** SHA-256 of a {@link canonicalJson} text: {@link hashData} in two steps, the digest left for later. */
export function hashCanonical(canonical: string): string {
  return createHash('sha256').update(canonical).digest('hex');
}

/** Data as canonical JSON: keys sorted, no spaces; what {@link hashData} digests. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
