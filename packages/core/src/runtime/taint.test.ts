import { describe, expect, it } from 'vitest';
import { REDACTED, createRedactor } from './redact.js';
import { readsSecret, taintedView } from './taint.js';

describe('readsSecret', () => {
  it('is true for a template naming secrets or reaching the whole scope', () => {
    for (const template of [
      '{{ secrets.tok }}',
      'Basic {{ $base64encode("svc:" & secrets.tok) }}',
      '{{ $string($$) }}',
      '{{ $lookup($, "secrets") }}',
      '{{ $each($$.secrets, function($v) { $v }) }}',
      '{{ *.tok }}',
      '{{ $$.**.tok }}',
    ])
      expect(readsSecret(template), template).toBe(true);
  });

  it('is false for templates reading only named non-secret values', () => {
    for (const template of [
      '{{ inputs.n * 2 }}',
      'host {{ inputs.host }}: {{ steps.a.output.status }}',
      '{{ $map(inputs.list, function($v) { $v & "!" }) }}',
      'plain text about secrets',
    ])
      expect(readsSecret(template), template).toBe(false);
  });
});

describe('taintedView', () => {
  const r = createRedactor(['fl-SeCrEt-9f2Kq7Zx']);

  it('replaces whole each value rendered from a secret, and each one holding a secret, keeping the rest', () => {
    const template = {
      a: '{{ $substring(secrets.tok, 0, 3) }}',
      b: 'host {{ inputs.host }}',
      c: '{{ inputs.echo }}',
      list: ['{{ secrets.tok }}', 'x'],
      n: 3,
    };
    const rendered = {
      a: 'fl-',
      b: 'host web-1',
      c: 'FL-SECRET-9F2KQ7ZX',
      list: ['fl-SeCrEt-9f2Kq7Zx', 'x'],
      n: 3,
    };
    expect(taintedView(template, rendered, r)).toEqual({
      a: REDACTED,
      b: 'host web-1',
      c: REDACTED,
      list: [REDACTED, 'x'],
      n: 3,
    });
  });

  it('redacts a whole list whose items no longer line up with a template that read a secret', () => {
    expect(taintedView(['{{ inputs.missing }}', '{{ secrets.tok }}'], ['fl-'], r)).toBe(REDACTED);
  });

  it('passes the input through when the run has no secrets', () => {
    const rendered = { a: 'x' };
    expect(taintedView({ a: '{{ secrets.tok }}' }, rendered, createRedactor([]))).toBe(rendered);
  });
});
