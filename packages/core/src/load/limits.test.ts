import { describe, expect, it } from 'vitest';
import { firstInvalidUtf8, LOAD_LIMITS } from './limits.js';

const bytes = (...values: number[]) => new Uint8Array(values);
const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

describe('LOAD_LIMITS', () => {
  it('has the documented defaults', () => {
    expect(LOAD_LIMITS).toEqual({ maxBytes: 1024 * 1024, maxDepth: 64, maxNodes: 100_000 });
  });
});

describe('firstInvalidUtf8', () => {
  it('accepts ASCII and every length of multi-byte sequence', () => {
    expect(firstInvalidUtf8(utf8(''))).toBe(-1);
    expect(firstInvalidUtf8(utf8('name: plain ascii\n'))).toBe(-1);
    expect(firstInvalidUtf8(utf8('é ü ß'))).toBe(-1); // 2 bytes
    expect(firstInvalidUtf8(utf8('€ 日本'))).toBe(-1); // 3 bytes
    expect(firstInvalidUtf8(utf8('𝄞 😀'))).toBe(-1); // 4 bytes
    expect(firstInvalidUtf8(bytes(0xf4, 0x8f, 0xbf, 0xbf))).toBe(-1); // U+10FFFF, the last code point
    expect(firstInvalidUtf8(bytes(0xee, 0x80, 0x80))).toBe(-1); // U+E000, just past the surrogates
  });

  it.each([
    ['an overlong 2-byte NUL', [0xc0, 0x80]],
    ['an overlong 2-byte "?"', [0xc1, 0xbf]],
    ['an overlong 3-byte "/"', [0xe0, 0x80, 0xaf]],
    ['an overlong 3-byte U+07FF', [0xe0, 0x9f, 0xbf]],
    ['an overlong 4-byte U+FFFF', [0xf0, 0x8f, 0xbf, 0xbf]],
    ['a high surrogate', [0xed, 0xa0, 0x80]],
    ['a low surrogate', [0xed, 0xbf, 0xbf]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['0xF5', [0xf5, 0x80, 0x80, 0x80]],
    ['0xF8', [0xf8, 0x88, 0x80, 0x80, 0x80]],
    ['0xFF', [0xff]],
    ['a lone continuation byte', [0x80]],
    ['a lead byte followed by ASCII', [0xe2, 0x28, 0xa1]],
    ['a truncated 2-byte sequence', [0xc3]],
    ['a truncated 3-byte sequence', [0xe2, 0x82]],
    ['a truncated 4-byte sequence', [0xf0, 0x9f, 0x98]],
  ])('finds %s at its first byte', (_, sequence) => {
    expect(firstInvalidUtf8(bytes(...sequence))).toBe(0);
    const prefix = utf8('ok: é\n');
    expect(firstInvalidUtf8(new Uint8Array([...prefix, ...sequence, 0x61]))).toBe(prefix.length);
  });

  it('agrees with a fatal TextDecoder on pseudo-random bytes, and the prefix it accepts decodes', () => {
    const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    const decodes = (b: Uint8Array) => {
      try {
        decoder.decode(b);
        return true;
      } catch {
        return false;
      }
    };
    let seed = 0x2f6b_9a1d;
    const next = () => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return seed >>> 16;
    };
    // Bytes biased towards the interesting range so that many arrays are valid multi-byte text.
    const pool = [
      0x41, 0x0a, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5,
    ];
    let valid = 0;
    for (let n = 0; n < 3_000; n++) {
      const sample = new Uint8Array(1 + (next() % 8)).map(() => pool[next() % pool.length]!);
      const at = firstInvalidUtf8(sample);
      expect(at === -1, `bytes ${Buffer.from(sample).toString('hex')}`).toBe(decodes(sample));
      if (at === -1) valid++;
      else expect(decodes(sample.subarray(0, at))).toBe(true);
    }
    expect(valid).toBeGreaterThan(50);
  });
});
