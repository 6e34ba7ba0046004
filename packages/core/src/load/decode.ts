import type { Issue } from '../validate/issues.js';
import { firstInvalidUtf8 } from './limits.js';
import { issue, tooLarge } from './loadIssues.js';

/** Decodes playbook bytes as UTF-8 (BOM removed), or says where and why they are not text. */
export function decode(input: string | Uint8Array, maxBytes: number): { text: string } | { issue: Issue } {
  let text: string;
  if (typeof input === 'string') {
    if (Buffer.byteLength(input, 'utf8') > maxBytes)
      return { issue: issue('E_TOO_LARGE', tooLarge(Buffer.byteLength(input), maxBytes)) };
    text = input;
  } else {
    if (input.length > maxBytes) return { issue: issue('E_TOO_LARGE', tooLarge(input.length, maxBytes)) };
    if ((input[0] === 0xff && input[1] === 0xfe) || (input[0] === 0xfe && input[1] === 0xff)) {
      return { issue: issue('E_ENCODING', 'the file is UTF-16; save it as UTF-8') };
    }
    const bad = firstInvalidUtf8(input);
    if (bad >= 0) {
      const before = Buffer.from(input.subarray(0, bad)).toString('utf8');
      const line = before.split('\n').length;
      const column = before.length - before.lastIndexOf('\n');
      const byte = (input[bad] as number).toString(16).padStart(2, '0');
      return {
        issue: {
          ...issue('E_ENCODING', `byte 0x${byte} is not UTF-8; save the file as UTF-8`),
          line,
          column,
        },
      };
    }
    text = Buffer.from(input).toString('utf8');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    const before = text.slice(0, nul);
    return {
      issue: {
        ...issue('E_ENCODING', 'the file holds a NUL byte: it is binary data, not a YAML playbook'),
        line: before.split('\n').length,
        column: nul - before.lastIndexOf('\n'),
      },
    };
  }
  return { text };
}
