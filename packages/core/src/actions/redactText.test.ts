import { describe, expect, it } from 'vitest';
import { cutRedacted, redactText } from './redactText.js';

const TOKEN = 'fl-SeCrEt-9f2Kq7Zx';

describe('redactText', () => {
  it("uses the engine's redactor when the context has one", () => {
    const ctx = { secrets: { tok: TOKEN }, redact: (text: string) => text.replace('x', 'y') };
    expect(redactText(ctx, `x ${TOKEN}`)).toBe(`y ${TOKEN}`);
  });

  it('falls back to a redactor built from the secrets of a context made outside the engine', () => {
    const ctx = { secrets: { tok: TOKEN } };
    expect(redactText(ctx, `auth ${TOKEN.toUpperCase()}`)).toBe('auth [redacted]');
    expect(redactText({ secrets: {} }, `auth ${TOKEN}`)).toBe(`auth ${TOKEN}`);
  });
});

describe('cutRedacted', () => {
  const ctx = { secrets: { tok: TOKEN } };

  it('redacts first, then cuts: the cut can never leave part of a secret', () => {
    const text = `${'e'.repeat(150)} Bearer ${TOKEN} more`;
    const cut = cutRedacted(ctx, text, 160);
    expect(cut).toHaveLength(160);
    expect(cut.endsWith('Bearer […')).toBe(true);
    expect(cut).not.toContain(TOKEN.slice(0, 3));
  });

  it('leaves short text whole and honours another marker', () => {
    expect(cutRedacted(ctx, 'short', 10)).toBe('short');
    expect(cutRedacted(ctx, 'abcdefghijkl', 10, '...')).toBe('abcdefg...');
  });
});
