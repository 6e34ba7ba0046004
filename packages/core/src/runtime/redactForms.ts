/**
 * The forms a secret takes once something has transformed it: escaped for JSON (once or twice, or with
 * `\uXXXX`), URL- and form-encoded, hex, and base64 at every byte alignment. Matched case-insensitively,
 * so `%2f`/`%2F`, `DEADBEEF`/`deadbeef` and an upper-cased echo of the secret are all the same secret.
 */

/**
 * Secrets shorter than this are refused when resolved (`E_SECRET_TOO_SHORT`). Given to a redactor
 * anyway, they are still replaced wherever they occur, but only verbatim and escaped: base64 or hex of
 * so few bytes would match ordinary text.
 */
export const MIN_SECRET_LENGTH = 6;

/** A regex source for one form of a secret, and the plain text of that form when it has one. */
export interface SecretForm {
  /** Regex source (for a case-insensitive matcher) matching this form. */
  source: string;
  /** How long a match is at most: longer forms are tried first. */
  length: number;
  /** The literal text of this form, used to find it cut at a truncation edge; absent for patterns. */
  literal?: string;
}

/** Every form of `secret` worth matching; just the escaped ones for a secret under {@link MIN_SECRET_LENGTH}. */
export function secretForms(secret: string): SecretForm[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const literals = new Set([
    secret,
    json,
    // A JSON document carried inside another JSON string: every escape escaped again.
    JSON.stringify(json).slice(1, -1),
    // What ASCII-only JSON writers (Python's json.dumps, for one) produce.
    json.replace(/[^\x20-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`),
    encodeURIComponent(secret),
    // What URLSearchParams and HTML forms write: spaces as '+', a few more characters escaped.
    new URLSearchParams({ v: secret }).toString().slice(2),
  ]);
  if (secret.length >= MIN_SECRET_LENGTH) {
    const bytes = new TextEncoder().encode(secret);
    literals.add(Buffer.from(bytes).toString('hex'));
    literals.add(Buffer.from(bytes).toString('base64').replace(/=+$/, ''));
  }
  const forms: SecretForm[] = [...literals].map((text) => ({
    source: escapeRegExp(text),
    length: text.length,
    literal: text,
  }));
  if (secret.length >= MIN_SECRET_LENGTH) forms.push(...base64Forms(new TextEncoder().encode(secret)));
  return forms;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Base64 of the secret wherever it sits in the encoded bytes: after 0, 1 or 2 other bytes (so
 * `base64("svc:" + secret)` and `base64("Bearer " + secret)` are caught). The characters at either
 * end that mix the secret's bits with its neighbours' match any character with the secret's bits in
 * place; `+` and `/` also match their URL-safe (`-`, `_`) and percent-encoded spellings.
 */
function base64Forms(bytes: Uint8Array): SecretForm[] {
  const forms: SecretForm[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const startBit = 8 * offset;
    const endBit = startBit + 8 * bytes.length;
    const bitAt = (i: number): number => {
      const byte = bytes[Math.floor(i / 8) - offset] ?? 0;
      return (byte >> (7 - (i % 8))) & 1;
    };
    let source = '';
    let length = 0;
    for (let char = Math.floor(startBit / 6); char * 6 < endBit; char++) {
      let mask = 0;
      let value = 0;
      for (let j = 0; j < 6; j++) {
        const bit = char * 6 + j;
        if (bit < startBit || bit >= endBit) continue;
        mask |= 1 << (5 - j);
        value |= bitAt(bit) << (5 - j);
      }
      const candidates = [...ALPHABET].filter((_, v) => (v & mask) === value);
      source += charPattern(candidates);
      length += candidates.includes('+') || candidates.includes('/') ? 3 : 1;
    }
    forms.push({ source, length });
  }
  return forms;
}

function charPattern(candidates: string[]): string {
  const spelled = candidates.flatMap((c) => (c === '+' ? ['+', '-'] : c === '/' ? ['/', '_'] : [c]));
  const percent = [
    ...(candidates.includes('+') ? ['%2B'] : []),
    ...(candidates.includes('/') ? ['%2F'] : []),
  ];
  const klass =
    spelled.length === 1 ? escapeRegExp(spelled[0]!) : `[${spelled.map(escapeClassChar).join('')}]`;
  return percent.length === 0 ? klass : `(?:${klass}|${percent.join('|')})`;
}

function escapeClassChar(char: string): string {
  return /[\\\]^-]/.test(char) ? `\\${char}` : char;
}

/** `text` as a regex source matching itself literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
