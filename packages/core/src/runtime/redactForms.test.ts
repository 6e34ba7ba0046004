import { describe, expect, it } from 'vitest';
import { REDACTED, createRedactor } from './redact.js';

const SECRET = 'fl-SeCrEt-9f2Kq7Zx';
const r = createRedactor([SECRET]);

/** Every base64 spelling of `text`: standard, url-safe, with and without padding. */
function base64s(text: string): string[] {
  const b = Buffer.from(text);
  return [b.toString('base64'), b.toString('base64url'), b.toString('base64').replace(/=+$/, '')];
}

/** True when some decoding of some run of `text` still holds the secret (case ignored). */
function leaks(text: string): boolean {
  const needle = SECRET.toLowerCase();
  const views = [text, decodeURIComponent(text.replace(/%(?![0-9a-f]{2})/gi, '%25'))];
  for (const run of text.match(/[A-Za-z0-9+/_-]{8,}/g) ?? [])
    for (let cut = 0; cut < 4; cut++) views.push(Buffer.from(run.slice(cut), 'base64').toString('latin1'));
  for (const run of text.match(/(?:[0-9a-f]{2})+/gi) ?? []) {
    views.push(Buffer.from(run, 'hex').toString('latin1'));
    views.push(Buffer.from(run.slice(1), 'hex').toString('latin1'));
  }
  return views.some((view) => view.toLowerCase().includes(needle));
}

describe('createRedactor: derived forms', () => {
  it('replaces the secret whatever its case', () => {
    expect(r.string(`x ${SECRET.toUpperCase()} ${SECRET.toLowerCase()} y`)).toBe(
      `x ${REDACTED} ${REDACTED} y`,
    );
    expect(r.string(SECRET.toUpperCase())).toBe(REDACTED);
  });

  it('replaces base64 of the secret at every byte alignment, behind common prefixes', () => {
    for (const prefix of ['', 'u', 'svc:', 'user:', 'Bearer ', 'ab', 'token=']) {
      for (const encoded of base64s(`${prefix}${SECRET}`).concat(base64s(`${prefix}${SECRET}:trailer`))) {
        const out = r.string(`Authorization: Basic ${encoded}.`);
        expect(out, `${prefix} → ${encoded}`).toContain(REDACTED);
        expect(leaks(out), `${prefix} → ${out}`).toBe(false);
      }
    }
  });

  it('replaces base64 that was then URL-encoded', () => {
    const encoded = encodeURIComponent(Buffer.from(`svc:${SECRET}??>>`).toString('base64'));
    expect(leaks(r.string(`?auth=${encoded}`))).toBe(false);
  });

  it('replaces hex in either case', () => {
    const hex = Buffer.from(SECRET).toString('hex');
    expect(r.string(`dump ${hex} / ${hex.toUpperCase()}`)).toBe(`dump ${REDACTED} / ${REDACTED}`);
  });

  it('replaces JSON escapes: twice escaped and \\u-escaped', () => {
    const secret = 'pa"ss\\wörd-42';
    const s = createRedactor([secret]);
    const twice = JSON.stringify(JSON.stringify({ p: secret }));
    expect(s.string(twice)).not.toContain('ss\\\\');
    expect(s.string(twice)).toContain(REDACTED);
    const ascii = JSON.stringify(secret).replace(/ö/g, '\\u00f6');
    expect(s.string(`{"p":${ascii}}`)).toBe(`{"p":"${REDACTED}"}`);
    expect(s.string(`{"p":${ascii.toUpperCase()}}`)).toBe(`{"p":"${REDACTED}"}`);
  });

  it('replaces a secret cut at a truncation edge, six characters or more', () => {
    expect(r.string(`auth "Bearer ${SECRET.slice(0, 9)}…"`)).toBe(`auth "Bearer ${REDACTED}…"`);
    expect(r.string(`auth Bearer ${SECRET.slice(0, 6)}...`)).toBe(`auth Bearer ${REDACTED}...`);
    expect(r.string(`excerpt: ${SECRET.slice(0, 12)}`)).toBe(`excerpt: ${REDACTED}`);
    expect(r.string(`…${SECRET.slice(-7)} tail`)).toBe(`…${REDACTED} tail`);
    // Five characters at an edge are ordinary text.
    expect(r.string(`cut ${SECRET.slice(0, 5)}…`)).toBe(`cut ${SECRET.slice(0, 5)}…`);
    // Not at an edge: the prefix alone is not the secret.
    expect(r.string(`${SECRET.slice(0, 9)} middle`)).toBe(`${SECRET.slice(0, 9)} middle`);
  });

  it('leaves ordinary text alone', () => {
    const text = 'GET /health 200 in 12ms; body "ok" (Basic dXNlcjpwYXNz)';
    expect(r.string(text)).toBe(text);
  });
});
